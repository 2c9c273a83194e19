//go:build !purego

#include "textflag.h"

// -Inf in float32, broadcast as the running maxima's start.
DATA attnNegInf<>+0(SB)/4, $0xff800000
GLOBL attnNegInf<>(SB), RODATA|NOPTR, $4

// func rowMax8AVX2(x *float32, n8 int, out *[8]float32)
// VMAXPS returns its second source when either is NaN or both are zero,
// so with the running maxima second, a NaN in x is skipped and a tie
// keeps the earlier value, as the Go loop's v > m.
TEXT ·rowMax8AVX2(SB), NOSPLIT, $0-24
	MOVQ         x+0(FP), SI
	MOVQ         n8+8(FP), CX
	MOVQ         out+16(FP), DI
	VBROADCASTSS attnNegInf<>(SB), Y0

rowmax_loop:
	VMOVUPS (SI), Y1
	VMAXPS  Y0, Y1, Y0
	ADDQ    $32, SI
	DECQ    CX
	JNZ     rowmax_loop
	VMOVUPS Y0, (DI)
	VZEROUPPER
	RET

// func softmaxGradRowAVX2(ds, e *float32, n8 int, d, inv float32)
// ds = (inv·e)·(ds − d), 8 floats per iteration, rounded in that order.
TEXT ·softmaxGradRowAVX2(SB), NOSPLIT, $0-32
	MOVQ         ds+0(FP), DI
	MOVQ         e+8(FP), SI
	MOVQ         n8+16(FP), CX
	VBROADCASTSS d+24(FP), Y2
	VBROADCASTSS inv+28(FP), Y3

sgrad_loop:
	VMULPS  (SI), Y3, Y0
	VMOVUPS (DI), Y1
	VSUBPS  Y2, Y1, Y1
	VMULPS  Y1, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     sgrad_loop
	VZEROUPPER
	RET
