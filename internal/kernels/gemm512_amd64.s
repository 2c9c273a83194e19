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


// The big form: up to 12 rows × 32 columns from two 6-row A panels, a1
// (SI, rows 0…5) and a2 (R11, rows 6…11), and two 16-column B panels, b1
// (DI, columns 0…15) and b2 (R10, 16…31). Z(2r) and Z(2r+1) hold columns
// 0…15 and 16…31 of row r. With all 12 rows that is 24 accumulators, so
// each step's two B loads serve twelve rows and each broadcast serves two
// vectors: 14 loads for 24 multiply-adds, against 8 for 12 in the wide
// form. Only the rows asked for (h, rounded up to even) are summed and only
// h rows are stored, so that a 32-row matrix runs as 12 + 12 + 8 rows at
// full speed instead of wasting most of a last 6-row panel. Every element
// gets the same fused multiply-adds in the same order as from the 6×16
// kernel: the same bits.
#define STEPB2(ao, bo) \
	VMOVUPS      bo(DI), Z24; \
	VMOVUPS      bo(R10), Z25; \
	VBROADCASTSS ao(SI), Z26; \
	VBROADCASTSS ao+4(SI), Z27; \
	VFMADD231PS  Z26, Z24, Z0; \
	VFMADD231PS  Z26, Z25, Z1; \
	VFMADD231PS  Z27, Z24, Z2; \
	VFMADD231PS  Z27, Z25, Z3

#define STEPB4(ao, bo) \
	VMOVUPS      bo(DI), Z24; \
	VMOVUPS      bo(R10), Z25; \
	VBROADCASTSS ao(SI), Z26; \
	VBROADCASTSS ao+4(SI), Z27; \
	VFMADD231PS  Z26, Z24, Z0; \
	VFMADD231PS  Z26, Z25, Z1; \
	VFMADD231PS  Z27, Z24, Z2; \
	VFMADD231PS  Z27, Z25, Z3; \
	VBROADCASTSS ao+8(SI), Z28; \
	VBROADCASTSS ao+12(SI), Z29; \
	VFMADD231PS  Z28, Z24, Z4; \
	VFMADD231PS  Z28, Z25, Z5; \
	VFMADD231PS  Z29, Z24, Z6; \
	VFMADD231PS  Z29, Z25, Z7

#define STEPB6(ao, bo) \
	VMOVUPS      bo(DI), Z24; \
	VMOVUPS      bo(R10), Z25; \
	VBROADCASTSS ao(SI), Z26; \
	VBROADCASTSS ao+4(SI), Z27; \
	VFMADD231PS  Z26, Z24, Z0; \
	VFMADD231PS  Z26, Z25, Z1; \
	VFMADD231PS  Z27, Z24, Z2; \
	VFMADD231PS  Z27, Z25, Z3; \
	VBROADCASTSS ao+8(SI), Z28; \
	VBROADCASTSS ao+12(SI), Z29; \
	VFMADD231PS  Z28, Z24, Z4; \
	VFMADD231PS  Z28, Z25, Z5; \
	VFMADD231PS  Z29, Z24, Z6; \
	VFMADD231PS  Z29, Z25, Z7; \
	VBROADCASTSS ao+16(SI), Z30; \
	VBROADCASTSS ao+20(SI), Z31; \
	VFMADD231PS  Z30, Z24, Z8; \
	VFMADD231PS  Z30, Z25, Z9; \
	VFMADD231PS  Z31, Z24, Z10; \
	VFMADD231PS  Z31, Z25, Z11

