//go:build !purego

#include "textflag.h"

// Constants of expf and sigmoidf (act_generic.go). Scalars from offset 0
// are broadcast into registers once; p5 and the flush threshold are used as
// 32-byte memory operands in the loop, so they are stored 8 times.
DATA actConst<>+0(SB)/4, $1.44269504088896341  // log2e
DATA actConst<>+4(SB)/4, $0.693359375          // ln2Hi
DATA actConst<>+8(SB)/4, $-2.12194440e-4       // ln2Lo
DATA actConst<>+12(SB)/4, $1.9875691500e-4     // p0
DATA actConst<>+16(SB)/4, $1.3981999507e-3     // p1
DATA actConst<>+20(SB)/4, $8.3334519073e-3     // p2
DATA actConst<>+24(SB)/4, $4.1665795894e-2     // p3
DATA actConst<>+28(SB)/4, $1.6666665459e-1     // p4
DATA actConst<>+32(SB)/4, $88.7                // expHi
DATA actConst<>+36(SB)/4, $-87.3               // expLo
DATA actConst<>+40(SB)/4, $1.0                 // one
DATA actConst<>+64(SB)/4, $5.0000001201e-1     // p5 ×8
DATA actConst<>+68(SB)/4, $5.0000001201e-1
DATA actConst<>+72(SB)/4, $5.0000001201e-1
DATA actConst<>+76(SB)/4, $5.0000001201e-1
DATA actConst<>+80(SB)/4, $5.0000001201e-1
DATA actConst<>+84(SB)/4, $5.0000001201e-1
DATA actConst<>+88(SB)/4, $5.0000001201e-1
DATA actConst<>+92(SB)/4, $5.0000001201e-1
DATA actConst<>+96(SB)/4, $-88.7               // sigCut ×8
DATA actConst<>+100(SB)/4, $-88.7
DATA actConst<>+104(SB)/4, $-88.7
DATA actConst<>+108(SB)/4, $-88.7
DATA actConst<>+112(SB)/4, $-88.7
DATA actConst<>+116(SB)/4, $-88.7
DATA actConst<>+120(SB)/4, $-88.7
DATA actConst<>+124(SB)/4, $-88.7
GLOBL actConst<>(SB), RODATA|NOPTR, $128

// Load the arguments and the register constants:
// Y15 log2e, Y14 ln2Hi, Y13 ln2Lo, Y12..Y8 p0..p4, Y7 expHi, Y6 expLo, Y5 1.
#define SETUP \
	MOVQ         y+0(FP), DI; \
	MOVQ         x+8(FP), SI; \
	MOVQ         n+16(FP), CX; \
	VBROADCASTSS actConst<>+0(SB), Y15; \
	VBROADCASTSS actConst<>+4(SB), Y14; \
	VBROADCASTSS actConst<>+8(SB), Y13; \
	VBROADCASTSS actConst<>+12(SB), Y12; \
	VBROADCASTSS actConst<>+16(SB), Y11; \
	VBROADCASTSS actConst<>+20(SB), Y10; \
	VBROADCASTSS actConst<>+24(SB), Y9; \
	VBROADCASTSS actConst<>+28(SB), Y8; \
	VBROADCASTSS actConst<>+32(SB), Y7; \
	VBROADCASTSS actConst<>+36(SB), Y6; \
	VBROADCASTSS actConst<>+40(SB), Y5

// Y2 = σ(Y0) for 8 lanes; clobbers Y1, Y3, Y4. The clamps keep t as the
// second source of MIN/MAX so that a NaN lane stays NaN.
#define SIGMOID8 \
	VXORPS       Y1, Y1, Y1; \
	VSUBPS       Y0, Y1, Y1; \                   // t = −x
	VMINPS       Y1, Y7, Y1; \                   // t = min(expHi, t)
	VMAXPS       Y1, Y6, Y1; \                   // t = max(expLo, t)
	VMULPS       Y15, Y1, Y2; \
	VCVTPS2DQ    Y2, Y3; \                       // n = round(t·log2e), nearest even
	VCVTDQ2PS    Y3, Y2; \
	VFNMADD231PS Y14, Y2, Y1; \                  // r = t − n·ln2Hi
	VFNMADD231PS Y13, Y2, Y1; \                  // r −= n·ln2Lo
	VMULPS       Y1, Y1, Y4; \                   // z = r²
	VMOVAPS      Y12, Y2; \
	VFMADD213PS  Y11, Y1, Y2; \                  // p = p·r + p1
	VFMADD213PS  Y10, Y1, Y2; \
	VFMADD213PS  Y9, Y1, Y2; \
	VFMADD213PS  Y8, Y1, Y2; \
	VFMADD213PS  actConst<>+64(SB), Y1, Y2; \    // p = p·r + p5
	VFMADD231PS  Y4, Y2, Y1; \                   // e = p·z + r
	VADDPS       Y5, Y1, Y1; \                   // e += 1
	VPSLLD       $23, Y3, Y3; \
	VPADDD       Y3, Y1, Y1; \                   // e·2ⁿ = e^t
	VADDPS       Y5, Y1, Y1; \                   // 1 + e^t
	VDIVPS       Y1, Y5, Y2; \                   // σ = 1/(1 + e^t)
	VCMPPS       $1, actConst<>+96(SB), Y0, Y3; \ // x < sigCut (false for NaN)
	VANDNPS      Y2, Y3, Y2                      // flush those lanes to 0

// func siluAVX2(y, x *float32, n int)
TEXT ·siluAVX2(SB), NOSPLIT, $0-24
	SETUP
	SHRQ $3, CX
	JZ   silu_done

silu_loop:
	VMOVUPS (SI), Y0
	SIGMOID8
	VMULPS  Y0, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     silu_loop

silu_done:
	VZEROUPPER
	RET

// func sigmoidAVX2(y, x *float32, n int)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	SETUP
	SHRQ $3, CX
	JZ   sigmoid_done

sigmoid_loop:
	VMOVUPS (SI), Y0
	SIGMOID8
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     sigmoid_loop

sigmoid_done:
	VZEROUPPER
	RET
