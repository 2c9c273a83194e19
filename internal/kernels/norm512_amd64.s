//go:build !purego

#include "textflag.h"

// The norm kernels that gain from AVX-512F (measured: sums, gradient sums,
// gradient apply, the fused SiLU gradient, NormAffine where 512-bit
// operations run at full width; SiLUGradFromOutput alone does not, and
// stays on AVX2), 16 elements per iteration as two halves of 8 float64
// lanes (NormAffine 32 while it can). The element-wise kernels run
// norm_amd64.s's instructions in the same order on each lane, so they give
// the AVX2 path's bits; the sums keep 16 partial sums (two ZMM
// accumulators) instead of 8, so their bits may differ from the AVX2
// path's (as NormSums allows). Only AVX512F instructions are used.

// Sum of the 8 float64 lanes of Z (into the low lane of X): the upper 4
// added to the lower 4, then (l0 + l2) + (l1 + l3); clobbers Y0.
#define HSUM8(Z, Y, X) \
	VEXTRACTF64X4 $1, Z, Y0; \
	VADDPD        Y0, Y, Y; \
	VEXTRACTF128  $1, Y, X0; \
	VADDPD        X0, X, X; \
	VUNPCKHPD     X, X, X0; \
	VADDSD        X0, X, X

// func normSumsAVX512(x *float32, n int, k float64) (s1, s2 float64)
//
// Z6, Z7: Σ d over elements 0..7, 8..15 of each group of 16; Z8, Z9: Σ d².
TEXT ·normSumsAVX512(SB), NOSPLIT, $0-40
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD k+16(FP), Z5
	VPXORQ       Z6, Z6, Z6
	VPXORQ       Z7, Z7, Z7
	VPXORQ       Z8, Z8, Z8
	VPXORQ       Z9, Z9, Z9
	SHRQ         $4, CX

sums_loop:
	VCVTPS2PD   (SI), Z0
	VCVTPS2PD   32(SI), Z1
	VSUBPD      Z5, Z0, Z0         // d = x − k
	VSUBPD      Z5, Z1, Z1
	VADDPD      Z0, Z6, Z6
	VADDPD      Z1, Z7, Z7
	VFMADD231PD Z0, Z0, Z8         // += d²
	VFMADD231PD Z1, Z1, Z9
	ADDQ        $64, SI
	DECQ        CX
	JNZ         sums_loop

	VADDPD Z7, Z6, Z6
	VADDPD Z9, Z8, Z8
	HSUM8(Z6, Y6, X6)
	HSUM8(Z8, Y8, X8)
	VZEROUPPER
	MOVSD  X6, s1+24(FP)
	MOVSD  X8, s2+32(FP)
	RET

// func normGradSumsAVX512(dy, x *float32, n int, mu float64) (sdy, sdyx float64)
//
// Z6, Z7: Σ dy over elements 0..7, 8..15 of each group of 16; Z8, Z9:
// Σ dy·(x − mu).
TEXT ·normGradSumsAVX512(SB), NOSPLIT, $0-48
	MOVQ         dy+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD mu+24(FP), Z5
	VPXORQ       Z6, Z6, Z6
	VPXORQ       Z7, Z7, Z7
	VPXORQ       Z8, Z8, Z8
	VPXORQ       Z9, Z9, Z9
	SHRQ         $4, CX

gsums_loop:
	VCVTPS2PD   (DI), Z0
	VCVTPS2PD   32(DI), Z1
	VCVTPS2PD   (SI), Z2
	VCVTPS2PD   32(SI), Z3
	VSUBPD      Z5, Z2, Z2         // x − mu
	VSUBPD      Z5, Z3, Z3
	VADDPD      Z0, Z6, Z6
	VADDPD      Z1, Z7, Z7
	VFMADD231PD Z2, Z0, Z8         // += dy·(x − mu)
	VFMADD231PD Z3, Z1, Z9
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNZ         gsums_loop

	VADDPD Z7, Z6, Z6
	VADDPD Z9, Z8, Z8
	HSUM8(Z6, Y6, X6)
	HSUM8(Z8, Y8, X8)
	VZEROUPPER
	MOVSD  X6, sdy+32(FP)
	MOVSD  X8, sdyx+40(FP)
	RET

