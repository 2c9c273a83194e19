//go:build !purego

#include "textflag.h"

// func mulAddAVX2(y, x, a, b *float32, n8 int)
// y = x·a + b, 8 floats per iteration, the product rounded before the sum.
TEXT ·mulAddAVX2(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), BX
	MOVQ n8+32(FP), CX

muladd_loop:
	VMOVUPS (SI), Y0
	VMULPS  (AX), Y0, Y0
	VADDPS  (BX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, AX
	ADDQ    $32, BX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     muladd_loop
	VZEROUPPER
	RET

// func mulAddToAVX2(y, x, a *float32, n8 int)
// y += x·a, 8 floats per iteration, the product rounded before the sum.
TEXT ·mulAddToAVX2(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ a+16(FP), AX
	MOVQ n8+24(FP), CX

muladdto_loop:
	VMOVUPS (SI), Y0
	VMULPS  (AX), Y0, Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, AX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     muladdto_loop
	VZEROUPPER
	RET

// func sumProdToAVX2(s, p *float64, x, z *float32, n4 int)
// s += float64(x), p += float64(x)·float64(z), 4 elements per iteration.
TEXT ·sumProdToAVX2(SB), NOSPLIT, $0-40
	MOVQ s+0(FP), DI
	MOVQ p+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ z+24(FP), AX
	MOVQ n4+32(FP), CX

sumprod_loop:
	VCVTPS2PD (SI), Y0
	VCVTPS2PD (AX), Y1
	VADDPD    (DI), Y0, Y2
	VMOVUPD   Y2, (DI)
	VMULPD    Y1, Y0, Y1
	VADDPD    (DX), Y1, Y1
	VMOVUPD   Y1, (DX)
	ADDQ      $16, SI
	ADDQ      $16, AX
	ADDQ      $32, DI
	ADDQ      $32, DX
	DECQ      CX
	JNZ       sumprod_loop
	VZEROUPPER
	RET

// func prodToAVX2(p *float64, x, z *float32, n4 int)
// p += float64(x)·float64(z), 4 elements per iteration.
TEXT ·prodToAVX2(SB), NOSPLIT, $0-32
	MOVQ p+0(FP), DX
	MOVQ x+8(FP), SI
	MOVQ z+16(FP), AX
	MOVQ n4+24(FP), CX

prod_loop:
	VCVTPS2PD (SI), Y0
	VCVTPS2PD (AX), Y1
	VMULPD    Y1, Y0, Y1
	VADDPD    (DX), Y1, Y1
	VMOVUPD   Y1, (DX)
	ADDQ      $16, SI
	ADDQ      $16, AX
	ADDQ      $32, DX
	DECQ      CX
	JNZ       prod_loop
	VZEROUPPER
	RET
