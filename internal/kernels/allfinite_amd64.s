//go:build !purego

#include "textflag.h"

// AllFinite: the largest of the elements' bits with the sign cleared,
// kept per lane in two accumulators, compared with +Inf's bits (0x7f800000)
// once at the end. No float arithmetic, so NaN and ±Inf need no special
// case.

DATA allFiniteConst<>+0(SB)/4, $0x7fffffff // |·| mask
DATA allFiniteConst<>+4(SB)/4, $0x7f7fffff // the largest finite |x|'s bits
GLOBL allFiniteConst<>(SB), RODATA|NOPTR, $8

// func allFiniteAVX2(x *float32, n int) bool
TEXT ·allFiniteAVX2(SB), NOSPLIT, $0-17
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VPBROADCASTD allFiniteConst<>+0(SB), Y2
	VPXOR        Y0, Y0, Y0
	VPXOR        Y1, Y1, Y1
	SHRQ         $4, CX

af2_loop:
	VPAND   (SI), Y2, Y3
	VPAND   32(SI), Y2, Y4
	VPMAXUD Y3, Y0, Y0
	VPMAXUD Y4, Y1, Y1
	ADDQ    $64, SI
	DECQ    CX
	JNZ     af2_loop

	VPMAXUD      Y1, Y0, Y0
	VPBROADCASTD allFiniteConst<>+4(SB), Y2
	VPCMPGTD     Y2, Y0, Y0          // |x| bits > largest finite (signed: both < 2³¹)
	VMOVMSKPS    Y0, AX
	TESTL        AX, AX
	SETEQ        ret+16(FP)
	VZEROUPPER
	RET

// func allFiniteAVX512(x *float32, n int) bool
TEXT ·allFiniteAVX512(SB), NOSPLIT, $0-17
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VPBROADCASTD allFiniteConst<>+0(SB), Z2
	VPXORD       Z0, Z0, Z0
	VPXORD       Z1, Z1, Z1
	SHRQ         $5, CX

af512_loop:
	VPANDD  (SI), Z2, Z3
	VPANDD  64(SI), Z2, Z4
	VPMAXUD Z3, Z0, Z0
	VPMAXUD Z4, Z1, Z1
	ADDQ    $128, SI
	DECQ    CX
	JNZ     af512_loop

	VPMAXUD      Z1, Z0, Z0
	VPBROADCASTD allFiniteConst<>+4(SB), Z2
	VPCMPUD      $6, Z2, Z0, K1      // |x| bits > largest finite
	KORTESTW     K1, K1
	SETEQ        ret+16(FP)
	VZEROUPPER
	RET
