//go:build !purego

#include "textflag.h"

// The Winograd F(4×4, 3×3) band transforms of winograd4.go on AVX2, 8
// tiles per step, in the operation order of the Go loops (wino4B, wino4A,
// wino4AT) with separate multiplications and additions (no fused
// multiply-adds), so that they give the same bits. The multiplications
// are by 2, 4 and 8, from memory operands. Each transform reads and writes
// whole vectors of 8 tiles: up to 7 tiles past n (the callers leave room
// for 16). With 16 ymm registers the 36 vectors of a step do not fit:
// each transform keeps the first pass's results (d B, dy Aᵀ or Aᵀ M) in
// a scratch buffer of 36 vectors and reads them back for the second.
//
// A step's 8 tiles are 32 consecutive floats of a band (4 per tile); the
// loads put tiles t and t+4 in the two 128-bit lanes of a register, and
// an in-lane 4×4 transpose (VUNPCK*) turns the four registers into the
// four columns of the 8 tiles in order. The output transform does the
// reverse and stores 128-bit halves.

DATA w4aTwo<>+0(SB)/4, $0x40000000
DATA w4aTwo<>+4(SB)/4, $0x40000000
DATA w4aTwo<>+8(SB)/4, $0x40000000
DATA w4aTwo<>+12(SB)/4, $0x40000000
DATA w4aTwo<>+16(SB)/4, $0x40000000
DATA w4aTwo<>+20(SB)/4, $0x40000000
DATA w4aTwo<>+24(SB)/4, $0x40000000
DATA w4aTwo<>+28(SB)/4, $0x40000000
GLOBL w4aTwo<>(SB), RODATA|NOPTR, $32

DATA w4aFour<>+0(SB)/4, $0x40800000
DATA w4aFour<>+4(SB)/4, $0x40800000
DATA w4aFour<>+8(SB)/4, $0x40800000
DATA w4aFour<>+12(SB)/4, $0x40800000
DATA w4aFour<>+16(SB)/4, $0x40800000
DATA w4aFour<>+20(SB)/4, $0x40800000
DATA w4aFour<>+24(SB)/4, $0x40800000
DATA w4aFour<>+28(SB)/4, $0x40800000
GLOBL w4aFour<>(SB), RODATA|NOPTR, $32

DATA w4aEight<>+0(SB)/4, $0x41000000
DATA w4aEight<>+4(SB)/4, $0x41000000
DATA w4aEight<>+8(SB)/4, $0x41000000
DATA w4aEight<>+12(SB)/4, $0x41000000
DATA w4aEight<>+16(SB)/4, $0x41000000
DATA w4aEight<>+20(SB)/4, $0x41000000
DATA w4aEight<>+24(SB)/4, $0x41000000
DATA w4aEight<>+28(SB)/4, $0x41000000
GLOBL w4aEight<>(SB), RODATA|NOPTR, $32

// BT2 sets Y12, Y10, Y11, Y13, Y14, Y15 to o0…o5 = Bᵀ d of d = Y0…Y5
// (wino4B's order; Y6…Y9 temporaries).
#define BT2 \
	VMULPS w4aFour<>(SB), Y2, Y6 \
	VSUBPS Y6, Y4, Y6 \
	VMULPS w4aFour<>(SB), Y1, Y15 \
	VSUBPS Y15, Y3, Y7 \
	VSUBPS Y2, Y4, Y8 \
	VSUBPS Y3, Y1, Y9 \
	VADDPS Y7, Y6, Y10 \
	VSUBPS Y7, Y6, Y11 \
	VSUBPS Y2, Y6, Y6 \
	VMULPS w4aFour<>(SB), Y0, Y12 \
	VADDPS Y6, Y12, Y12 \
	VMULPS w4aTwo<>(SB), Y9, Y9 \
	VSUBPS Y9, Y8, Y13 \
	VADDPS Y9, Y8, Y14 \
	VMULPS w4aFour<>(SB), Y3, Y6 \
	VSUBPS Y6, Y5, Y6 \
	VSUBPS Y3, Y6, Y6 \
	VADDPS Y6, Y15, Y15

// ATR2 sets Y10…Y13 to o0…o3 = Aᵀ m of m = Y0…Y5 (wino4A's order; Y6…Y9
// temporaries).
#define ATR2 \
	VADDPS Y2, Y1, Y6 \
	VSUBPS Y2, Y1, Y7 \
	VADDPS Y4, Y3, Y8 \
	VSUBPS Y4, Y3, Y9 \
	VADDPS Y6, Y0, Y10 \
	VADDPS Y8, Y10, Y10 \
	VMULPS w4aTwo<>(SB), Y9, Y11 \
	VADDPS Y11, Y7, Y11 \
	VMULPS w4aFour<>(SB), Y8, Y12 \
	VADDPS Y12, Y6, Y12 \
	VMULPS w4aEight<>(SB), Y9, Y13 \
	VADDPS Y13, Y7, Y13 \
	VADDPS Y5, Y13, Y13

