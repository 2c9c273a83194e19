//go:build !purego

#include "textflag.h"

// func adamAVX2(p, grad, m, v *float32, n int, s *AdamStep)
// AdamStep: Decay 0, W1 4, B2 8, W2 12, BC2Sqrt 16, Eps 20, StepSize 24.
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ         p+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         v+24(FP), R9
	MOVQ         n+32(FP), CX
	MOVQ         s+40(FP), AX
	VBROADCASTSS 0(AX), Y8   // Decay
	VBROADCASTSS 4(AX), Y9   // W1
	VBROADCASTSS 8(AX), Y10  // B2
	VBROADCASTSS 12(AX), Y11 // W2
	VBROADCASTSS 16(AX), Y12 // BC2Sqrt
	VBROADCASTSS 20(AX), Y13 // Eps
	VBROADCASTSS 24(AX), Y14 // StepSize
	VPCMPEQD     Y15, Y15, Y15
	VPSLLD       $31, Y15, Y15 // the sign bit
	VXORPS       Y15, Y14, Y14 // −StepSize

loop:
	VMOVUPS (SI), Y1       // g
	VMOVUPS (R8), Y2       // m
	VSUBPS  Y2, Y1, Y3     // g − m
	VMULPS  Y9, Y3, Y3     // W1·(g − m)
	VADDPS  Y3, Y2, Y2     // m + W1·(g − m)
	VMULPS  (R9), Y10, Y4  // v·B2
	VMULPS  Y11, Y1, Y5    // W2·g
	VMULPS  Y1, Y5, Y5     // (W2·g)·g
	VADDPS  Y5, Y4, Y4     // v
	VSQRTPS Y4, Y6
	VDIVPS  Y12, Y6, Y6    // √v / BC2Sqrt
	VADDPS  Y13, Y6, Y6    // + Eps
	VDIVPS  Y6, Y2, Y7     // m / denom
	VMULPS  Y14, Y7, Y7    // −StepSize·(m / denom)
	VMULPS  (DI), Y8, Y0   // p·Decay
	VADDPS  Y7, Y0, Y0
	VMOVUPS Y0, (DI)
	VMOVUPS Y2, (R8)
	VMOVUPS Y4, (R9)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JNZ     loop
	VZEROUPPER
	RET
