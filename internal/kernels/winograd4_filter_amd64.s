//go:build !purego

#include "textflag.h"

// The F(4×4, 3×3) filter transforms of winograd4_filter.go on eight
// filters at a time (AVX-512): each float32 is widened to float64
// (exact), the Go loops' operations run in the same order on eight
// float64 lanes (no fused multiply-adds: the Go compiler does not fuse on
// amd64), and each result is rounded to float32 once, so the bits are the
// Go loops'. The last vector of a call runs under a mask: nothing past n
// filters is read or written.

// 0.25, 1/24, 1/12, 1/6 and −1/6 in float64, as Go rounds the constants.
DATA w4fC<>+0(SB)/8, $0x3FD0000000000000
DATA w4fC<>+8(SB)/8, $0x3FA5555555555555
DATA w4fC<>+16(SB)/8, $0x3FB5555555555555
DATA w4fC<>+24(SB)/8, $0x3FC5555555555555
DATA w4fC<>+32(SB)/8, $0xBFC5555555555555
GLOBL w4fC<>(SB), RODATA|NOPTR, $40

// Lane l's filter starts 9·l floats in, for the gradient's gathers.
DATA w4fI9<>+0(SB)/4, $0
DATA w4fI9<>+4(SB)/4, $9
DATA w4fI9<>+8(SB)/4, $18
DATA w4fI9<>+12(SB)/4, $27
DATA w4fI9<>+16(SB)/4, $36
DATA w4fI9<>+20(SB)/4, $45
DATA w4fI9<>+24(SB)/4, $54
DATA w4fI9<>+28(SB)/4, $63
GLOBL w4fI9<>(SB), RODATA|NOPTR, $32

// K2 = the lanes of this vector: all eight, or the CX < 8 left.
#define LANEMASK \
	MOVL   $0xff, DX \
	CMPQ   CX, $8    \
	JAE    4(PC)     \
	MOVL   $1, DX    \
	SHLL   CX, DX    \
	DECL   DX        \
	KMOVW  DX, K2

// Gather element SI of the eight filters (lane l at SI + 4·Y26[l]) into
// dst, widened, and step SI to the next element.
#define GATHER(dst) \
	KMOVW      K2, K1                  \
	VGATHERDPS (SI)(Y26*4), K1, Y21    \
	VCVTPS2PD  Y21, dst                \
	ADDQ       R8, SI

// Round src to float32 and store it (masked) at DI, then step DI a block.
#define STORE(src) \
	VCVTPD2PS src, Y25        \
	VMOVUPS   Y25, K2, (DI)   \
	ADDQ      R9, DI

// One row of (G g) Gᵀ: wino4GCol(x0, x1, x2), stored as six blocks.
#define ROW(x0, x1, x2) \
	VMULPD Z27, x0, Z21       \
	STORE(Z21)                \
	VADDPD x2, x0, Z22        \
	VADDPD x1, Z22, Z21       \
	VMULPD Z31, Z21, Z21      \
	STORE(Z21)                \
	VSUBPD Z22, x1, Z21       \
	VMULPD Z30, Z21, Z21      \
	STORE(Z21)                \
	VMULPD Z28, x0, Z23       \
	VMULPD Z30, x2, Z24       \
	VADDPD Z24, Z23, Z23      \
	VMULPD Z29, x1, Z24       \
	VADDPD Z24, Z23, Z21      \
	STORE(Z21)                \
	VSUBPD Z24, Z23, Z21      \
	STORE(Z21)                \
	STORE(x2)

// The column pass's shared terms of column j (a0, a1, a2): s = a0 + a2,
// p = a0/24 + a2/6, q = a1/12.
#define COLTERMS(a0, a1, a2, s, p, q) \
	VADDPD a2, a0, s           \
	VMULPD Z28, a0, p          \
	VMULPD Z30, a2, Z21        \
	VADDPD Z21, p, p           \
	VMULPD Z29, a1, q

// func wino4FilterAVX512(u *float32, blk int, w *float32, step int, idx *int32, n int)
TEXT ·wino4FilterAVX512(SB), NOSPLIT, $0-48
	MOVQ u+0(FP), BX
	MOVQ blk+8(FP), R9
	SHLQ $2, R9
	MOVQ w+16(FP), R10
	MOVQ step+24(FP), R8
	SHLQ $2, R8
	MOVQ idx+32(FP), AX
	MOVQ n+40(FP), CX
	VBROADCASTSD w4fC<>+0(SB), Z27
	VBROADCASTSD w4fC<>+8(SB), Z28
	VBROADCASTSD w4fC<>+16(SB), Z29
	VBROADCASTSD w4fC<>+24(SB), Z30
	VBROADCASTSD w4fC<>+32(SB), Z31