// ATG2 sets Y0, Y8, Y9, Y10, Y11, Y3 to o0…o5 = A y of y = Y0…Y3
// (wino4AT's order; Y4…Y7 temporaries).
#define ATG2 \
	VADDPS Y2, Y0, Y4 \
	VADDPS Y3, Y1, Y5 \
	VMULPS w4aFour<>(SB), Y2, Y6 \
	VADDPS Y6, Y0, Y6 \
	VMULPS w4aFour<>(SB), Y3, Y7 \
	VADDPS Y7, Y1, Y7 \
	VADDPS Y5, Y4, Y8 \
	VSUBPS Y5, Y4, Y9 \
	VMULPS w4aTwo<>(SB), Y7, Y7 \
	VADDPS Y7, Y6, Y10 \
	VSUBPS Y7, Y6, Y11

// LOAD4 sets Y0…Y3 to columns 0…3 of the 8 tiles of 4 floats at (R10)
// (Y8…Y11 temporaries).
#define LOAD4 \
	VMOVUPS     0(R10), X0 \
	VINSERTF128 $1, 64(R10), Y0, Y0 \
	VMOVUPS     16(R10), X1 \
	VINSERTF128 $1, 80(R10), Y1, Y1 \
	VMOVUPS     32(R10), X2 \
	VINSERTF128 $1, 96(R10), Y2, Y2 \
	VMOVUPS     48(R10), X3 \
	VINSERTF128 $1, 112(R10), Y3, Y3 \
	VUNPCKLPS   Y1, Y0, Y8 \
	VUNPCKHPS   Y1, Y0, Y9 \
	VUNPCKLPS   Y3, Y2, Y10 \
	VUNPCKHPS   Y3, Y2, Y11 \
	VUNPCKLPD   Y10, Y8, Y0 \
	VUNPCKHPD   Y10, Y8, Y1 \
	VUNPCKLPD   Y11, Y9, Y2 \
	VUNPCKHPD   Y11, Y9, Y3

// LOADQ sets Y4, Y5 to columns 0 and 1 of the 8 tiles of 4 floats at
// (R10)(DX*1) (Y6…Y9 temporaries).
#define LOADQ \
	VMOVUPS     0(R10)(DX*1), X4 \
	VINSERTF128 $1, 64(R10)(DX*1), Y4, Y4 \
	VMOVUPS     16(R10)(DX*1), X5 \
	VINSERTF128 $1, 80(R10)(DX*1), Y5, Y5 \
	VMOVUPS     32(R10)(DX*1), X6 \
	VINSERTF128 $1, 96(R10)(DX*1), Y6, Y6 \
	VMOVUPS     48(R10)(DX*1), X7 \
	VINSERTF128 $1, 112(R10)(DX*1), Y7, Y7 \
	VUNPCKLPS   Y5, Y4, Y8 \
	VUNPCKLPS   Y7, Y6, Y9 \
	VUNPCKLPD   Y9, Y8, Y4 \
	VUNPCKHPD   Y9, Y8, Y5

// STORE6 stores Y12, Y10, Y11, Y13, Y14, Y15 (BT2's o0…o5) at (R10),
// R13 bytes apart (R11 clobbered).
#define STORE6(a, b, c, d, e, f) \
	MOVQ    R10, R11 \
	VMOVUPS a, (R11) \
	ADDQ    R13, R11 \
	VMOVUPS b, (R11) \
	ADDQ    R13, R11 \
	VMOVUPS c, (R11) \
	ADDQ    R13, R11 \
	VMOVUPS d, (R11) \
	ADDQ    R13, R11 \
	VMOVUPS e, (R11) \
	ADDQ    R13, R11 \
	VMOVUPS f, (R11)

// func wino4InAVX2(dst *float32, blk int, src *float32, bl, q, n int, scratch *float32)
TEXT ·wino4InAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ blk+8(FP), BX
	MOVQ src+16(FP), SI
	MOVQ bl+24(FP), R8
	MOVQ q+32(FP), DX
	MOVQ n+40(FP), CX
	MOVQ scratch+48(FP), R9
	SHLQ $2, BX
	SHLQ $2, R8
	SHLQ $2, DX
	LEAQ (BX)(BX*2), R13
	SHLQ $1, R13         // six blocks

