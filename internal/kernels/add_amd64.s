//go:build !purego

#include "textflag.h"

// func addToAVX2(dst, src *float32, n int)
TEXT ·addToAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

loop32:
	CMPQ    CX, $32
	JLT     loop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VADDPS  (DI), Y0, Y0
	VADDPS  32(DI), Y1, Y1
	VADDPS  64(DI), Y2, Y2
	VADDPS  96(DI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     loop32

loop8:
	CMPQ    CX, $8
	JLT     tail
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     loop8

tail:
	TESTQ CX, CX
	JZ    done
	VMOVSS (SI), X0
	VADDSS (DI), X0, X0
	VMOVSS X0, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DI
	DECQ   CX
	JMP    tail

done:
	VZEROUPPER
	RET

// func addScalarsAVX2(dst, src *float32, n int, b, sh float32)
TEXT ·addScalarsAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Y4
	VBROADCASTSS sh+28(FP), Y5

sloop32:
	CMPQ    CX, $32
	JLT     sloop8
	VADDPS  (SI), Y4, Y0
	VADDPS  32(SI), Y4, Y1
	VADDPS  64(SI), Y4, Y2
	VADDPS  96(SI), Y4, Y3
	VADDPS  Y5, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y5, Y2, Y2
	VADDPS  Y5, Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     sloop32

sloop8:
	CMPQ    CX, $8
	JLT     stail
	VADDPS  (SI), Y4, Y0
	VADDPS  Y5, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     sloop8

stail:
	TESTQ  CX, CX
	JZ     sdone
	VMOVSS (SI), X0
	VADDSS X4, X0, X0
	VADDSS X5, X0, X0
	VMOVSS X0, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DI
	DECQ   CX
	JMP    stail

sdone:
	VZEROUPPER
	RET