#define STEPB8(ao, bo) \
	VMOVUPS      bo(DI), Z24; \
	VMOVUPS      bo(R10), Z25; \
	VBROADCASTSS ao(SI), Z26; \
	VBROADCASTSS ao+4(SI), Z27; \
	VFMADD231PS  Z26, Z24, Z0; \
	VFMADD231PS  Z26, Z25, Z1; \
	VFMADD231PS  Z27, Z24, Z2; \
	VFMADD231PS  Z27, Z25, Z3; \
	VBROADCASTSS ao+8(SI), Z28; \
	VBROADCASTSS ao+12(SI), Z29; \
	VFMADD231PS  Z28, Z24, Z4; \
	VFMADD231PS  Z28, Z25, Z5; \
	VFMADD231PS  Z29, Z24, Z6; \
	VFMADD231PS  Z29, Z25, Z7; \
	VBROADCASTSS ao+16(SI), Z30; \
	VBROADCASTSS ao+20(SI), Z31; \
	VFMADD231PS  Z30, Z24, Z8; \
	VFMADD231PS  Z30, Z25, Z9; \
	VFMADD231PS  Z31, Z24, Z10; \
	VFMADD231PS  Z31, Z25, Z11; \
	VBROADCASTSS ao(R11), Z26; \
	VBROADCASTSS ao+4(R11), Z27; \
	VFMADD231PS  Z26, Z24, Z12; \
	VFMADD231PS  Z26, Z25, Z13; \
	VFMADD231PS  Z27, Z24, Z14; \
	VFMADD231PS  Z27, Z25, Z15

#define STEPB10(ao, bo) \
	VMOVUPS      bo(DI), Z24; \
	VMOVUPS      bo(R10), Z25; \
	VBROADCASTSS ao(SI), Z26; \
	VBROADCASTSS ao+4(SI), Z27; \
	VFMADD231PS  Z26, Z24, Z0; \
	VFMADD231PS  Z26, Z25, Z1; \
	VFMADD231PS  Z27, Z24, Z2; \
	VFMADD231PS  Z27, Z25, Z3; \
	VBROADCASTSS ao+8(SI), Z28; \
	VBROADCASTSS ao+12(SI), Z29; \
	VFMADD231PS  Z28, Z24, Z4; \
	VFMADD231PS  Z28, Z25, Z5; \
	VFMADD231PS  Z29, Z24, Z6; \
	VFMADD231PS  Z29, Z25, Z7; \
	VBROADCASTSS ao+16(SI), Z30; \
	VBROADCASTSS ao+20(SI), Z31; \
	VFMADD231PS  Z30, Z24, Z8; \
	VFMADD231PS  Z30, Z25, Z9; \
	VFMADD231PS  Z31, Z24, Z10; \
	VFMADD231PS  Z31, Z25, Z11; \
	VBROADCASTSS ao(R11), Z26; \
	VBROADCASTSS ao+4(R11), Z27; \
	VFMADD231PS  Z26, Z24, Z12; \
	VFMADD231PS  Z26, Z25, Z13; \
	VFMADD231PS  Z27, Z24, Z14; \
	VFMADD231PS  Z27, Z25, Z15; \
	VBROADCASTSS ao+8(R11), Z28; \
	VBROADCASTSS ao+12(R11), Z29; \
	VFMADD231PS  Z28, Z24, Z16; \
	VFMADD231PS  Z28, Z25, Z17; \
	VFMADD231PS  Z29, Z24, Z18; \
	VFMADD231PS  Z29, Z25, Z19