inloop:
	MOVQ SI, R10
	// band 0: d B of its 8 tiles into scratch row 0
	LOAD4
	LOADQ
	BT2
	VMOVUPS Y12, 0(R9)
	VMOVUPS Y10, 32(R9)
	VMOVUPS Y11, 64(R9)
	VMOVUPS Y13, 96(R9)
	VMOVUPS Y14, 128(R9)
	VMOVUPS Y15, 160(R9)
	ADDQ R8, R10
	// band 1: d B of its 8 tiles into scratch row 1
	LOAD4
	LOADQ
	BT2
	VMOVUPS Y12, 192(R9)
	VMOVUPS Y10, 224(R9)
	VMOVUPS Y11, 256(R9)
	VMOVUPS Y13, 288(R9)
	VMOVUPS Y14, 320(R9)
	VMOVUPS Y15, 352(R9)
	ADDQ R8, R10
	// band 2: d B of its 8 tiles into scratch row 2
	LOAD4
	LOADQ
	BT2
	VMOVUPS Y12, 384(R9)
	VMOVUPS Y10, 416(R9)
	VMOVUPS Y11, 448(R9)
	VMOVUPS Y13, 480(R9)
	VMOVUPS Y14, 512(R9)
	VMOVUPS Y15, 544(R9)
	ADDQ R8, R10
	// band 3: d B of its 8 tiles into scratch row 3
	LOAD4
	LOADQ
	BT2
	VMOVUPS Y12, 576(R9)
	VMOVUPS Y10, 608(R9)
	VMOVUPS Y11, 640(R9)
	VMOVUPS Y13, 672(R9)
	VMOVUPS Y14, 704(R9)
	VMOVUPS Y15, 736(R9)
	ADDQ R8, R10
	// band 4: d B of its 8 tiles into scratch row 4
	LOAD4
	LOADQ
	BT2
	VMOVUPS Y12, 768(R9)
	VMOVUPS Y10, 800(R9)
	VMOVUPS Y11, 832(R9)
	VMOVUPS Y13, 864(R9)
	VMOVUPS Y14, 896(R9)
	VMOVUPS Y15, 928(R9)
	ADDQ R8, R10
	// band 5: d B of its 8 tiles into scratch row 5
	LOAD4
	LOADQ
	BT2
	VMOVUPS Y12, 960(R9)
	VMOVUPS Y10, 992(R9)
	VMOVUPS Y11, 1024(R9)
	VMOVUPS Y13, 1056(R9)
	VMOVUPS Y14, 1088(R9)
	VMOVUPS Y15, 1120(R9)
	MOVQ DI, R10
	// column 0: Bᵀ (d B) into blocks 0, 6, …, 30
	VMOVUPS 0(R9), Y0
	VMOVUPS 192(R9), Y1
	VMOVUPS 384(R9), Y2
	VMOVUPS 576(R9), Y3
	VMOVUPS 768(R9), Y4
	VMOVUPS 960(R9), Y5
	BT2
	STORE6(Y12, Y10, Y11, Y13, Y14, Y15)
	ADDQ BX, R10
	// column 1: Bᵀ (d B) into blocks 1, 7, …, 31
	VMOVUPS 32(R9), Y0
	VMOVUPS 224(R9), Y1
	VMOVUPS 416(R9), Y2
	VMOVUPS 608(R9), Y3
	VMOVUPS 800(R9), Y4
	VMOVUPS 992(R9), Y5
	BT2
	STORE6(Y12, Y10, Y11, Y13, Y14, Y15)
	ADDQ BX, R10
	// column 2: Bᵀ (d B) into blocks 2, 8, …, 32
	VMOVUPS 64(R9), Y0
	VMOVUPS 256(R9), Y1
	VMOVUPS 448(R9), Y2
	VMOVUPS 640(R9), Y3
	VMOVUPS 832(R9), Y4
	VMOVUPS 1024(R9), Y5
	BT2
	STORE6(Y12, Y10, Y11, Y13, Y14, Y15)
	ADDQ BX, R10
	// column 3: Bᵀ (d B) into blocks 3, 9, …, 33
	VMOVUPS 96(R9), Y0
	VMOVUPS 288(R9), Y1
	VMOVUPS 480(R9), Y2
	VMOVUPS 672(R9), Y3
	VMOVUPS 864(R9), Y4
	VMOVUPS 1056(R9), Y5
	BT2
	STORE6(Y12, Y10, Y11, Y13, Y14, Y15)
	ADDQ BX, R10
	// column 4: Bᵀ (d B) into blocks 4, 10, …, 34
	VMOVUPS 128(R9), Y0
	VMOVUPS 320(R9), Y1
	VMOVUPS 512(R9), Y2
	VMOVUPS 704(R9), Y3
	VMOVUPS 896(R9), Y4
	VMOVUPS 1088(R9), Y5
	BT2
	STORE6(Y12, Y10, Y11, Y13, Y14, Y15)
	ADDQ BX, R10
	// column 5: Bᵀ (d B) into blocks 5, 11, …, 35
	VMOVUPS 160(R9), Y0
	VMOVUPS 352(R9), Y1
	VMOVUPS 544(R9), Y2
	VMOVUPS 736(R9), Y3
	VMOVUPS 928(R9), Y4
	VMOVUPS 1120(R9), Y5
	BT2
	STORE6(Y12, Y10, Y11, Y13, Y14, Y15)
	ADDQ BX, R10
	ADDQ $32, DI
	ADDQ $128, SI
	SUBQ $8, CX
	JGT  inloop
	VZEROUPPER
	RET

