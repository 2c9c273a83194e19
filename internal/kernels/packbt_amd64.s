//go:build !purego

#include "textflag.h"

// TRANS8(base0, base4, off) loads 8 floats from each of the 8 rows at
// base0, base0+ldb, base0+2ldb, base0+3ldb, base4, …, base4+3ldb (R8 = ldb
// bytes, R9 = 3·ldb bytes), transposes the 8×8 block and stores column j
// as 8 floats at DI + j·64 + off.
#define TRANS8(base0, base4, off) \
	VMOVUPS    (base0), Y0; \
	VMOVUPS    (base0)(R8*1), Y1; \
	VMOVUPS    (base0)(R8*2), Y2; \
	VMOVUPS    (base0)(R9*1), Y3; \
	VMOVUPS    (base4), Y4; \
	VMOVUPS    (base4)(R8*1), Y5; \
	VMOVUPS    (base4)(R8*2), Y6; \
	VMOVUPS    (base4)(R9*1), Y7; \
	VUNPCKLPS  Y1, Y0, Y8; \
	VUNPCKHPS  Y1, Y0, Y9; \
	VUNPCKLPS  Y3, Y2, Y10; \
	VUNPCKHPS  Y3, Y2, Y11; \
	VUNPCKLPS  Y5, Y4, Y12; \
	VUNPCKHPS  Y5, Y4, Y13; \
	VUNPCKLPS  Y7, Y6, Y14; \
	VUNPCKHPS  Y7, Y6, Y15; \
	VSHUFPS    $0x44, Y10, Y8, Y0; \
	VSHUFPS    $0xEE, Y10, Y8, Y1; \
	VSHUFPS    $0x44, Y11, Y9, Y2; \
	VSHUFPS    $0xEE, Y11, Y9, Y3; \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8; \
	VPERM2F128 $0x20, Y5, Y1, Y9; \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x31, Y7, Y3, Y15; \
	VMOVUPS    Y8, off(DI); \
	VMOVUPS    Y9, off+64(DI); \
	VMOVUPS    Y10, off+128(DI); \
	VMOVUPS    Y11, off+192(DI); \
	VMOVUPS    Y12, off+256(DI); \
	VMOVUPS    Y13, off+320(DI); \
	VMOVUPS    Y14, off+384(DI); \
	VMOVUPS    Y15, off+448(DI)

// func packBTrans16AVX2(dst, b *float32, ldb, k8 int)
// k8 is the number of 8-column blocks (kc/8).
TEXT ·packBTrans16AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R8
	SHLQ $2, R8                // ldb in bytes
	LEAQ (R8)(R8*2), R9        // 3·ldb
	MOVQ k8+24(FP), CX
	LEAQ (SI)(R8*4), BX        // row 4
	LEAQ (BX)(R8*4), R10       // row 8
	LEAQ (R10)(R8*4), R11      // row 12
	TESTQ CX, CX
	JZ    done

loop:
	TRANS8(SI, BX, 0)
	TRANS8(R10, R11, 32)
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $512, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET
