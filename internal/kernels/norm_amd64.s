//go:build !purego

#include "textflag.h"

// Horizontal sum of the 4 float64 lanes of Y: (l0 + l2) + (l1 + l3), into
// the low lane of X; clobbers X0.
#define HSUM(Y, X) \
	VEXTRACTF128 $1, Y, X0; \
	VADDPD       X0, X, X; \
	VUNPCKHPD    X, X, X0; \
	VADDSD       X0, X, X

// func normSumsAVX2(x *float32, n int, k float64) (s1, s2 float64)
//
// Y6, Y7: Σ d over lanes 0..3, 4..7 of each group of 8; Y8, Y9: Σ d².
TEXT ·normSumsAVX2(SB), NOSPLIT, $0-40
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD k+16(FP), Y5
	VXORPD       Y6, Y6, Y6
	VXORPD       Y7, Y7, Y7
	VXORPD       Y8, Y8, Y8
	VXORPD       Y9, Y9, Y9
	SHRQ         $3, CX

sums_loop:
	VCVTPS2PD   (SI), Y0
	VCVTPS2PD   16(SI), Y1
	VSUBPD      Y5, Y0, Y0         // d = x − k
	VSUBPD      Y5, Y1, Y1
	VADDPD      Y0, Y6, Y6
	VADDPD      Y1, Y7, Y7
	VFMADD231PD Y0, Y0, Y8         // += d²
	VFMADD231PD Y1, Y1, Y9
	ADDQ        $32, SI
	DECQ        CX
	JNZ         sums_loop

	VADDPD Y7, Y6, Y6
	VADDPD Y9, Y8, Y8
	HSUM(Y6, X6)
	HSUM(Y8, X8)
	VZEROUPPER
	MOVSD  X6, s1+24(FP)
	MOVSD  X8, s2+32(FP)
	RET

// func normAffineAVX2(y, x *float32, n int, mu, a, sh float64)
TEXT ·normAffineAVX2(SB), NOSPLIT, $0-48
	MOVQ         y+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD mu+24(FP), Y5
	VBROADCASTSD a+32(FP), Y6
	VBROADCASTSD sh+40(FP), Y7
	SHRQ         $3, CX

affine_loop:
	VCVTPS2PD  (SI), Y0
	VCVTPS2PD  16(SI), Y1
	VSUBPD     Y5, Y0, Y0          // x − mu
	VSUBPD     Y5, Y1, Y1
	VMULPD     Y6, Y0, Y0          // ·a
	VMULPD     Y6, Y1, Y1
	VADDPD     Y7, Y0, Y0          // + sh
	VADDPD     Y7, Y1, Y1
	VCVTPD2PSY Y0, X0
	VCVTPD2PSY Y1, X1
	VMOVUPS    X0, (DI)
	VMOVUPS    X1, 16(DI)
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        affine_loop

	VZEROUPPER
	RET

// func normGradSumsAVX2(dy, x *float32, n int, mu float64) (sdy, sdyx float64)
//
// Y6, Y7: Σ dy over lanes 0..3, 4..7 of each group of 8; Y8, Y9: Σ dy·(x − mu).
TEXT ·normGradSumsAVX2(SB), NOSPLIT, $0-48
	MOVQ         dy+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD mu+24(FP), Y5
	VXORPD       Y6, Y6, Y6
	VXORPD       Y7, Y7, Y7
	VXORPD       Y8, Y8, Y8
	VXORPD       Y9, Y9, Y9
	SHRQ         $3, CX