// func wino4GradAVX2(dst *float32, blk int, src *float32, bl, n int, scratch *float32)
TEXT ·wino4GradAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ blk+8(FP), BX
	MOVQ src+16(FP), SI
	MOVQ bl+24(FP), R8
	MOVQ n+32(FP), CX
	MOVQ scratch+40(FP), R9
	SHLQ $2, BX
	SHLQ $2, R8
	LEAQ (BX)(BX*2), R13
	SHLQ $1, R13         // six blocks

gradloop:
	MOVQ SI, R10
	// band 0: dy Aᵀ of its 8 tiles into scratch row 0
	LOAD4
	ATG2
	VMOVUPS Y0, 0(R9)
	VMOVUPS Y8, 32(R9)
	VMOVUPS Y9, 64(R9)
	VMOVUPS Y10, 96(R9)
	VMOVUPS Y11, 128(R9)
	VMOVUPS Y3, 160(R9)
	ADDQ R8, R10
	// band 1: dy Aᵀ of its 8 tiles into scratch row 1
	LOAD4
	ATG2
	VMOVUPS Y0, 192(R9)
	VMOVUPS Y8, 224(R9)
	VMOVUPS Y9, 256(R9)
	VMOVUPS Y10, 288(R9)
	VMOVUPS Y11, 320(R9)
	VMOVUPS Y3, 352(R9)
	ADDQ R8, R10
	// band 2: dy Aᵀ of its 8 tiles into scratch row 2
	LOAD4
	ATG2
	VMOVUPS Y0, 384(R9)
	VMOVUPS Y8, 416(R9)
	VMOVUPS Y9, 448(R9)
	VMOVUPS Y10, 480(R9)
	VMOVUPS Y11, 512(R9)
	VMOVUPS Y3, 544(R9)
	ADDQ R8, R10
	// band 3: dy Aᵀ of its 8 tiles into scratch row 3
	LOAD4
	ATG2
	VMOVUPS Y0, 576(R9)
	VMOVUPS Y8, 608(R9)
	VMOVUPS Y9, 640(R9)
	VMOVUPS Y10, 672(R9)
	VMOVUPS Y11, 704(R9)
	VMOVUPS Y3, 736(R9)
	MOVQ DI, R10
	// column 0: A (dy Aᵀ) into blocks 0, 6, …, 30
	VMOVUPS 0(R9), Y0
	VMOVUPS 192(R9), Y1
	VMOVUPS 384(R9), Y2
	VMOVUPS 576(R9), Y3
	ATG2
	STORE6(Y0, Y8, Y9, Y10, Y11, Y3)
	ADDQ BX, R10
	// column 1: A (dy Aᵀ) into blocks 1, 7, …, 31
	VMOVUPS 32(R9), Y0
	VMOVUPS 224(R9), Y1
	VMOVUPS 416(R9), Y2
	VMOVUPS 608(R9), Y3
	ATG2
	STORE6(Y0, Y8, Y9, Y10, Y11, Y3)
	ADDQ BX, R10
	// column 2: A (dy Aᵀ) into blocks 2, 8, …, 32
	VMOVUPS 64(R9), Y0
	VMOVUPS 256(R9), Y1
	VMOVUPS 448(R9), Y2
	VMOVUPS 640(R9), Y3
	ATG2
	STORE6(Y0, Y8, Y9, Y10, Y11, Y3)
	ADDQ BX, R10
	// column 3: A (dy Aᵀ) into blocks 3, 9, …, 33
	VMOVUPS 96(R9), Y0
	VMOVUPS 288(R9), Y1
	VMOVUPS 480(R9), Y2
	VMOVUPS 672(R9), Y3
	ATG2
	STORE6(Y0, Y8, Y9, Y10, Y11, Y3)
	ADDQ BX, R10
	// column 4: A (dy Aᵀ) into blocks 4, 10, …, 34
	VMOVUPS 128(R9), Y0
	VMOVUPS 320(R9), Y1
	VMOVUPS 512(R9), Y2
	VMOVUPS 704(R9), Y3
	ATG2
	STORE6(Y0, Y8, Y9, Y10, Y11, Y3)
	ADDQ BX, R10
	// column 5: A (dy Aᵀ) into blocks 5, 11, …, 35
	VMOVUPS 160(R9), Y0
	VMOVUPS 352(R9), Y1
	VMOVUPS 544(R9), Y2
	VMOVUPS 736(R9), Y3
	ATG2
	STORE6(Y0, Y8, Y9, Y10, Y11, Y3)
	ADDQ BX, R10
	ADDQ $32, DI
	ADDQ $128, SI
	SUBQ $8, CX
	JGT  gradloop
	VZEROUPPER
	RET