#define STEPB12(ao, bo) \
	VMOVUPS      bo(DI), Z24; \
	VMOVUPS      bo(R10), Z25; \
	VBROADCASTSS ao(SI), Z26; \
	VBROADCASTSS ao+4(SI), Z27; \
	VFMADD231PS  Z26, Z24, Z0; \
	VFMADD231PS  Z26, Z25, Z1; \
	VFMADD231PS  Z27, Z24, Z2; \
	VFMADD231PS  Z27, Z25, Z3; \
	VBROADCASTSS ao+8(SI), Z28; \
	VBROADCASTSS ao+12(SI), Z29; \
	VFMADD231PS  Z28, Z24, Z4; \
	VFMADD231PS  Z28, Z25, Z5; \
	VFMADD231PS  Z29, Z24, Z6; \
	VFMADD231PS  Z29, Z25, Z7; \
	VBROADCASTSS ao+16(SI), Z30; \
	VBROADCASTSS ao+20(SI), Z31; \
	VFMADD231PS  Z30, Z24, Z8; \
	VFMADD231PS  Z30, Z25, Z9; \
	VFMADD231PS  Z31, Z24, Z10; \
	VFMADD231PS  Z31, Z25, Z11; \
	VBROADCASTSS ao(R11), Z26; \
	VBROADCASTSS ao+4(R11), Z27; \
	VFMADD231PS  Z26, Z24, Z12; \
	VFMADD231PS  Z26, Z25, Z13; \
	VFMADD231PS  Z27, Z24, Z14; \
	VFMADD231PS  Z27, Z25, Z15; \
	VBROADCASTSS ao+8(R11), Z28; \
	VBROADCASTSS ao+12(R11), Z29; \
	VFMADD231PS  Z28, Z24, Z16; \
	VFMADD231PS  Z28, Z25, Z17; \
	VFMADD231PS  Z29, Z24, Z18; \
	VFMADD231PS  Z29, Z25, Z19; \
	VBROADCASTSS ao+16(R11), Z30; \
	VBROADCASTSS ao+20(R11), Z31; \
	VFMADD231PS  Z30, Z24, Z20; \
	VFMADD231PS  Z30, Z25, Z21; \
	VFMADD231PS  Z31, Z24, Z22; \
	VFMADD231PS  Z31, Z25, Z23

// C row (32 columns) = alpha·acc (beta == 0), then the next row; done
// after h rows (R9 counts them down). Z24 holds alpha.
#define STORE0B512(lo, hi) \
	VMULPS  Z24, lo, lo; \
	VMULPS  Z24, hi, hi; \
	VMOVUPS lo, (DX); \
	VMOVUPS hi, 64(DX); \
	ADDQ    R8, DX; \
	DECQ    R9; \
	JZ      bdone

// C row (32 columns) = alpha·acc + beta·C, then the next row; done after
// h rows. Z24 holds alpha, Z25 beta.
#define STOREBB512(lo, hi) \
	VMOVUPS     (DX), Z26; \
	VMOVUPS     64(DX), Z27; \
	VMULPS      Z25, Z26, Z26; \
	VMULPS      Z25, Z27, Z27; \
	VFMADD231PS Z24, lo, Z26; \
	VFMADD231PS Z24, hi, Z27; \
	VMOVUPS     Z26, (DX); \
	VMOVUPS     Z27, 64(DX); \
	ADDQ        R8, DX; \
	DECQ        R9; \
	JZ          bdone

// func gemmKernel12x32AVX512(k, h int, a1, a2, b1, b2, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmKernel12x32AVX512(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ h+8(FP), R9
	MOVQ a1+16(FP), SI
	MOVQ a2+24(FP), R11
	MOVQ b1+32(FP), DI
	MOVQ b2+40(FP), R10
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $2, R8

	// Ask for the tile's h rows of C now, so that they arrive while the
	// sum runs: 128 bytes a row, three cache lines when not aligned.
	MOVQ DX, R12
	MOVQ R9, R13
bprefc:
	PREFETCHT0 (R12)
	PREFETCHT0 64(R12)
	PREFETCHT0 124(R12)
	ADDQ       R8, R12
	DECQ       R13
	JNZ        bprefc

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
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23

	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	CMPQ R9, $2
	JLE  brows2
	CMPQ R9, $4
	JLE  brows4
	CMPQ R9, $6
	JLE  brows6
	CMPQ R9, $8
	JLE  brows8
	CMPQ R9, $10
	JLE  brows10

brows12:
	TESTQ BX, BX
	JZ    btail12

bloop12:
	PREFETCHT0 384(SI)
	PREFETCHT0 384(R11)
	STEPB12(0, 0)
	STEPB12(24, 64)
	STEPB12(48, 128)
	STEPB12(72, 192)
	ADDQ $96, SI
	ADDQ $96, R11
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  bloop12

btail12:
	TESTQ CX, CX
	JZ    bstore

