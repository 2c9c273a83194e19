//go:build !purego

#include "textflag.h"

// GELU and GELUGrad with AVX-512F, 16 lanes per iteration: gelu_amd64.s
// with ZMM registers, the same instructions in the same order on each lane
// (so the same bits as the AVX2 path), the AVX2 lane selects done with
// opmasks: VANDNPS with a compare result becomes a zeroing move under the
// inverted mask, VBLENDVPS on the sign bit a merging move under
// VPTESTMD's mask. Only AVX512F instructions are used.

// Constants (gelu_amd64.s's, and the sign bit), each broadcast into a
// register.
DATA gelu512Const<>+0(SB)/4, $1.0                   // one
DATA gelu512Const<>+4(SB)/4, $0.5                   // half
DATA gelu512Const<>+8(SB)/4, $-0.5                  // negHalf
DATA gelu512Const<>+12(SB)/4, $13.0                  // cut
DATA gelu512Const<>+16(SB)/4, $1.4426950408889634    // log2e
DATA gelu512Const<>+20(SB)/4, $0.693359375           // ln2Hi
DATA gelu512Const<>+24(SB)/4, $-0.00021219444        // ln2Lo
DATA gelu512Const<>+28(SB)/4, $0.000198756915        // p0
DATA gelu512Const<>+32(SB)/4, $0.0013981999507       // p1
DATA gelu512Const<>+36(SB)/4, $0.0083334519073       // p2
DATA gelu512Const<>+40(SB)/4, $0.041665795894        // p3
DATA gelu512Const<>+44(SB)/4, $0.16666665459         // p4
DATA gelu512Const<>+48(SB)/4, $0.50000001201         // p5
DATA gelu512Const<>+52(SB)/4, $0.7071067811865476    // invSqrt2
DATA gelu512Const<>+56(SB)/4, $0.3989422804014327    // invSqrt2Pi
DATA gelu512Const<>+60(SB)/4, $-1.26551223           // c0
DATA gelu512Const<>+64(SB)/4, $1.00002368            // c1
DATA gelu512Const<>+68(SB)/4, $0.37409196            // c2
DATA gelu512Const<>+72(SB)/4, $0.09678418            // c3
DATA gelu512Const<>+76(SB)/4, $-0.18628806           // c4
DATA gelu512Const<>+80(SB)/4, $0.27886807            // c5
DATA gelu512Const<>+84(SB)/4, $-1.13520398           // c6
DATA gelu512Const<>+88(SB)/4, $1.48851587            // c7
DATA gelu512Const<>+92(SB)/4, $-0.82215223           // c8
DATA gelu512Const<>+96(SB)/4, $0.17087277            // c9
DATA gelu512Const<>+100(SB)/4, $0x7fffffff            // absMask
DATA gelu512Const<>+104(SB)/4, $0x80000000            // signMask
GLOBL gelu512Const<>(SB), RODATA|NOPTR, $108


#define K(off) gelu512Const<>+off(SB)

// Register constants: Z15 1, Z14 0.5, Z13 the |·| mask, Z12 −0.5, Z11 the
// flush cut 13, Z10 log2e, Z9 ln2Hi, Z8 ln2Lo, Z16 the sign bit.
#define SETUP512 \
	VBROADCASTSS K(0), Z15; \
	VBROADCASTSS K(4), Z14; \
	VBROADCASTSS K(100), Z13; \
	VBROADCASTSS K(8), Z12; \
	VBROADCASTSS K(12), Z11; \
	VBROADCASTSS K(16), Z10; \
	VBROADCASTSS K(20), Z9; \
	VBROADCASTSS K(24), Z8; \
	VBROADCASTSS K(104), Z16