gsums_loop:
	VCVTPS2PD   (DI), Y0
	VCVTPS2PD   16(DI), Y1
	VCVTPS2PD   (SI), Y2
	VCVTPS2PD   16(SI), Y3
	VSUBPD      Y5, Y2, Y2         // x − mu
	VSUBPD      Y5, Y3, Y3
	VADDPD      Y0, Y6, Y6
	VADDPD      Y1, Y7, Y7
	VFMADD231PD Y2, Y0, Y8         // += dy·(x − mu)
	VFMADD231PD Y3, Y1, Y9
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         gsums_loop

	VADDPD Y7, Y6, Y6
	VADDPD Y9, Y8, Y8
	HSUM(Y6, X6)
	HSUM(Y8, X8)
	VZEROUPPER
	MOVSD  X6, sdy+32(FP)
	MOVSD  X8, sdyx+40(FP)
	RET

// func normGradApplyAVX2(dx, dy, x *float32, n int, mu, rs, w, m1, m2 float64)
//
// Y10 mu, Y11 rs, Y12 w, Y13 m1, Y14 m2; 4 lanes at a time, twice per
// iteration.
TEXT ·normGradApplyAVX2(SB), NOSPLIT, $0-72
	MOVQ         dx+0(FP), DI
	MOVQ         dy+8(FP), BX
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSD mu+32(FP), Y10
	VBROADCASTSD rs+40(FP), Y11
	VBROADCASTSD w+48(FP), Y12
	VBROADCASTSD m1+56(FP), Y13
	VBROADCASTSD m2+64(FP), Y14
	SHRQ         $3, CX

apply_loop:
	VCVTPS2PD  (BX), Y0
	VCVTPS2PD  16(BX), Y1
	VMULPD     Y12, Y0, Y0         // dy·w
	VMULPD     Y12, Y1, Y1
	VSUBPD     Y13, Y0, Y0         // − m1
	VSUBPD     Y13, Y1, Y1
	VCVTPS2PD  (SI), Y2
	VCVTPS2PD  16(SI), Y3
	VSUBPD     Y10, Y2, Y2         // x − mu
	VSUBPD     Y10, Y3, Y3
	VMULPD     Y11, Y2, Y2         // x̂ = (x − mu)·rs
	VMULPD     Y11, Y3, Y3
	VMULPD     Y14, Y2, Y2         // x̂·m2
	VMULPD     Y14, Y3, Y3
	VSUBPD     Y2, Y0, Y0          // (dy·w − m1) − x̂·m2
	VSUBPD     Y3, Y1, Y1
	VMULPD     Y11, Y0, Y0         // ·rs
	VMULPD     Y11, Y1, Y1
	VCVTPD2PSY Y0, X0
	VCVTPD2PSY Y1, X1
	VADDPS     (DI), X0, X0        // dx += float32(…)
	VADDPS     16(DI), X1, X1
	VMOVUPS    X0, (DI)
	VMOVUPS    X1, 16(DI)
	ADDQ       $32, BX
	ADDQ       $32, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        apply_loop

	VZEROUPPER
	RET

// Constants of siluGradAVX2: ½ and 1, 8 lanes each.
DATA siluGradConst<>+0(SB)/4, $0.5
DATA siluGradConst<>+4(SB)/4, $0.5
DATA siluGradConst<>+8(SB)/4, $0.5
DATA siluGradConst<>+12(SB)/4, $0.5
DATA siluGradConst<>+16(SB)/4, $0.5
DATA siluGradConst<>+20(SB)/4, $0.5
DATA siluGradConst<>+24(SB)/4, $0.5
DATA siluGradConst<>+28(SB)/4, $0.5
DATA siluGradConst<>+32(SB)/4, $1.0
DATA siluGradConst<>+36(SB)/4, $1.0
DATA siluGradConst<>+40(SB)/4, $1.0
DATA siluGradConst<>+44(SB)/4, $1.0
DATA siluGradConst<>+48(SB)/4, $1.0
DATA siluGradConst<>+52(SB)/4, $1.0
DATA siluGradConst<>+56(SB)/4, $1.0
DATA siluGradConst<>+60(SB)/4, $1.0
GLOBL siluGradConst<>(SB), RODATA|NOPTR, $64