// func normGradApplyAVX512(dx, dy, x *float32, n int, mu, rs, w, m1, m2 float64)
//
// Z10 mu, Z11 rs, Z12 w, Z13 m1, Z14 m2; 8 lanes at a time, twice per
// iteration.
TEXT ·normGradApplyAVX512(SB), NOSPLIT, $0-72
	MOVQ         dx+0(FP), DI
	MOVQ         dy+8(FP), BX
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSD mu+32(FP), Z10
	VBROADCASTSD rs+40(FP), Z11
	VBROADCASTSD w+48(FP), Z12
	VBROADCASTSD m1+56(FP), Z13
	VBROADCASTSD m2+64(FP), Z14
	SHRQ         $4, CX

apply_loop:
	VCVTPS2PD    (BX), Z0
	VCVTPS2PD    32(BX), Z1
	VMULPD       Z12, Z0, Z0         // dy·w
	VMULPD       Z12, Z1, Z1
	VSUBPD       Z13, Z0, Z0         // − m1
	VSUBPD       Z13, Z1, Z1
	VCVTPS2PD    (SI), Z2
	VCVTPS2PD    32(SI), Z3
	VSUBPD       Z10, Z2, Z2         // x − mu
	VSUBPD       Z10, Z3, Z3
	VMULPD       Z11, Z2, Z2         // x̂ = (x − mu)·rs
	VMULPD       Z11, Z3, Z3
	VMULPD       Z14, Z2, Z2         // x̂·m2
	VMULPD       Z14, Z3, Z3
	VSUBPD       Z2, Z0, Z0          // (dy·w − m1) − x̂·m2
	VSUBPD       Z3, Z1, Z1
	VMULPD       Z11, Z0, Z0         // ·rs
	VMULPD       Z11, Z1, Z1
	VCVTPD2PS    Z0, Y0
	VCVTPD2PS    Z1, Y1
	VINSERTF64X4 $1, Y1, Z0, Z0
	VADDPS       (DI), Z0, Z0        // dx += float32(…)
	VMOVUPS      Z0, (DI)
	ADDQ         $64, BX
	ADDQ         $64, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          apply_loop

	VZEROUPPER
	RET

// Constants of the SiLU gradient: ½ and 1.
DATA silu512Const<>+0(SB)/4, $0.5
DATA silu512Const<>+4(SB)/4, $1.0
GLOBL silu512Const<>(SB), RODATA|NOPTR, $8

// dz = dy·(σ + y·(1 − σ)) for the 16 lanes of z in Z0, with σ = y/z (½ where
// z is ±0), as siluGradAVX2: Z1 y, (DX) dy; Z5 0, Z6 ½, Z7 1; result in Z4,
// clobbers Z2, K1.
#define SILUGRAD16 \
	VMOVUPS   (BX), Z1; \
	VDIVPS    Z0, Z1, Z2; \
	VCMPPS    $0, Z5, Z0, K1; \
	VMOVAPS   Z6, K1, Z2; \
	VSUBPS    Z2, Z7, Z4; \
	VMULPS    Z4, Z1, Z4; \
	VADDPS    Z4, Z2, Z4; \
	VMULPS    (DX), Z4, Z4