bone12:
	STEPB12(0, 0)
	ADDQ $24, SI
	ADDQ $24, R11
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  bone12
	JMP  bstore

brows10:
	TESTQ BX, BX
	JZ    btail10

bloop10:
	PREFETCHT0 384(SI)
	PREFETCHT0 384(R11)
	STEPB10(0, 0)
	STEPB10(24, 64)
	STEPB10(48, 128)
	STEPB10(72, 192)
	ADDQ $96, SI
	ADDQ $96, R11
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  bloop10

btail10:
	TESTQ CX, CX
	JZ    bstore

bone10:
	STEPB10(0, 0)
	ADDQ $24, SI
	ADDQ $24, R11
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  bone10
	JMP  bstore

brows8:
	TESTQ BX, BX
	JZ    btail8

bloop8:
	PREFETCHT0 384(SI)
	PREFETCHT0 384(R11)
	STEPB8(0, 0)
	STEPB8(24, 64)
	STEPB8(48, 128)
	STEPB8(72, 192)
	ADDQ $96, SI
	ADDQ $96, R11
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  bloop8

btail8:
	TESTQ CX, CX
	JZ    bstore

bone8:
	STEPB8(0, 0)
	ADDQ $24, SI
	ADDQ $24, R11
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  bone8
	JMP  bstore

brows6:
	TESTQ BX, BX
	JZ    btail6

