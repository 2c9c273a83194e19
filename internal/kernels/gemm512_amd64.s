//go:build !purego

#include "textflag.h"

// The AVX-512 form of gemmKernel6x16AVX2: the same 6×16 tile and packed
// panels, with one 16-float ZMM register per row of the tile. Each element
// of C gets its products added in the same order, with the same fused
// multiply-adds, as the AVX2 kernel: the same bits.
//
// One step of the sum: load a row of the B panel into Z6, broadcast each of
// the 6 A values and accumulate into Z0..Z5 (Z(r) holds row r).
#define STEP512(ao, bo) \
	VMOVUPS      bo(DI), Z6; \
	VBROADCASTSS ao(SI), Z7; \
	VBROADCASTSS ao+4(SI), Z8; \
	VBROADCASTSS ao+8(SI), Z9; \
	VFMADD231PS  Z7, Z6, Z0; \
	VFMADD231PS  Z8, Z6, Z1; \
	VFMADD231PS  Z9, Z6, Z2; \
	VBROADCASTSS ao+12(SI), Z10; \
	VBROADCASTSS ao+16(SI), Z11; \
	VBROADCASTSS ao+20(SI), Z12; \
	VFMADD231PS  Z10, Z6, Z3; \
	VFMADD231PS  Z11, Z6, Z4; \
	VFMADD231PS  Z12, Z6, Z5

// C row = alpha·acc (beta == 0). Z14 holds alpha.
#define STORE0_512(acc) \
	VMULPS  Z14, acc, acc; \
	VMOVUPS acc, (DX); \
	ADDQ    R8, DX

// C row = alpha·acc + beta·C. Z14 holds alpha, Z15 beta.
#define STOREB_512(acc) \
	VMOVUPS     (DX), Z13; \
	VMULPS      Z15, Z13, Z13; \
	VFMADD231PS Z14, acc, Z13; \
	VMOVUPS     Z13, (DX); \
	ADDQ        R8, DX

// func gemmKernel6x16AVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmKernel6x16AVX512(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5

	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ   tail

loop4:
	PREFETCHT0 256(DI)
	STEP512(0, 0)
	STEP512(24, 64)
	PREFETCHT0 320(DI)
	STEP512(48, 128)
	STEP512(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  loop4

tail:
	TESTQ CX, CX
	JZ    store

loop1:
	STEP512(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

store:
	VBROADCASTSS alpha+40(FP), Z14
	MOVL         beta+44(FP), AX
	TESTL        $0x7fffffff, AX // beta == ±0: do not read C
	JNZ          withbeta
	STORE0_512(Z0)
	STORE0_512(Z1)
	STORE0_512(Z2)
	STORE0_512(Z3)
	STORE0_512(Z4)
	STORE0_512(Z5)
	VZEROUPPER
	RET

withbeta:
	VBROADCASTSS beta+44(FP), Z15
	STOREB_512(Z0)
	STOREB_512(Z1)
	STOREB_512(Z2)
	STOREB_512(Z3)
	STOREB_512(Z4)
	STOREB_512(Z5)
	VZEROUPPER
	RET
