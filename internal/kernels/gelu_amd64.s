//go:build !purego

#include "textflag.h"

// Constants of GELU and GELUGrad (gelu_generic.go; the exponential's are
// expf's, act_generic.go), each broadcast into a register.
DATA geluConst<>+0(SB)/4, $1.0                   // one
DATA geluConst<>+4(SB)/4, $0.5                   // half
DATA geluConst<>+8(SB)/4, $-0.5                  // negHalf
DATA geluConst<>+12(SB)/4, $13.0                  // cut
DATA geluConst<>+16(SB)/4, $1.4426950408889634    // log2e
DATA geluConst<>+20(SB)/4, $0.693359375           // ln2Hi
DATA geluConst<>+24(SB)/4, $-0.00021219444        // ln2Lo
DATA geluConst<>+28(SB)/4, $0.000198756915        // p0
DATA geluConst<>+32(SB)/4, $0.0013981999507       // p1
DATA geluConst<>+36(SB)/4, $0.0083334519073       // p2
DATA geluConst<>+40(SB)/4, $0.041665795894        // p3
DATA geluConst<>+44(SB)/4, $0.16666665459         // p4
DATA geluConst<>+48(SB)/4, $0.50000001201         // p5
DATA geluConst<>+52(SB)/4, $0.7071067811865476    // invSqrt2
DATA geluConst<>+56(SB)/4, $0.3989422804014327    // invSqrt2Pi
DATA geluConst<>+60(SB)/4, $-1.26551223           // c0
DATA geluConst<>+64(SB)/4, $1.00002368            // c1
DATA geluConst<>+68(SB)/4, $0.37409196            // c2
DATA geluConst<>+72(SB)/4, $0.09678418            // c3
DATA geluConst<>+76(SB)/4, $-0.18628806           // c4
DATA geluConst<>+80(SB)/4, $0.27886807            // c5
DATA geluConst<>+84(SB)/4, $-1.13520398           // c6
DATA geluConst<>+88(SB)/4, $1.48851587            // c7
DATA geluConst<>+92(SB)/4, $-0.82215223           // c8
DATA geluConst<>+96(SB)/4, $0.17087277            // c9
DATA geluConst<>+100(SB)/4, $0x7fffffff            // absMask
GLOBL geluConst<>(SB), RODATA|NOPTR, $104

#define K(off) geluConst<>+off(SB)

// Register constants: Y15 1, Y14 0.5, Y13 the |·| mask, Y12 −0.5, Y11 the
// flush cut 13, Y10 log2e, Y9 ln2Hi, Y8 ln2Lo.
#define SETUP \
	VBROADCASTSS K(0), Y15; \
	VBROADCASTSS K(4), Y14; \
	VBROADCASTSS K(100), Y13; \
	VBROADCASTSS K(8), Y12; \
	VBROADCASTSS K(12), Y11; \
	VBROADCASTSS K(16), Y10; \
	VBROADCASTSS K(20), Y9; \
	VBROADCASTSS K(24), Y8

// E = e^(S+Q) for 8 lanes (expf2): n = round((S+Q)·log2e), r = S − n·ln2Hi
// + Q − n·ln2Lo, e^r by expf's polynomial, times 2ⁿ. S is clobbered (it
// holds r), Q is read before E is written (E may be Q); N, P, C scratch.
#define EXP8(S, Q, E, N, P, C) \
	VADDPS       Q, S, P; \
	VMULPS       Y10, P, P; \
	VCVTPS2DQ    P, N; \                  // n, nearest even
	VCVTDQ2PS    N, P; \
	VFNMADD231PS Y9, P, S; \              // S − n·ln2Hi: exact
	VADDPS       Q, S, S; \
	VFNMADD231PS Y8, P, S; \              // r
	VMULPS       S, S, E; \               // z = r²
	VBROADCASTSS K(28), P; \
	VBROADCASTSS K(32), C; \
	VFMADD213PS  C, S, P; \               // p = p·r + p1
	VBROADCASTSS K(36), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(40), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(44), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(48), C; \
	VFMADD213PS  C, S, P; \               // p = p·r + p5
	VFMADD231PS  E, P, S; \               // e = p·z + r
	VADDPS       Y15, S, S; \             // e += 1
	VPSLLD       $23, N, N; \
	VPADDD       N, S, E                   // E = e·2ⁿ

