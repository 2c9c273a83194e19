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

// The wide form: a 6×32 tile from two adjacent 16-column B panels, b1
// (DI) and b2 (R10), with Z(2r) and Z(2r+1) holding columns 0…15 and
// 16…31 of row r. Twelve accumulators hide the multiply-add latency that
// six cannot, and each B row loaded serves six rows of A. Every element
// gets the same fused multiply-adds in the same order as from the 6×16
// kernel: the same bits.
#define STEPW512(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VMOVUPS      bo(R10), Z13; \
	VBROADCASTSS ao(SI), Z14; \
	VBROADCASTSS ao+4(SI), Z15; \
	VFMADD231PS  Z14, Z12, Z0; \
	VFMADD231PS  Z14, Z13, Z1; \
	VFMADD231PS  Z15, Z12, Z2; \
	VFMADD231PS  Z15, Z13, Z3; \
	VBROADCASTSS ao+8(SI), Z16; \
	VBROADCASTSS ao+12(SI), Z17; \
	VFMADD231PS  Z16, Z12, Z4; \
	VFMADD231PS  Z16, Z13, Z5; \
	VFMADD231PS  Z17, Z12, Z6; \
	VFMADD231PS  Z17, Z13, Z7; \
	VBROADCASTSS ao+16(SI), Z18; \
	VBROADCASTSS ao+20(SI), Z19; \
	VFMADD231PS  Z18, Z12, Z8; \
	VFMADD231PS  Z18, Z13, Z9; \
	VFMADD231PS  Z19, Z12, Z10; \
	VFMADD231PS  Z19, Z13, Z11

// C row (32 columns) = alpha·acc (beta == 0). Z20 holds alpha.
#define STORE0W512(lo, hi) \
	VMULPS  Z20, lo, lo; \
	VMULPS  Z20, hi, hi; \
	VMOVUPS lo, (DX); \
	VMOVUPS hi, 64(DX); \
	ADDQ    R8, DX

// C row (32 columns) = alpha·acc + beta·C. Z20 holds alpha, Z21 beta.
#define STOREBW512(lo, hi) \
	VMOVUPS     (DX), Z22; \
	VMOVUPS     64(DX), Z23; \
	VMULPS      Z21, Z22, Z22; \
	VMULPS      Z21, Z23, Z23; \
	VFMADD231PS Z20, lo, Z22; \
	VFMADD231PS Z20, hi, Z23; \
	VMOVUPS     Z22, (DX); \
	VMOVUPS     Z23, 64(DX); \
	ADDQ        R8, DX

// func gemmKernel6x32AVX512(k int, a, b1, b2, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmKernel6x32AVX512(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b1+16(FP), DI
	MOVQ b2+24(FP), R10
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11

	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	TESTQ BX, BX
	JZ   wtail

wloop4:
	PREFETCHT0 256(DI)
	PREFETCHT0 256(R10)
	STEPW512(0, 0)
	STEPW512(24, 64)
	PREFETCHT0 320(DI)
	PREFETCHT0 320(R10)
	STEPW512(48, 128)
	STEPW512(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  wloop4

wtail:
	TESTQ CX, CX
	JZ    wstore

wloop1:
	STEPW512(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  wloop1

wstore:
	VBROADCASTSS alpha+48(FP), Z20
	MOVL         beta+52(FP), AX
	TESTL        $0x7fffffff, AX // beta == ±0: do not read C
	JNZ          wbeta
	STORE0W512(Z0, Z1)
	STORE0W512(Z2, Z3)
	STORE0W512(Z4, Z5)
	STORE0W512(Z6, Z7)
	STORE0W512(Z8, Z9)
	STORE0W512(Z10, Z11)
	VZEROUPPER
	RET

wbeta:
	VBROADCASTSS beta+52(FP), Z21
	STOREBW512(Z0, Z1)
	STOREBW512(Z2, Z3)
	STOREBW512(Z4, Z5)
	STOREBW512(Z6, Z7)
	STOREBW512(Z8, Z9)
	STOREBW512(Z10, Z11)
	VZEROUPPER
	RET
