//go:build !purego

#include "textflag.h"

// AddTo and AddScalars on AVX-512F: 64 lanes per iteration (four ZMMs),
// then 16, then the last n mod 16 under a mask (K1), so that no element
// takes a scalar loop. Each element is the same float32 additions as the
// AVX2 and Go paths, in the same order, so the bits are theirs.

// Sets K1 to the low CX bits (0 < CX < 16); clobbers AX.
#define TAILMASK \
	MOVL   $1, AX; \
	SHLL   CX, AX; \
	DECL   AX; \
	KMOVW  AX, K1

// func addToAVX512(dst, src *float32, n int)
TEXT ·addToAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

add64:
	CMPQ    CX, $64
	JLT     add16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS  (DI), Z0, Z0
	VADDPS  64(DI), Z1, Z1
	VADDPS  128(DI), Z2, Z2
	VADDPS  192(DI), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     add64

add16:
	CMPQ    CX, $16
	JLT     addtail
	VMOVUPS (SI), Z0
	VADDPS  (DI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     add16

addtail:
	TESTQ     CX, CX
	JZ        adddone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DI), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

adddone:
	VZEROUPPER
	RET

// func addScalarsAVX512(dst, src *float32, n int, b, sh float32)
TEXT ·addScalarsAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Z4
	VBROADCASTSS sh+28(FP), Z5

sc64:
	CMPQ    CX, $64
	JLT     sc16
	VADDPS  (SI), Z4, Z0
	VADDPS  64(SI), Z4, Z1
	VADDPS  128(SI), Z4, Z2
	VADDPS  192(SI), Z4, Z3
	VADDPS  Z5, Z0, Z0
	VADDPS  Z5, Z1, Z1
	VADDPS  Z5, Z2, Z2
	VADDPS  Z5, Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     sc64

sc16:
	CMPQ    CX, $16
	JLT     sctail
	VADDPS  (SI), Z4, Z0
	VADDPS  Z5, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     sc16

sctail:
	TESTQ     CX, CX
	JZ        scdone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z0
	VADDPS    Z4, Z0, Z0
	VADDPS    Z5, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

scdone:
	VZEROUPPER
	RET