loop:
	LANEMASK
	VMOVDQU32 (AX), K2, Y26 // the eight filters' offsets
	MOVQ R10, SI
	GATHER(Z0)
	GATHER(Z1)
	GATHER(Z2)
	GATHER(Z3)
	GATHER(Z4)
	GATHER(Z5)
	GATHER(Z6)
	GATHER(Z7)
	GATHER(Z8)
	COLTERMS(Z0, Z3, Z6, Z12, Z15, Z18)
	COLTERMS(Z1, Z4, Z7, Z13, Z16, Z19)
	COLTERMS(Z2, Z5, Z8, Z14, Z17, Z20)
	MOVQ BX, DI

	// Row 0 of G g: a0/4.
	VMULPD Z27, Z0, Z9
	VMULPD Z27, Z1, Z10
	VMULPD Z27, Z2, Z11
	ROW(Z9, Z10, Z11)

	// Row 1: −(s + a1)/6.
	VADDPD Z3, Z12, Z9
	VMULPD Z31, Z9, Z9
	VADDPD Z4, Z13, Z10
	VMULPD Z31, Z10, Z10
	VADDPD Z5, Z14, Z11
	VMULPD Z31, Z11, Z11
	ROW(Z9, Z10, Z11)

	// Row 2: (a1 − s)/6.
	VSUBPD Z12, Z3, Z9
	VMULPD Z30, Z9, Z9
	VSUBPD Z13, Z4, Z10
	VMULPD Z30, Z10, Z10
	VSUBPD Z14, Z5, Z11
	VMULPD Z30, Z11, Z11
	ROW(Z9, Z10, Z11)

	// Rows 3 and 4: p + q, p − q.
	VADDPD Z18, Z15, Z9
	VADDPD Z19, Z16, Z10
	VADDPD Z20, Z17, Z11
	ROW(Z9, Z10, Z11)
	VSUBPD Z18, Z15, Z9
	VSUBPD Z19, Z16, Z10
	VSUBPD Z20, Z17, Z11
	ROW(Z9, Z10, Z11)

	// Row 5: a2.
	ROW(Z6, Z7, Z8)

	ADDQ $32, AX
	ADDQ $32, BX
	SUBQ $8, CX
	JGT  loop
	VZEROUPPER
	RET

// Gᵀ x of a column x of six (wino4GTCol) into o0, o1, o2 (none of them an
// input), with Z24–Z27 as scratch.
#define GTCOL(x0, x1, x2, x3, x4, x5, o0, o1, o2) \
	VADDPD x2, x1, Z24        \
	VSUBPD x1, x2, Z25        \
	VADDPD x4, x3, Z26        \
	VSUBPD x4, x3, Z27        \
	VSUBPD Z24, Z26, o2       \
	VMULPD Z29, o2, o2        \
	VADDPD x5, o2, o2         \
	VMULPD Z29, Z25, o1       \
	VMULPD Z30, Z27, Z27      \
	VADDPD Z27, o1, o1        \
	VMULPD Z28, x0, o0        \
	VMULPD Z29, Z24, Z24      \
	VSUBPD Z24, o0, o0        \
	VMULPD Z31, Z26, Z26      \
	VADDPD Z26, o0, o0

// Load six blocks at DI (masked), widened, into Z18–Z23.
#define LOAD6 \
	VCVTPS2PD (DI), K2, Z18   \
	ADDQ      R9, DI          \
	VCVTPS2PD (DI), K2, Z19   \
	ADDQ      R9, DI          \
	VCVTPS2PD (DI), K2, Z20   \
	ADDQ      R9, DI          \
	VCVTPS2PD (DI), K2, Z21   \
	ADDQ      R9, DI          \
	VCVTPS2PD (DI), K2, Z22   \
	ADDQ      R9, DI          \
	VCVTPS2PD (DI), K2, Z23   \
	ADDQ      R9, DI

// dw[9·l + off/4] += float32(src) for the lanes l of K2.
#define UPDATE(src, off) \
	VCVTPD2PS   src, Y21                    \
	KMOVW       K2, K1                      \
	VGATHERDPS  off(R10)(Y23*4), K1, Y22    \
	VADDPS      Y21, Y22, Y22               \
	KMOVW       K2, K1                      \
	VSCATTERDPS Y22, K1, off(R10)(Y23*4)

// func wino4FilterGradAVX512(dw, du *float32, blk, n int)
TEXT ·wino4FilterGradAVX512(SB), NOSPLIT, $0-32
	MOVQ dw+0(FP), R10
	MOVQ du+8(FP), BX
	MOVQ blk+16(FP), R9
	SHLQ $2, R9
	MOVQ n+24(FP), CX
	VBROADCASTSD w4fC<>+0(SB), Z28
	VBROADCASTSD w4fC<>+24(SB), Z29
	VBROADCASTSD w4fC<>+16(SB), Z30
	VBROADCASTSD w4fC<>+8(SB), Z31

gloop:
	LANEMASK
	MOVQ BX, DI

	// dU G, row by row: row r's three into Z(3r) … Z(3r+2).
	LOAD6
	GTCOL(Z18, Z19, Z20, Z21, Z22, Z23, Z0, Z1, Z2)
	LOAD6
	GTCOL(Z18, Z19, Z20, Z21, Z22, Z23, Z3, Z4, Z5)
	LOAD6
	GTCOL(Z18, Z19, Z20, Z21, Z22, Z23, Z6, Z7, Z8)
	LOAD6
	GTCOL(Z18, Z19, Z20, Z21, Z22, Z23, Z9, Z10, Z11)
	LOAD6
	GTCOL(Z18, Z19, Z20, Z21, Z22, Z23, Z12, Z13, Z14)
	LOAD6
	GTCOL(Z18, Z19, Z20, Z21, Z22, Z23, Z15, Z16, Z17)

	// Gᵀ (dU G), column by column, added into the filters.
	VMOVDQU32 w4fI9<>(SB), Y23
	GTCOL(Z0, Z3, Z6, Z9, Z12, Z15, Z18, Z19, Z20)
	UPDATE(Z18, 0)
	UPDATE(Z19, 12)
	UPDATE(Z20, 24)
	GTCOL(Z1, Z4, Z7, Z10, Z13, Z16, Z18, Z19, Z20)
	UPDATE(Z18, 4)
	UPDATE(Z19, 16)
	UPDATE(Z20, 28)
	GTCOL(Z2, Z5, Z8, Z11, Z14, Z17, Z18, Z19, Z20)
	UPDATE(Z18, 8)
	UPDATE(Z19, 20)
	UPDATE(Z20, 32)

	ADDQ $32, BX
	ADDQ $288, R10
	SUBQ $8, CX
	JGT  gloop
	VZEROUPPER
	RET