// func wino4OutAVX2(rows *float32, bl int, src *float32, blk, n int, scratch *float32)
TEXT ·wino4OutAVX2(SB), NOSPLIT, $0-48
	MOVQ rows+0(FP), DI
	MOVQ bl+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ blk+24(FP), BX
	MOVQ n+32(FP), CX
	MOVQ scratch+40(FP), R9
	SHLQ $2, BX
	SHLQ $2, R8
	LEAQ (BX)(BX*2), R13
	SHLQ $1, R13         // six blocks

outloop:
	MOVQ SI, R10
	// column 0: t[·][0] = Aᵀ M[·][0] into scratch
	MOVQ R10, R11
	VMOVUPS (R11), Y0
	ADDQ R13, R11
	VMOVUPS (R11), Y1
	ADDQ R13, R11
	VMOVUPS (R11), Y2
	ADDQ R13, R11
	VMOVUPS (R11), Y3
	ADDQ R13, R11
	VMOVUPS (R11), Y4
	ADDQ R13, R11
	VMOVUPS (R11), Y5
	ATR2
	VMOVUPS Y10, 0(R9)
	VMOVUPS Y11, 192(R9)
	VMOVUPS Y12, 384(R9)
	VMOVUPS Y13, 576(R9)
	ADDQ BX, R10
	// column 1: t[·][1] = Aᵀ M[·][1] into scratch
	MOVQ R10, R11
	VMOVUPS (R11), Y0
	ADDQ R13, R11
	VMOVUPS (R11), Y1
	ADDQ R13, R11
	VMOVUPS (R11), Y2
	ADDQ R13, R11
	VMOVUPS (R11), Y3
	ADDQ R13, R11
	VMOVUPS (R11), Y4
	ADDQ R13, R11
	VMOVUPS (R11), Y5
	ATR2
	VMOVUPS Y10, 32(R9)
	VMOVUPS Y11, 224(R9)
	VMOVUPS Y12, 416(R9)
	VMOVUPS Y13, 608(R9)
	ADDQ BX, R10
	// column 2: t[·][2] = Aᵀ M[·][2] into scratch
	MOVQ R10, R11
	VMOVUPS (R11), Y0
	ADDQ R13, R11
	VMOVUPS (R11), Y1
	ADDQ R13, R11
	VMOVUPS (R11), Y2
	ADDQ R13, R11
	VMOVUPS (R11), Y3
	ADDQ R13, R11
	VMOVUPS (R11), Y4
	ADDQ R13, R11
	VMOVUPS (R11), Y5
	ATR2
	VMOVUPS Y10, 64(R9)
	VMOVUPS Y11, 256(R9)
	VMOVUPS Y12, 448(R9)
	VMOVUPS Y13, 640(R9)
	ADDQ BX, R10
	// column 3: t[·][3] = Aᵀ M[·][3] into scratch
	MOVQ R10, R11
	VMOVUPS (R11), Y0
	ADDQ R13, R11
	VMOVUPS (R11), Y1
	ADDQ R13, R11
	VMOVUPS (R11), Y2
	ADDQ R13, R11
	VMOVUPS (R11), Y3
	ADDQ R13, R11
	VMOVUPS (R11), Y4
	ADDQ R13, R11
	VMOVUPS (R11), Y5
	ATR2
	VMOVUPS Y10, 96(R9)
	VMOVUPS Y11, 288(R9)
	VMOVUPS Y12, 480(R9)
	VMOVUPS Y13, 672(R9)
	ADDQ BX, R10
	// column 4: t[·][4] = Aᵀ M[·][4] into scratch
	MOVQ R10, R11
	VMOVUPS (R11), Y0
	ADDQ R13, R11
	VMOVUPS (R11), Y1
	ADDQ R13, R11
	VMOVUPS (R11), Y2
	ADDQ R13, R11
	VMOVUPS (R11), Y3
	ADDQ R13, R11
	VMOVUPS (R11), Y4
	ADDQ R13, R11
	VMOVUPS (R11), Y5
	ATR2
	VMOVUPS Y10, 128(R9)
	VMOVUPS Y11, 320(R9)
	VMOVUPS Y12, 512(R9)
	VMOVUPS Y13, 704(R9)
	ADDQ BX, R10
	// column 5: t[·][5] = Aᵀ M[·][5] into scratch
	MOVQ R10, R11
	VMOVUPS (R11), Y0
	ADDQ R13, R11
	VMOVUPS (R11), Y1
	ADDQ R13, R11
	VMOVUPS (R11), Y2
	ADDQ R13, R11
	VMOVUPS (R11), Y3
	ADDQ R13, R11
	VMOVUPS (R11), Y4
	ADDQ R13, R11
	VMOVUPS (R11), Y5
	ATR2
	VMOVUPS Y10, 160(R9)
	VMOVUPS Y11, 352(R9)
	VMOVUPS Y12, 544(R9)
	VMOVUPS Y13, 736(R9)
	MOVQ DI, R11
	// row 0: Aᵀ (t[0]), interleaved into 32 floats of output row 0
	VMOVUPS 0(R9), Y0
	VMOVUPS 32(R9), Y1
	VMOVUPS 64(R9), Y2
	VMOVUPS 96(R9), Y3
	VMOVUPS 128(R9), Y4
	VMOVUPS 160(R9), Y5
	ATR2
	VUNPCKLPS    Y11, Y10, Y0
	VUNPCKHPS    Y11, Y10, Y1
	VUNPCKLPS    Y13, Y12, Y2
	VUNPCKHPS    Y13, Y12, Y3
	VUNPCKLPD    Y2, Y0, Y4
	VUNPCKHPD    Y2, Y0, Y5
	VUNPCKLPD    Y3, Y1, Y6
	VUNPCKHPD    Y3, Y1, Y7
	VMOVUPS      X4, 0(R11)
	VMOVUPS      X5, 16(R11)
	VMOVUPS      X6, 32(R11)
	VMOVUPS      X7, 48(R11)
	VEXTRACTF128 $1, Y4, 64(R11)
	VEXTRACTF128 $1, Y5, 80(R11)
	VEXTRACTF128 $1, Y6, 96(R11)
	VEXTRACTF128 $1, Y7, 112(R11)
	ADDQ R8, R11
	// row 1: Aᵀ (t[1]), interleaved into 32 floats of output row 1
	VMOVUPS 192(R9), Y0
	VMOVUPS 224(R9), Y1
	VMOVUPS 256(R9), Y2
	VMOVUPS 288(R9), Y3
	VMOVUPS 320(R9), Y4
	VMOVUPS 352(R9), Y5
	ATR2
	VUNPCKLPS    Y11, Y10, Y0
	VUNPCKHPS    Y11, Y10, Y1
	VUNPCKLPS    Y13, Y12, Y2
	VUNPCKHPS    Y13, Y12, Y3
	VUNPCKLPD    Y2, Y0, Y4
	VUNPCKHPD    Y2, Y0, Y5
	VUNPCKLPD    Y3, Y1, Y6
	VUNPCKHPD    Y3, Y1, Y7
	VMOVUPS      X4, 0(R11)
	VMOVUPS      X5, 16(R11)
	VMOVUPS      X6, 32(R11)
	VMOVUPS      X7, 48(R11)
	VEXTRACTF128 $1, Y4, 64(R11)
	VEXTRACTF128 $1, Y5, 80(R11)
	VEXTRACTF128 $1, Y6, 96(R11)
	VEXTRACTF128 $1, Y7, 112(R11)
	ADDQ R8, R11
	// row 2: Aᵀ (t[2]), interleaved into 32 floats of output row 2
	VMOVUPS 384(R9), Y0
	VMOVUPS 416(R9), Y1
	VMOVUPS 448(R9), Y2
	VMOVUPS 480(R9), Y3
	VMOVUPS 512(R9), Y4
	VMOVUPS 544(R9), Y5
	ATR2
	VUNPCKLPS    Y11, Y10, Y0
	VUNPCKHPS    Y11, Y10, Y1
	VUNPCKLPS    Y13, Y12, Y2
	VUNPCKHPS    Y13, Y12, Y3
	VUNPCKLPD    Y2, Y0, Y4
	VUNPCKHPD    Y2, Y0, Y5
	VUNPCKLPD    Y3, Y1, Y6
	VUNPCKHPD    Y3, Y1, Y7
	VMOVUPS      X4, 0(R11)
	VMOVUPS      X5, 16(R11)
	VMOVUPS      X6, 32(R11)
	VMOVUPS      X7, 48(R11)
	VEXTRACTF128 $1, Y4, 64(R11)
	VEXTRACTF128 $1, Y5, 80(R11)
	VEXTRACTF128 $1, Y6, 96(R11)
	VEXTRACTF128 $1, Y7, 112(R11)
	ADDQ R8, R11
	// row 3: Aᵀ (t[3]), interleaved into 32 floats of output row 3
	VMOVUPS 576(R9), Y0
	VMOVUPS 608(R9), Y1
	VMOVUPS 640(R9), Y2
	VMOVUPS 672(R9), Y3
	VMOVUPS 704(R9), Y4
	VMOVUPS 736(R9), Y5
	ATR2
	VUNPCKLPS    Y11, Y10, Y0
	VUNPCKHPS    Y11, Y10, Y1
	VUNPCKLPS    Y13, Y12, Y2
	VUNPCKHPS    Y13, Y12, Y3
	VUNPCKLPD    Y2, Y0, Y4
	VUNPCKHPD    Y2, Y0, Y5
	VUNPCKLPD    Y3, Y1, Y6
	VUNPCKHPD    Y3, Y1, Y7
	VMOVUPS      X4, 0(R11)
	VMOVUPS      X5, 16(R11)
	VMOVUPS      X6, 32(R11)
	VMOVUPS      X7, 48(R11)
	VEXTRACTF128 $1, Y4, 64(R11)
	VEXTRACTF128 $1, Y5, 80(R11)
	VEXTRACTF128 $1, Y6, 96(R11)
	VEXTRACTF128 $1, Y7, 112(R11)
	ADDQ $32, SI
	ADDQ $128, DI
	SUBQ $8, CX
	JGT  outloop
	VZEROUPPER
	RET

// func wino4CopyRowsAVX2(dst *float32, dstStride int, src *float32, srcStride, l, rows, planes, dstPlane, srcPlane int)
//
// Rows of 8 floats or more: whole vectors, then the row's last 8 floats
// again if l is not a multiple of 8 (overlapping what is copied already:
// the same values); 4 to 7 floats: the first 4 and the last 4; fewer: one
// at a time. Nothing outside a row's l floats is read or written.
TEXT ·wino4CopyRowsAVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ srcStride+24(FP), R9
	MOVQ l+32(FP), DX
	MOVQ planes+48(FP), R13
	MOVQ dstPlane+56(FP), R14
	MOVQ srcPlane+64(FP), R15
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R14
	SHLQ $2, R15
	MOVQ DX, BX
	ANDQ $-8, BX
	SHLQ $2, BX          // bytes of whole vectors a row
	SHLQ $2, DX          // bytes a row

copyplane:
	MOVQ rows+40(FP), CX
	MOVQ SI, AX
	MOVQ DI, R12
	CMPQ DX, $32
	JGE  copylong
	CMPQ DX, $16
	JGE  copymid

copyshort:
	XORQ R10, R10

copyone:
	VMOVSS (AX)(R10*1), X0
	VMOVSS X0, (R12)(R10*1)
	ADDQ   $4, R10
	CMPQ   R10, DX
	JLT    copyone
	ADDQ   R9, AX
	ADDQ   R8, R12
	DECQ   CX
	JNZ    copyshort
	JMP    copynext

copymid:
	VMOVUPS (AX), X0
	VMOVUPS -16(AX)(DX*1), X1
	VMOVUPS X0, (R12)
	VMOVUPS X1, -16(R12)(DX*1)
	ADDQ    R9, AX
	ADDQ    R8, R12
	DECQ    CX
	JNZ     copymid
	JMP     copynext

copylong:
	XORQ R10, R10

copyvec:
	VMOVUPS (AX)(R10*1), Y0
	VMOVUPS Y0, (R12)(R10*1)
	ADDQ    $32, R10
	CMPQ    R10, BX
	JLT     copyvec
	CMPQ    R10, DX
	JEQ     copylongnext
	VMOVUPS -32(AX)(DX*1), Y0
	VMOVUPS Y0, -32(R12)(DX*1)

copylongnext:
	ADDQ R9, AX
	ADDQ R8, R12
	DECQ CX
	JNZ  copylong

copynext:
	ADDQ R15, SI
	ADDQ R14, DI
	DECQ R13
	JNZ  copyplane
	VZEROUPPER
	RET

// func wino4RowsOutAVX2(dst *float32, dstStride int, src *float32, srcStride int, res *float32, l, rows int, b, sh float32, add bool)
//
// Rows of 8 floats or more: the row's last 8 floats are computed first,
// then the whole vectors, then the last 8 stored (overlapping what the
// vectors stored: the same values, since both read only what was there
// before, even where dst += src); 4 to 7 floats: the first 4 and the last
// 4, both computed before either is stored; fewer: one at a time. Nothing
// outside a row's l floats is read or written.
TEXT ·wino4RowsOutAVX2(SB), NOSPLIT, $0-65
	MOVQ         dst+0(FP), DI
	MOVQ         dstStride+8(FP), R8
	MOVQ         src+16(FP), SI
	MOVQ         srcStride+24(FP), R9
	MOVQ         res+32(FP), R14
	MOVQ         l+40(FP), DX
	MOVQ         rows+48(FP), CX
	VBROADCASTSS b+56(FP), Y1
	VBROADCASTSS sh+60(FP), Y2
	SHLQ         $2, R8
	SHLQ         $2, R9
	MOVQ         DX, BX
	ANDQ         $-8, BX
	SHLQ         $2, BX          // bytes of whole vectors a row
	SHLQ         $2, DX          // bytes a row
	MOVBLZX      add+64(FP), AX
	TESTQ        AX, AX
	JNZ          add
	TESTQ        R14, R14
	JNZ          res
	JMP          set

// dst = (src + b) + sh
set:
	CMPQ DX, $32
	JGE  setlong
	CMPQ DX, $16
	JGE  setmid

setshort:
	XORQ R10, R10