bloop6:
	PREFETCHT0 384(SI)
	STEPB6(0, 0)
	STEPB6(24, 64)
	STEPB6(48, 128)
	STEPB6(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  bloop6

btail6:
	TESTQ CX, CX
	JZ    bstore

bone6:
	STEPB6(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  bone6
	JMP  bstore

brows4:
	TESTQ BX, BX
	JZ    btail4

bloop4:
	PREFETCHT0 384(SI)
	STEPB4(0, 0)
	STEPB4(24, 64)
	STEPB4(48, 128)
	STEPB4(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  bloop4

btail4:
	TESTQ CX, CX
	JZ    bstore

bone4:
	STEPB4(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  bone4
	JMP  bstore

brows2:
	TESTQ BX, BX
	JZ    btail2

bloop2:
	PREFETCHT0 384(SI)
	STEPB2(0, 0)
	STEPB2(24, 64)
	STEPB2(48, 128)
	STEPB2(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	ADDQ $256, R10
	DECQ BX
	JNZ  bloop2

btail2:
	TESTQ CX, CX
	JZ    bstore

bone2:
	STEPB2(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ  bone2
	JMP  bstore

bstore:
	VBROADCASTSS alpha+64(FP), Z24
	MOVL         beta+68(FP), AX
	TESTL        $0x7fffffff, AX // beta == ±0: do not read C
	JNZ          bbeta
	STORE0B512(Z0, Z1)
	STORE0B512(Z2, Z3)
	STORE0B512(Z4, Z5)
	STORE0B512(Z6, Z7)
	STORE0B512(Z8, Z9)
	STORE0B512(Z10, Z11)
	STORE0B512(Z12, Z13)
	STORE0B512(Z14, Z15)
	STORE0B512(Z16, Z17)
	STORE0B512(Z18, Z19)
	STORE0B512(Z20, Z21)
	STORE0B512(Z22, Z23)

bbeta:
	VBROADCASTSS beta+68(FP), Z25
	STOREBB512(Z0, Z1)
	STOREBB512(Z2, Z3)
	STOREBB512(Z4, Z5)
	STOREBB512(Z6, Z7)
	STOREBB512(Z8, Z9)
	STOREBB512(Z10, Z11)
	STOREBB512(Z12, Z13)
	STOREBB512(Z14, Z15)
	STOREBB512(Z16, Z17)
	STOREBB512(Z18, Z19)
	STOREBB512(Z20, Z21)
	STOREBB512(Z22, Z23)

bdone:
	VZEROUPPER
	RET

// The narrow form: up to 12 rows × 16 columns from the A panels a1 (SI,
// rows 0…5) and a2 (R11, rows 6…11) and one B panel (DI), storing only
// the first w columns (opmask K1) of the first h rows: the last, narrower
// panel of a matrix and its last rows, without the scratch tile that the
// 6×16 kernel needs there. Z(r) holds row r. Every element gets the same
// fused multiply-adds in the same order as from the 6×16 kernel: the same
// bits.
#define STEPN2(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VBROADCASTSS ao(SI), Z13; \
	VFMADD231PS  Z13, Z12, Z0; \
	VBROADCASTSS ao+4(SI), Z14; \
	VFMADD231PS  Z14, Z12, Z1

#define STEPN4(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VBROADCASTSS ao(SI), Z13; \
	VFMADD231PS  Z13, Z12, Z0; \
	VBROADCASTSS ao+4(SI), Z14; \
	VFMADD231PS  Z14, Z12, Z1; \
	VBROADCASTSS ao+8(SI), Z15; \
	VFMADD231PS  Z15, Z12, Z2; \
	VBROADCASTSS ao+12(SI), Z16; \
	VFMADD231PS  Z16, Z12, Z3

#define STEPN6(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VBROADCASTSS ao(SI), Z13; \
	VFMADD231PS  Z13, Z12, Z0; \
	VBROADCASTSS ao+4(SI), Z14; \
	VFMADD231PS  Z14, Z12, Z1; \
	VBROADCASTSS ao+8(SI), Z15; \
	VFMADD231PS  Z15, Z12, Z2; \
	VBROADCASTSS ao+12(SI), Z16; \
	VFMADD231PS  Z16, Z12, Z3; \
	VBROADCASTSS ao+16(SI), Z17; \
	VFMADD231PS  Z17, Z12, Z4; \
	VBROADCASTSS ao+20(SI), Z18; \
	VFMADD231PS  Z18, Z12, Z5

#define STEPN8(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VBROADCASTSS ao(SI), Z13; \
	VFMADD231PS  Z13, Z12, Z0; \
	VBROADCASTSS ao+4(SI), Z14; \
	VFMADD231PS  Z14, Z12, Z1; \
	VBROADCASTSS ao+8(SI), Z15; \
	VFMADD231PS  Z15, Z12, Z2; \
	VBROADCASTSS ao+12(SI), Z16; \
	VFMADD231PS  Z16, Z12, Z3; \
	VBROADCASTSS ao+16(SI), Z17; \
	VFMADD231PS  Z17, Z12, Z4; \
	VBROADCASTSS ao+20(SI), Z18; \
	VFMADD231PS  Z18, Z12, Z5; \
	VBROADCASTSS ao(R11), Z13; \
	VFMADD231PS  Z13, Z12, Z6; \
	VBROADCASTSS ao+4(R11), Z14; \
	VFMADD231PS  Z14, Z12, Z7

#define STEPN10(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VBROADCASTSS ao(SI), Z13; \
	VFMADD231PS  Z13, Z12, Z0; \
	VBROADCASTSS ao+4(SI), Z14; \
	VFMADD231PS  Z14, Z12, Z1; \
	VBROADCASTSS ao+8(SI), Z15; \
	VFMADD231PS  Z15, Z12, Z2; \
	VBROADCASTSS ao+12(SI), Z16; \
	VFMADD231PS  Z16, Z12, Z3; \
	VBROADCASTSS ao+16(SI), Z17; \
	VFMADD231PS  Z17, Z12, Z4; \
	VBROADCASTSS ao+20(SI), Z18; \
	VFMADD231PS  Z18, Z12, Z5; \
	VBROADCASTSS ao(R11), Z13; \
	VFMADD231PS  Z13, Z12, Z6; \
	VBROADCASTSS ao+4(R11), Z14; \
	VFMADD231PS  Z14, Z12, Z7; \
	VBROADCASTSS ao+8(R11), Z15; \
	VFMADD231PS  Z15, Z12, Z8; \
	VBROADCASTSS ao+12(R11), Z16; \
	VFMADD231PS  Z16, Z12, Z9

#define STEPN12(ao, bo) \
	VMOVUPS      bo(DI), Z12; \
	VBROADCASTSS ao(SI), Z13; \
	VFMADD231PS  Z13, Z12, Z0; \
	VBROADCASTSS ao+4(SI), Z14; \
	VFMADD231PS  Z14, Z12, Z1; \
	VBROADCASTSS ao+8(SI), Z15; \
	VFMADD231PS  Z15, Z12, Z2; \
	VBROADCASTSS ao+12(SI), Z16; \
	VFMADD231PS  Z16, Z12, Z3; \
	VBROADCASTSS ao+16(SI), Z17; \
	VFMADD231PS  Z17, Z12, Z4; \
	VBROADCASTSS ao+20(SI), Z18; \
	VFMADD231PS  Z18, Z12, Z5; \
	VBROADCASTSS ao(R11), Z13; \
	VFMADD231PS  Z13, Z12, Z6; \
	VBROADCASTSS ao+4(R11), Z14; \
	VFMADD231PS  Z14, Z12, Z7; \
	VBROADCASTSS ao+8(R11), Z15; \
	VFMADD231PS  Z15, Z12, Z8; \
	VBROADCASTSS ao+12(R11), Z16; \
	VFMADD231PS  Z16, Z12, Z9; \
	VBROADCASTSS ao+16(R11), Z17; \
	VFMADD231PS  Z17, Z12, Z10; \
	VBROADCASTSS ao+20(R11), Z18; \
	VFMADD231PS  Z18, Z12, Z11

// The first w columns of a C row = alpha·acc (beta == 0), then the next
// row; done after h rows (R9 counts them down). Z24 holds alpha.
#define STORE0N512(acc) \
	VMULPS  Z24, acc, acc; \
	VMOVUPS acc, K1, (DX); \
	ADDQ    R8, DX; \
	DECQ    R9; \
	JZ      ndone

// The first w columns of a C row = alpha·acc + beta·C, then the next row;
// done after h rows. Z24 holds alpha, Z25 beta.
#define STOREBN512(acc) \
	VMOVUPS.Z   (DX), K1, Z26; \
	VMULPS      Z25, Z26, Z26; \
	VFMADD231PS Z24, acc, Z26; \
	VMOVUPS     Z26, K1, (DX); \
	ADDQ        R8, DX; \
	DECQ        R9; \
	JZ          ndone

// func gemmKernel12x16AVX512(k, h, w int, a1, a2, b, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmKernel12x16AVX512(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ h+8(FP), R9
	MOVQ w+16(FP), R13
	MOVQ a1+24(FP), SI
	MOVQ a2+32(FP), R11
	MOVQ b+40(FP), DI
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $2, R8

	// K1 = the low w bits: the columns to store.
	MOVQ  R13, BX
	MOVL  $1, AX
	MOVQ  BX, CX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	MOVQ  k+0(FP), CX

	// Ask for the tile's h rows of C now, so that they arrive while the
	// sum runs.
	MOVQ DX, R12
	MOVQ R9, R13
nprefc:
	PREFETCHT0 (R12)
	PREFETCHT0 60(R12)
	ADDQ       R8, R12
	DECQ       R13
	JNZ        nprefc

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
	CMPQ R9, $2
	JLE  nrows2
	CMPQ R9, $4
	JLE  nrows4
	CMPQ R9, $6
	JLE  nrows6
	CMPQ R9, $8
	JLE  nrows8
	CMPQ R9, $10
	JLE  nrows10

nrows12:
	TESTQ BX, BX
	JZ    ntail12

nloop12:
	PREFETCHT0 384(SI)
	PREFETCHT0 384(R11)
	STEPN12(0, 0)
	STEPN12(24, 64)
	STEPN12(48, 128)
	STEPN12(72, 192)
	ADDQ $96, SI
	ADDQ $96, R11
	ADDQ $256, DI
	DECQ BX
	JNZ  nloop12

ntail12:
	TESTQ CX, CX
	JZ    nstore

none12:
	STEPN12(0, 0)
	ADDQ $24, SI
	ADDQ $24, R11
	ADDQ $64, DI
	DECQ CX
	JNZ  none12
	JMP  nstore

nrows10:
	TESTQ BX, BX
	JZ    ntail10

nloop10:
	PREFETCHT0 384(SI)
	PREFETCHT0 384(R11)
	STEPN10(0, 0)
	STEPN10(24, 64)
	STEPN10(48, 128)
	STEPN10(72, 192)
	ADDQ $96, SI
	ADDQ $96, R11
	ADDQ $256, DI
	DECQ BX
	JNZ  nloop10

ntail10:
	TESTQ CX, CX
	JZ    nstore

none10:
	STEPN10(0, 0)
	ADDQ $24, SI
	ADDQ $24, R11
	ADDQ $64, DI
	DECQ CX
	JNZ  none10
	JMP  nstore

nrows8:
	TESTQ BX, BX
	JZ    ntail8

nloop8:
	PREFETCHT0 384(SI)
	PREFETCHT0 384(R11)
	STEPN8(0, 0)
	STEPN8(24, 64)
	STEPN8(48, 128)
	STEPN8(72, 192)
	ADDQ $96, SI
	ADDQ $96, R11
	ADDQ $256, DI
	DECQ BX
	JNZ  nloop8

ntail8:
	TESTQ CX, CX
	JZ    nstore

none8:
	STEPN8(0, 0)
	ADDQ $24, SI
	ADDQ $24, R11
	ADDQ $64, DI
	DECQ CX
	JNZ  none8
	JMP  nstore

nrows6:
	TESTQ BX, BX
	JZ    ntail6

nloop6:
	PREFETCHT0 384(SI)
	STEPN6(0, 0)
	STEPN6(24, 64)
	STEPN6(48, 128)
	STEPN6(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  nloop6

ntail6:
	TESTQ CX, CX
	JZ    nstore

none6:
	STEPN6(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  none6
	JMP  nstore

nrows4:
	TESTQ BX, BX
	JZ    ntail4

nloop4:
	PREFETCHT0 384(SI)
	STEPN4(0, 0)
	STEPN4(24, 64)
	STEPN4(48, 128)
	STEPN4(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  nloop4

ntail4:
	TESTQ CX, CX
	JZ    nstore

none4:
	STEPN4(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  none4
	JMP  nstore

nrows2:
	TESTQ BX, BX
	JZ    ntail2

nloop2:
	PREFETCHT0 384(SI)
	STEPN2(0, 0)
	STEPN2(24, 64)
	STEPN2(48, 128)
	STEPN2(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ BX
	JNZ  nloop2

ntail2:
	TESTQ CX, CX
	JZ    nstore

none2:
	STEPN2(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  none2
	JMP  nstore

nstore:
	VBROADCASTSS alpha+64(FP), Z24
	MOVL         beta+68(FP), AX
	TESTL        $0x7fffffff, AX // beta == ±0: do not read C
	JNZ          nbeta
	STORE0N512(Z0)
	STORE0N512(Z1)
	STORE0N512(Z2)
	STORE0N512(Z3)
	STORE0N512(Z4)
	STORE0N512(Z5)
	STORE0N512(Z6)
	STORE0N512(Z7)
	STORE0N512(Z8)
	STORE0N512(Z9)
	STORE0N512(Z10)
	STORE0N512(Z11)

nbeta:
	VBROADCASTSS beta+68(FP), Z25
	STOREBN512(Z0)
	STOREBN512(Z1)
	STOREBN512(Z2)
	STOREBN512(Z3)
	STOREBN512(Z4)
	STOREBN512(Z5)
	STOREBN512(Z6)
	STOREBN512(Z7)
	STOREBN512(Z8)
	STOREBN512(Z9)
	STOREBN512(Z10)
	STOREBN512(Z11)

ndone:
	VZEROUPPER
	RET