// E = e^(S+Q) for 16 lanes, as EXP8.
#define EXP16(S, Q, E, N, P, C) \
	VADDPS       Q, S, P; \
	VMULPS       Z10, P, P; \
	VCVTPS2DQ    P, N; \
	VCVTDQ2PS    N, P; \
	VFNMADD231PS Z9, P, S; \
	VADDPS       Q, S, S; \
	VFNMADD231PS Z8, P, S; \
	VMULPS       S, S, E; \
	VBROADCASTSS K(28), P; \
	VBROADCASTSS K(32), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(36), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(40), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(44), C; \
	VFMADD213PS  C, S, P; \
	VBROADCASTSS K(48), C; \
	VFMADD213PS  C, S, P; \
	VFMADD231PS  E, P, S; \
	VADDPS       Z15, S, S; \
	VPSLLD       $23, N, N; \
	VPADDD       N, S, E

// Z3 = Φ(Z0) for 16 lanes, as CDF8; K2 = |x| ≤ 13 or NaN (kept), K3 = sign
// bit of x set; clobbers Z1, Z2, Z4, Z5, Z7, K1.
#define CDF16 \
	VPANDD       Z13, Z0, Z1; \
	VCMPPS       $1, Z1, Z11, K1; \
	KNOTW        K1, K2; \
	VBROADCASTSS K(52), Z7; \
	VMULPS       Z7, Z1, Z1; \
	VMOVAPS      Z15, Z2; \
	VFMADD231PS  Z14, Z1, Z2; \
	VDIVPS       Z2, Z15, Z2; \
	VBROADCASTSS K(96), Z3; \
	VBROADCASTSS K(92), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(88), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(84), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(80), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(76), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(72), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(68), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(64), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VBROADCASTSS K(60), Z7; \
	VFMADD213PS  Z7, Z2, Z3; \
	VMULPS       Z0, Z0, Z4; \
	VMOVAPS      Z0, Z5; \
	VFMSUB213PS  Z4, Z0, Z5; \
	VMULPS       Z12, Z4, Z4; \
	VFMADD231PS  Z12, Z5, Z3; \
	EXP16(Z4, Z3, Z3, Z5, Z7, Z1); \
	VMULPS       Z14, Z2, Z2; \
	VMULPS       Z3, Z2, Z2; \
	VMOVAPS.Z    Z2, K2, Z2; \
	VSUBPS       Z2, Z15, Z3; \
	VPTESTMD     Z16, Z0, K3; \
	VMOVAPS      Z2, K3, Z3

// func geluAVX512(y, x *float32, n int)
TEXT ·geluAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SETUP512
	SHRQ $4, CX
	JZ   gelu_done

gelu_loop:
	VMOVUPS (SI), Z0
	CDF16
	VMULPS  Z3, Z0, Z3
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     gelu_loop

gelu_done:
	VZEROUPPER
	RET

// func geluGradAVX512(dx, dy, x *float32, n int)
TEXT ·geluGradAVX512(SB), NOSPLIT, $0-32
	MOVQ dx+0(FP), DI
	MOVQ dy+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	SETUP512
	SHRQ $4, CX
	JZ   grad_done

grad_loop:
	VMOVUPS      (SI), Z0
	CDF16
	VMULPS       Z0, Z0, Z4              // hi = x²
	VMOVAPS      Z0, Z5
	VFMSUB213PS  Z4, Z0, Z5              // lo = x·x − hi
	VMULPS       Z12, Z4, Z4             // −hi/2
	VMULPS       Z12, Z5, Z5             // −lo/2
	EXP16(Z4, Z5, Z5, Z7, Z2, Z1)        // e^(−x²/2)
	VBROADCASTSS K(56), Z1
	VMULPS       Z1, Z5, Z5              // φ
	VMULPS       Z0, Z5, Z5              // x·φ
	VMOVAPS.Z    Z5, K2, Z5              // flushed where |x| > 13
	VADDPS       Z5, Z3, Z3              // Φ + x·φ
	VMOVUPS      (DX), Z5
	VMOVUPS      (DI), Z6
	VFMADD231PS  Z3, Z5, Z6              // dx += dy·(Φ + x·φ)
	VMOVUPS      Z6, (DI)
	ADDQ         $64, SI
	ADDQ         $64, DX
	ADDQ         $64, DI
	DECQ         CX
	JNZ          grad_loop

grad_done:
	VZEROUPPER
	RET
