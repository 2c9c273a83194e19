//go:build !purego

#include "textflag.h"

// One step of the sum for the first 2 rows of the tile: load a row of the
// B panel (16 floats) into Y12/Y13, broadcast the A values of rows 0 and
// 1 and accumulate into Y0..Y3 (Y(2r), Y(2r+1) hold row r of the tile).
// ao and bo are byte offsets; the A panel holds 6 values per step.
#define STEP2(ao, bo) \
	VMOVUPS      bo(DI), Y12; \
	VMOVUPS      bo+32(DI), Y13; \
	VBROADCASTSS ao(SI), Y14; \
	VBROADCASTSS ao+4(SI), Y15; \
	VFMADD231PS  Y14, Y12, Y0; \
	VFMADD231PS  Y14, Y13, Y1; \
	VFMADD231PS  Y15, Y12, Y2; \
	VFMADD231PS  Y15, Y13, Y3

// STEP2 and then rows 2 and 3 (Y4..Y7), with the B row already loaded.
#define STEP4(ao, bo) \
	STEP2(ao, bo); \
	VBROADCASTSS ao+8(SI), Y14; \
	VBROADCASTSS ao+12(SI), Y15; \
	VFMADD231PS  Y14, Y12, Y4; \
	VFMADD231PS  Y14, Y13, Y5; \
	VFMADD231PS  Y15, Y12, Y6; \
	VFMADD231PS  Y15, Y13, Y7

// One step of the whole 6×16 tile: STEP4 and then rows 4 and 5 (Y8..Y11).
#define STEP(ao, bo) \
	STEP4(ao, bo); \
	VBROADCASTSS ao+16(SI), Y14; \
	VBROADCASTSS ao+20(SI), Y15; \
	VFMADD231PS  Y14, Y12, Y8; \
	VFMADD231PS  Y14, Y13, Y9; \
	VFMADD231PS  Y15, Y12, Y10; \
	VFMADD231PS  Y15, Y13, Y11

// The k loop of a kernel running STEPMACRO: four steps at a time, then
// one at a time; jumps to store when done. BX = k/4, CX = k%4.
#define KLOOP(STEPMACRO, l4, t, l1) \
	TESTQ BX, BX; \
	JZ    t; \
l4: \
	PREFETCHT0 256(DI); \
	STEPMACRO(0, 0); \
	STEPMACRO(24, 64); \
	PREFETCHT0 320(DI); \
	STEPMACRO(48, 128); \
	STEPMACRO(72, 192); \
	ADDQ $96, SI; \
	ADDQ $256, DI; \
	DECQ BX; \
	JNZ  l4; \
t: \
	TESTQ CX, CX; \
	JZ    store; \
l1: \
	STEPMACRO(0, 0); \
	ADDQ $24, SI; \
	ADDQ $64, DI; \
	DECQ CX; \
	JNZ  l1; \
	JMP  store

// C row = alpha·acc (beta == 0). Y14 holds alpha.
#define STORE0(lo, hi) \
	VMULPS  Y14, lo, lo; \
	VMULPS  Y14, hi, hi; \
	VMOVUPS lo, (DX); \
	VMOVUPS hi, 32(DX); \
	ADDQ    R8, DX

// C row = alpha·acc + beta·C. Y14 holds alpha, Y15 beta.
#define STOREB(lo, hi) \
	VMULPS      (DX), Y15, Y12; \
	VMULPS      32(DX), Y15, Y13; \
	VFMADD231PS Y14, lo, Y12; \
	VFMADD231PS Y14, hi, Y13; \
	VMOVUPS     Y12, (DX); \
	VMOVUPS     Y13, 32(DX); \
	ADDQ        R8, DX

// func gemmKernel6x16AVX2(k, h int, a, b, c *float32, ldc int, alpha, beta float32)
TEXT ·gemmKernel6x16AVX2(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ h+8(FP), R9
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	// Warm the C tile while the sum runs.
	MOVQ DX, AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	ADDQ R8, AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	ADDQ R8, AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	ADDQ R8, AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	ADDQ R8, AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)
	ADDQ R8, AX
	PREFETCHT0 (AX)
	PREFETCHT0 60(AX)

	MOVQ CX, BX
	SHRQ $2, BX
	ANDQ $3, CX
	CMPQ R9, $2
	JLE  rows2
	CMPQ R9, $4
	JLE  rows4
	KLOOP(STEP, loop4, tail, loop1)

rows4:
	KLOOP(STEP4, loop4r4, tailr4, loop1r4)

rows2:
	KLOOP(STEP2, loop4r2, tailr2, loop1r2)

	// Store the first h (R9) rows.
store:
	VBROADCASTSS alpha+48(FP), Y14
	MOVL         beta+52(FP), AX
	TESTL        $0x7fffffff, AX // beta == ±0: do not read C
	JNZ          withbeta
	STORE0(Y0, Y1)
	DECQ         R9
	JZ           done
	STORE0(Y2, Y3)
	DECQ         R9
	JZ           done
	STORE0(Y4, Y5)
	DECQ         R9
	JZ           done
	STORE0(Y6, Y7)
	DECQ         R9
	JZ           done
	STORE0(Y8, Y9)
	DECQ         R9
	JZ           done
	STORE0(Y10, Y11)
	VZEROUPPER
	RET

withbeta:
	VBROADCASTSS beta+52(FP), Y15
	STOREB(Y0, Y1)
	DECQ         R9
	JZ           done
	STOREB(Y2, Y3)
	DECQ         R9
	JZ           done
	STOREB(Y4, Y5)
	DECQ         R9
	JZ           done
	STOREB(Y6, Y7)
	DECQ         R9
	JZ           done
	STOREB(Y8, Y9)
	DECQ         R9
	JZ           done
	STOREB(Y10, Y11)

done:
	VZEROUPPER
	RET