// func siluGradAVX2(dz, z, y, dy *float32, n int)
TEXT ·siluGradAVX2(SB), NOSPLIT, $0-40
	MOVQ    dz+0(FP), DI
	MOVQ    z+8(FP), SI
	MOVQ    y+16(FP), BX
	MOVQ    dy+24(FP), DX
	MOVQ    n+32(FP), CX
	VMOVUPS siluGradConst<>+0(SB), Y6   // ½
	VMOVUPS siluGradConst<>+32(SB), Y7  // 1
	VXORPS  Y5, Y5, Y5
	SHRQ    $3, CX

silugrad_loop:
	VMOVUPS   (SI), Y0                  // z
	VMOVUPS   (BX), Y1                  // y
	VDIVPS    Y0, Y1, Y2                // σ = y/z
	VCMPPS    $0, Y5, Y0, Y3            // z == ±0
	VBLENDVPS Y3, Y6, Y2, Y2            // σ = ½ there
	VSUBPS    Y2, Y7, Y4                // 1 − σ
	VMULPS    Y4, Y1, Y4                // y·(1 − σ)
	VADDPS    Y4, Y2, Y4                // σ + y·(1 − σ)
	VMULPS    (DX), Y4, Y4              // dy·(…)
	VMOVUPS   Y4, (DI)
	ADDQ      $32, SI
	ADDQ      $32, BX
	ADDQ      $32, DX
	ADDQ      $32, DI
	DECQ      CX
	JNZ       silugrad_loop

	VZEROUPPER
	RET

// func normAffineSiLUGradAVX2(dz, x, y, dy *float32, n int, mu, a, sh float64)
//
// z = float32((x − mu)·a + sh) as normAffineAVX2 rounds it, then dz as
// siluGradAVX2; Y10 mu, Y11 a, Y12 sh.
TEXT ·normAffineSiLUGradAVX2(SB), NOSPLIT, $0-64
	MOVQ         dz+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), BX
	MOVQ         dy+24(FP), DX
	MOVQ         n+32(FP), CX
	VBROADCASTSD mu+40(FP), Y10
	VBROADCASTSD a+48(FP), Y11
	VBROADCASTSD sh+56(FP), Y12
	VMOVUPS      siluGradConst<>+0(SB), Y6   // ½
	VMOVUPS      siluGradConst<>+32(SB), Y7  // 1
	VXORPS       Y5, Y5, Y5
	SHRQ         $3, CX

affgrad_loop:
	VCVTPS2PD   (SI), Y0
	VCVTPS2PD   16(SI), Y3
	VSUBPD      Y10, Y0, Y0         // x − mu
	VSUBPD      Y10, Y3, Y3
	VMULPD      Y11, Y0, Y0         // ·a
	VMULPD      Y11, Y3, Y3
	VADDPD      Y12, Y0, Y0         // + sh
	VADDPD      Y12, Y3, Y3
	VCVTPD2PSY  Y0, X0
	VCVTPD2PSY  Y3, X3
	VINSERTF128 $1, X3, Y0, Y0      // z, 8 lanes
	VMOVUPS     (BX), Y1            // y
	VDIVPS      Y0, Y1, Y2          // σ = y/z
	VCMPPS      $0, Y5, Y0, Y3      // z == ±0
	VBLENDVPS   Y3, Y6, Y2, Y2      // σ = ½ there
	VSUBPS      Y2, Y7, Y4          // 1 − σ
	VMULPS      Y4, Y1, Y4          // y·(1 − σ)
	VADDPS      Y4, Y2, Y4          // σ + y·(1 − σ)
	VMULPS      (DX), Y4, Y4        // dy·(…)
	VMOVUPS     Y4, (DI)
	ADDQ        $32, SI
	ADDQ        $32, BX
	ADDQ        $32, DX
	ADDQ        $32, DI
	DECQ        CX
	JNZ         affgrad_loop

	VZEROUPPER
	RET
