//go:build !purego

#include "textflag.h"

// Constants of expf (act_generic.go); p4, p5 and 1 are used as 32-byte
// memory operands in the loop, so they are stored 8 times.
DATA expConst<>+0(SB)/4, $1.44269504088896341  // log2e
DATA expConst<>+4(SB)/4, $0.693359375          // ln2Hi
DATA expConst<>+8(SB)/4, $-2.12194440e-4       // ln2Lo
DATA expConst<>+12(SB)/4, $1.9875691500e-4     // p0
DATA expConst<>+16(SB)/4, $1.3981999507e-3     // p1
DATA expConst<>+20(SB)/4, $8.3334519073e-3     // p2
DATA expConst<>+24(SB)/4, $4.1665795894e-2     // p3
DATA expConst<>+28(SB)/4, $88.7                // expHi
DATA expConst<>+32(SB)/4, $-87.3               // expLo
DATA expConst<>+64(SB)/4, $1.6666665459e-1     // p4 ×8
DATA expConst<>+68(SB)/4, $1.6666665459e-1
DATA expConst<>+72(SB)/4, $1.6666665459e-1
DATA expConst<>+76(SB)/4, $1.6666665459e-1
DATA expConst<>+80(SB)/4, $1.6666665459e-1
DATA expConst<>+84(SB)/4, $1.6666665459e-1
DATA expConst<>+88(SB)/4, $1.6666665459e-1
DATA expConst<>+92(SB)/4, $1.6666665459e-1
DATA expConst<>+96(SB)/4, $5.0000001201e-1     // p5 ×8
DATA expConst<>+100(SB)/4, $5.0000001201e-1
DATA expConst<>+104(SB)/4, $5.0000001201e-1
DATA expConst<>+108(SB)/4, $5.0000001201e-1
DATA expConst<>+112(SB)/4, $5.0000001201e-1
DATA expConst<>+116(SB)/4, $5.0000001201e-1
DATA expConst<>+120(SB)/4, $5.0000001201e-1
DATA expConst<>+124(SB)/4, $5.0000001201e-1
DATA expConst<>+128(SB)/4, $1.0                // one ×8
DATA expConst<>+132(SB)/4, $1.0
DATA expConst<>+136(SB)/4, $1.0
DATA expConst<>+140(SB)/4, $1.0
DATA expConst<>+144(SB)/4, $1.0
DATA expConst<>+148(SB)/4, $1.0
DATA expConst<>+152(SB)/4, $1.0
DATA expConst<>+156(SB)/4, $1.0
GLOBL expConst<>(SB), RODATA|NOPTR, $160

// func expShiftAVX2(y, x *float32, n int, shift float32) float64
//
// Registers: Y15 log2e, Y14 ln2Hi, Y13 ln2Lo, Y12..Y9 p0..p3, Y7 expHi,
// Y6 expLo, Y5 shift, Y4 the float64 sum; Y0 t, Y1 r, Y2 p, Y3 n, Y8 r².
TEXT ·expShiftAVX2(SB), NOSPLIT, $0-40
	MOVQ         y+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y5
	VBROADCASTSS expConst<>+0(SB), Y15
	VBROADCASTSS expConst<>+4(SB), Y14
	VBROADCASTSS expConst<>+8(SB), Y13
	VBROADCASTSS expConst<>+12(SB), Y12
	VBROADCASTSS expConst<>+16(SB), Y11
	VBROADCASTSS expConst<>+20(SB), Y10
	VBROADCASTSS expConst<>+24(SB), Y9
	VBROADCASTSS expConst<>+28(SB), Y7
	VBROADCASTSS expConst<>+32(SB), Y6
	VXORPD       Y4, Y4, Y4
	SHRQ         $3, CX
	JZ           done

loop:
	VMOVUPS      (SI), Y0
	VSUBPS       Y5, Y0, Y0                   // t = x − shift
	VMINPS       Y0, Y7, Y1                   // min(expHi, t), NaN stays
	VMAXPS       Y1, Y6, Y1                   // max(expLo, ·), NaN stays
	VMULPS       Y15, Y1, Y2
	VCVTPS2DQ    Y2, Y3                       // n = round(t·log2e), nearest even
	VCVTDQ2PS    Y3, Y2
	VFNMADD231PS Y14, Y2, Y1                  // r = t − n·ln2Hi
	VFNMADD231PS Y13, Y2, Y1                  // r −= n·ln2Lo
	VMULPS       Y1, Y1, Y8                   // z = r²
	VMOVAPS      Y12, Y2
	VFMADD213PS  Y11, Y1, Y2                  // p = p·r + p1
	VFMADD213PS  Y10, Y1, Y2
	VFMADD213PS  Y9, Y1, Y2
	VFMADD213PS  expConst<>+64(SB), Y1, Y2    // p = p·r + p4
	VFMADD213PS  expConst<>+96(SB), Y1, Y2    // p = p·r + p5
	VFMADD231PS  Y8, Y2, Y1                   // e = p·z + r
	VADDPS       expConst<>+128(SB), Y1, Y1   // e += 1
	VPSLLD       $23, Y3, Y3
	VPADDD       Y3, Y1, Y1                   // e·2ⁿ
	VCMPPS       $1, Y6, Y0, Y3               // t < expLo (false for NaN)
	VANDNPS      Y1, Y3, Y1                   // flush those lanes to 0
	VMOVUPS      Y1, (DI)
	VCVTPS2PD    X1, Y2                       // lanes 0..3 as float64
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD    X3, Y3                       // lanes 4..7
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y4, Y4
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          loop

done:
	VEXTRACTF128 $1, Y4, X0
	VADDPD       X0, X4, X4                   // (l0 + l2, l1 + l3)
	VUNPCKHPD    X4, X4, X0
	VADDSD       X0, X4, X4
	VZEROUPPER
	MOVSD        X4, ret+32(FP)
	RET