// func normAffineSiLUGradAVX512(dz, x, y, dy *float32, n int, mu, a, sh float64)
//
// z = float32((x − mu)·a + sh) as normAffineAVX2 rounds it, then dz as
// siluGradAVX2 makes it, 16 lanes at a time; Z10 mu, Z11 a, Z12 sh.
TEXT ·normAffineSiLUGradAVX512(SB), NOSPLIT, $0-64
	MOVQ         dz+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), BX
	MOVQ         dy+24(FP), DX
	MOVQ         n+32(FP), CX
	VBROADCASTSD mu+40(FP), Z10
	VBROADCASTSD a+48(FP), Z11
	VBROADCASTSD sh+56(FP), Z12
	VPXORD       Z5, Z5, Z5
	VBROADCASTSS silu512Const<>+0(SB), Z6
	VBROADCASTSS silu512Const<>+4(SB), Z7
	SHRQ         $4, CX

affgrad_loop:
	VCVTPS2PD    (SI), Z0
	VCVTPS2PD    32(SI), Z3
	VSUBPD       Z10, Z0, Z0         // x − mu
	VSUBPD       Z10, Z3, Z3
	VMULPD       Z11, Z0, Z0         // ·a
	VMULPD       Z11, Z3, Z3
	VADDPD       Z12, Z0, Z0         // + sh
	VADDPD       Z12, Z3, Z3
	VCVTPD2PS    Z0, Y0
	VCVTPD2PS    Z3, Y3
	VINSERTF64X4 $1, Y3, Z0, Z0      // z, 16 lanes
	SILUGRAD16
	VMOVUPS      Z4, (DI)
	ADDQ         $64, SI
	ADDQ         $64, BX
	ADDQ         $64, DX
	ADDQ         $64, DI
	DECQ         CX
	JNZ          affgrad_loop

	VZEROUPPER
	RET

// func normAffineAVX512(y, x *float32, n int, mu, a, sh float64)
//
// n a multiple of 16: 32 elements per iteration as four ZMMs of 8 float64
// lanes while at least 32 remain, then 16. Each lane runs normAffineAVX2's
// instructions (sub, mul, add in float64, then one rounding to float32), so
// the bits are the AVX2 path's.
TEXT ·normAffineAVX512(SB), NOSPLIT, $0-48
	MOVQ         y+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD mu+24(FP), Z5
	VBROADCASTSD a+32(FP), Z6
	VBROADCASTSD sh+40(FP), Z7

affine32_loop:
	CMPQ      CX, $32
	JLT       affine16
	VCVTPS2PD (SI), Z0
	VCVTPS2PD 32(SI), Z1
	VCVTPS2PD 64(SI), Z2
	VCVTPS2PD 96(SI), Z3
	VSUBPD    Z5, Z0, Z0          // x − mu
	VSUBPD    Z5, Z1, Z1
	VSUBPD    Z5, Z2, Z2
	VSUBPD    Z5, Z3, Z3
	VMULPD    Z6, Z0, Z0          // ·a
	VMULPD    Z6, Z1, Z1
	VMULPD    Z6, Z2, Z2
	VMULPD    Z6, Z3, Z3
	VADDPD    Z7, Z0, Z0          // + sh
	VADDPD    Z7, Z1, Z1
	VADDPD    Z7, Z2, Z2
	VADDPD    Z7, Z3, Z3
	VCVTPD2PS Z0, Y0
	VCVTPD2PS Z1, Y1
	VCVTPD2PS Z2, Y2
	VCVTPD2PS Z3, Y3
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y1, 32(DI)
	VMOVUPS   Y2, 64(DI)
	VMOVUPS   Y3, 96(DI)
	ADDQ      $128, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	JMP       affine32_loop

affine16:
	TESTQ     CX, CX
	JZ        affine_done
	VCVTPS2PD (SI), Z0
	VCVTPS2PD 32(SI), Z1
	VSUBPD    Z5, Z0, Z0
	VSUBPD    Z5, Z1, Z1
	VMULPD    Z6, Z0, Z0
	VMULPD    Z6, Z1, Z1
	VADDPD    Z7, Z0, Z0
	VADDPD    Z7, Z1, Z1
	VCVTPD2PS Z0, Y0
	VCVTPD2PS Z1, Y1
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y1, 32(DI)

affine_done:
	VZEROUPPER
	RET