// Y3 = Φ(Y0) for 8 lanes (normCDFf), Y6 = |x| > 13 (false for NaN);
// clobbers Y1, Y2, Y4, Y5, Y7.
#define CDF8 \
	VANDPS       Y13, Y0, Y1; \           // |x|
	VCMPPS       $1, Y1, Y11, Y6; \       // 13 < |x|: flushed
	VBROADCASTSS K(52), Y7; \
	VMULPS       Y7, Y1, Y1; \            // a = |x|/√2
	VMOVAPS      Y15, Y2; \
	VFMADD231PS  Y14, Y1, Y2; \           // 1 + a/2
	VDIVPS       Y2, Y15, Y2; \           // t = 1/(1 + a/2)
	VBROADCASTSS K(96), Y3; \             // c9
	VBROADCASTSS K(92), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c8
	VBROADCASTSS K(88), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c7
	VBROADCASTSS K(84), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c6
	VBROADCASTSS K(80), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c5
	VBROADCASTSS K(76), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c4
	VBROADCASTSS K(72), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c3
	VBROADCASTSS K(68), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c2
	VBROADCASTSS K(64), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c1
	VBROADCASTSS K(60), Y7; \
	VFMADD213PS  Y7, Y2, Y3; \            // p = p·t + c0
	VMULPS       Y0, Y0, Y4; \            // hi = x²
	VMOVAPS      Y0, Y5; \
	VFMSUB213PS  Y4, Y0, Y5; \            // lo = x·x − hi, exact
	VMULPS       Y12, Y4, Y4; \           // s = −hi/2
	VFMADD231PS  Y12, Y5, Y3; \           // q = p − lo/2
	EXP8(Y4, Y3, Y3, Y5, Y7, Y1); \
	VMULPS       Y14, Y2, Y2; \
	VMULPS       Y3, Y2, Y2; \            // r = t·e/2 = Φ(−|x|)
	VANDNPS      Y2, Y6, Y2; \            // flushed where |x| > 13
	VSUBPS       Y2, Y15, Y3; \           // 1 − r
	VBLENDVPS    Y0, Y2, Y3, Y3            // Φ = r where x's sign bit is set, else 1 − r

// func geluAVX2(y, x *float32, n int)
TEXT ·geluAVX2(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SETUP
	SHRQ $3, CX
	JZ   gelu_done

gelu_loop:
	VMOVUPS (SI), Y0
	CDF8
	VMULPS  Y3, Y0, Y3
	VMOVUPS Y3, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     gelu_loop

gelu_done:
	VZEROUPPER
	RET

// func geluGradAVX2(dx, dy, x *float32, n int)
TEXT ·geluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ dx+0(FP), DI
	MOVQ dy+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	SETUP
	SHRQ $3, CX
	JZ   grad_done

grad_loop:
	VMOVUPS      (SI), Y0
	CDF8
	VMULPS       Y0, Y0, Y4              // hi = x²
	VMOVAPS      Y0, Y5
	VFMSUB213PS  Y4, Y0, Y5              // lo = x·x − hi
	VMULPS       Y12, Y4, Y4             // −hi/2
	VMULPS       Y12, Y5, Y5             // −lo/2
	EXP8(Y4, Y5, Y5, Y7, Y2, Y1)         // e^(−x²/2)
	VBROADCASTSS K(56), Y1
	VMULPS       Y1, Y5, Y5              // φ
	VMULPS       Y0, Y5, Y5              // x·φ
	VANDNPS      Y5, Y6, Y5              // flushed where |x| > 13
	VADDPS       Y5, Y3, Y3              // Φ + x·φ
	VMOVUPS      (DX), Y5
	VMOVUPS      (DI), Y6
	VFMADD231PS  Y3, Y5, Y6              // dx += dy·(Φ + x·φ)
	VMOVUPS      Y6, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DX
	ADDQ         $32, DI
	DECQ         CX
	JNZ          grad_loop

grad_done:
	VZEROUPPER
	RET