setone:
	VMOVSS (SI)(R10*1), X0
	VADDSS X1, X0, X0
	VADDSS X2, X0, X0
	VMOVSS X0, (DI)(R10*1)
	ADDQ   $4, R10
	CMPQ   R10, DX
	JLT    setone
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  setshort
	JMP  rowsdone

setmid:
	VMOVUPS (SI), X0
	VADDPS X1, X0, X0
	VADDPS X2, X0, X0
	VMOVUPS -16(SI)(DX*1), X4
	VADDPS X1, X4, X4
	VADDPS X2, X4, X4
	VMOVUPS X0, (DI)
	VMOVUPS X4, -16(DI)(DX*1)
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  setmid
	JMP  rowsdone

setlong:
	VMOVUPS -32(SI)(DX*1), Y4
	VADDPS Y1, Y4, Y4
	VADDPS Y2, Y4, Y4
	XORQ R10, R10

setvec:
	VMOVUPS (SI)(R10*1), Y0
	VADDPS Y1, Y0, Y0
	VADDPS Y2, Y0, Y0
	VMOVUPS Y0, (DI)(R10*1)
	ADDQ    $32, R10
	CMPQ    R10, BX
	JLT     setvec
	VMOVUPS Y4, -32(DI)(DX*1)
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  setlong
	JMP  rowsdone

// dst = dst + src
add:
	CMPQ DX, $32
	JGE  addlong
	CMPQ DX, $16
	JGE  addmid

addshort:
	XORQ R10, R10

addone:
	VMOVSS (SI)(R10*1), X0
	VMOVSS (DI)(R10*1), X3
	VADDSS X0, X3, X0
	VMOVSS X0, (DI)(R10*1)
	ADDQ   $4, R10
	CMPQ   R10, DX
	JLT    addone
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  addshort
	JMP  rowsdone

addmid:
	VMOVUPS (SI), X0
	VMOVUPS (DI), X3
	VADDPS X0, X3, X0
	VMOVUPS -16(SI)(DX*1), X4
	VMOVUPS -16(DI)(DX*1), X5
	VADDPS X4, X5, X4
	VMOVUPS X0, (DI)
	VMOVUPS X4, -16(DI)(DX*1)
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  addmid
	JMP  rowsdone

addlong:
	VMOVUPS -32(SI)(DX*1), Y4
	VMOVUPS -32(DI)(DX*1), Y5
	VADDPS Y4, Y5, Y4
	XORQ R10, R10

addvec:
	VMOVUPS (SI)(R10*1), Y0
	VMOVUPS (DI)(R10*1), Y3
	VADDPS Y0, Y3, Y0
	VMOVUPS Y0, (DI)(R10*1)
	ADDQ    $32, R10
	CMPQ    R10, BX
	JLT     addvec
	VMOVUPS Y4, -32(DI)(DX*1)
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  addlong
	JMP  rowsdone

// dst = ((src + b) + sh) + res
res:
	CMPQ DX, $32
	JGE  reslong
	CMPQ DX, $16
	JGE  resmid

resshort:
	XORQ R10, R10

resone:
	VMOVSS (SI)(R10*1), X0
	VADDSS X1, X0, X0
	VADDSS X2, X0, X0
	VMOVSS (R14)(R10*1), X3
	VADDSS X3, X0, X0
	VMOVSS X0, (DI)(R10*1)
	ADDQ   $4, R10
	CMPQ   R10, DX
	JLT    resone
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  resshort
	JMP  rowsdone

resmid:
	VMOVUPS (SI), X0
	VADDPS X1, X0, X0
	VADDPS X2, X0, X0
	VMOVUPS (R14), X3
	VADDPS X3, X0, X0
	VMOVUPS -16(SI)(DX*1), X4
	VADDPS X1, X4, X4
	VADDPS X2, X4, X4
	VMOVUPS -16(R14)(DX*1), X5
	VADDPS X5, X4, X4
	VMOVUPS X0, (DI)
	VMOVUPS X4, -16(DI)(DX*1)
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  resmid
	JMP  rowsdone

reslong:
	VMOVUPS -32(SI)(DX*1), Y4
	VADDPS Y1, Y4, Y4
	VADDPS Y2, Y4, Y4
	VMOVUPS -32(R14)(DX*1), Y5
	VADDPS Y5, Y4, Y4
	XORQ R10, R10

resvec:
	VMOVUPS (SI)(R10*1), Y0
	VADDPS Y1, Y0, Y0
	VADDPS Y2, Y0, Y0
	VMOVUPS (R14)(R10*1), Y3
	VADDPS Y3, Y0, Y0
	VMOVUPS Y0, (DI)(R10*1)
	ADDQ    $32, R10
	CMPQ    R10, BX
	JLT     resvec
	VMOVUPS Y4, -32(DI)(DX*1)
	ADDQ R9, SI
	ADDQ R8, DI
	ADDQ R8, R14
	DECQ CX
	JNZ  reslong
	JMP  rowsdone

rowsdone:
	VZEROUPPER
	RET
