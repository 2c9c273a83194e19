//go:build !purego

#include "textflag.h"

// func packA6AVX2(dst, a *float32, lda, k8 int)
// k8 is the number of 8-step blocks (kc/8). Each block loads 8 floats from
// each of the 6 rows, transposes them as an 8×8 block (rows 6 and 7 are
// copies of row 5, never stored) and stores step j's 6 values at
// DI + j·24: steps 0…6 with one 8-float store each, whose last 2 floats
// the next step's store overwrites, step 7 with a 4-float and a 2-float
// store, so that nothing past the block is written.
TEXT ·packA6AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8                // lda in bytes
	LEAQ (R8)(R8*2), R9        // 3·lda
	MOVQ k8+24(FP), CX
	LEAQ (SI)(R8*4), BX        // row 4
	TESTQ CX, CX
	JZ    done

loop:
	VMOVUPS    (SI), Y0
	VMOVUPS    (SI)(R8*1), Y1
	VMOVUPS    (SI)(R8*2), Y2
	VMOVUPS    (SI)(R9*1), Y3
	VMOVUPS    (BX), Y4
	VMOVUPS    (BX)(R8*1), Y5
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y5, Y5, Y14
	VUNPCKHPS  Y5, Y5, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xEE, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xEE, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS    Y8, (DI)
	VMOVUPS    Y9, 24(DI)
	VMOVUPS    Y10, 48(DI)
	VMOVUPS    Y11, 72(DI)
	VMOVUPS    Y12, 96(DI)
	VMOVUPS    Y13, 120(DI)
	VMOVUPS    Y14, 144(DI)
	VMOVUPS    X15, 168(DI)
	VEXTRACTF128 $1, Y15, X0
	VMOVSD     X0, 184(DI)
	ADDQ       $32, SI
	ADDQ       $32, BX
	ADDQ       $192, DI
	DECQ       CX
	JNZ        loop

done:
	VZEROUPPER
	RET

// func packAT6AVX2(dst, a *float32, lda, kc int)
// Step p copies the 6 floats at a + p·lda to dst + p·24 with a 4-float and
// a 2-float move, two steps per iteration.
TEXT ·packAT6AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8                // lda in bytes
	MOVQ kc+24(FP), CX
	SHRQ $1, CX                // pairs of steps
	JZ   tail

pairs:
	VMOVUPS (SI), X0
	VMOVSD  16(SI), X1
	VMOVUPS (SI)(R8*1), X2
	VMOVSD  16(SI)(R8*1), X3
	VMOVUPS X0, (DI)
	VMOVSD  X1, 16(DI)
	VMOVUPS X2, 24(DI)
	VMOVSD  X3, 40(DI)
	LEAQ    (SI)(R8*2), SI
	ADDQ    $48, DI
	DECQ    CX
	JNZ     pairs

tail:
	MOVQ kc+24(FP), CX
	TESTQ $1, CX
	JZ    done
	VMOVUPS (SI), X0
	VMOVSD  16(SI), X1
	VMOVUPS X0, (DI)
	VMOVSD  X1, 16(DI)

done:
	RET

// func packAT6RowsAVX2(dst, a *float32, lda, kc, np int)
// For each step p (rows of A, lda apart), the 6 floats of panel q at
// a + p·lda + q·24 bytes go to dst + q·kc·24 + p·24: one row of A read
// front to back per step.
TEXT ·packAT6RowsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8                // lda in bytes
	MOVQ kc+24(FP), CX
	MOVQ np+32(FP), R9
	LEAQ (CX)(CX*2), R10
	SHLQ $3, R10               // kc·24: one panel in bytes

at6rows_step:
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ R9, DX

at6rows_panel:
	VMOVUPS (AX), X0
	VMOVSD  16(AX), X1
	VMOVUPS X0, (BX)
	VMOVSD  X1, 16(BX)
	ADDQ    $24, AX
	ADDQ    R10, BX
	DECQ    DX
	JNZ     at6rows_panel

	ADDQ R8, SI
	ADDQ $24, DI
	DECQ CX
	JNZ  at6rows_step
	RET

// func packB16RowsAVX2(dst, b *float32, ldb, kc, np int)
// For each step p (rows of B, ldb apart), the 16 floats of panel q at
// b + p·ldb + q·64 bytes go to dst + q·kc·64 + p·64.
TEXT ·packB16RowsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R8
	SHLQ $2, R8                // ldb in bytes
	MOVQ kc+24(FP), CX
	MOVQ np+32(FP), R9
	MOVQ CX, R10
	SHLQ $6, R10               // kc·64: one panel in bytes

b16rows_step:
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ R9, DX

b16rows_panel:
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	VMOVUPS Y0, (BX)
	VMOVUPS Y1, 32(BX)
	ADDQ    $64, AX
	ADDQ    R10, BX
	DECQ    DX
	JNZ     b16rows_panel

	ADDQ R8, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  b16rows_step
	VZEROUPPER
	RET
