//go:build !purego

#include "textflag.h"

// The Winograd F(4×4, 3×3) band transforms of winograd4.go, 16 tiles per
// step (AVX-512), in the operation order of the Go loops (wino4B, wino4A,
// wino4AT), so that they give the same bits: the multiplications by 2, 4
// and 8 are exact, so fused multiply-adds round as the Go code's
// separate ones. Each reads and writes whole vectors of 16 tiles: up to
// 15 tiles past n (the callers leave that room).

// VPERMI2PS indices over two tables of 16: floats 0 and 1 of each group of 4
// (0, 4, …, 28, then 1, 5, …, 29).
DATA w4I01<>+0(SB)/4, $0
DATA w4I01<>+4(SB)/4, $4
DATA w4I01<>+8(SB)/4, $8
DATA w4I01<>+12(SB)/4, $12
DATA w4I01<>+16(SB)/4, $16
DATA w4I01<>+20(SB)/4, $20
DATA w4I01<>+24(SB)/4, $24
DATA w4I01<>+28(SB)/4, $28
DATA w4I01<>+32(SB)/4, $1
DATA w4I01<>+36(SB)/4, $5
DATA w4I01<>+40(SB)/4, $9
DATA w4I01<>+44(SB)/4, $13
DATA w4I01<>+48(SB)/4, $17
DATA w4I01<>+52(SB)/4, $21
DATA w4I01<>+56(SB)/4, $25
DATA w4I01<>+60(SB)/4, $29
GLOBL w4I01<>(SB), RODATA|NOPTR, $64

// Floats 2 and 3 of each group of 4.
DATA w4I23<>+0(SB)/4, $2
DATA w4I23<>+4(SB)/4, $6
DATA w4I23<>+8(SB)/4, $10
DATA w4I23<>+12(SB)/4, $14
DATA w4I23<>+16(SB)/4, $18
DATA w4I23<>+20(SB)/4, $22
DATA w4I23<>+24(SB)/4, $26
DATA w4I23<>+28(SB)/4, $30
DATA w4I23<>+32(SB)/4, $3
DATA w4I23<>+36(SB)/4, $7
DATA w4I23<>+40(SB)/4, $11
DATA w4I23<>+44(SB)/4, $15
DATA w4I23<>+48(SB)/4, $19
DATA w4I23<>+52(SB)/4, $23
DATA w4I23<>+56(SB)/4, $27
DATA w4I23<>+60(SB)/4, $31
GLOBL w4I23<>(SB), RODATA|NOPTR, $64

// The low halves of two tables (0…7, 16…23).
DATA w4ILo<>+0(SB)/4, $0
DATA w4ILo<>+4(SB)/4, $1
DATA w4ILo<>+8(SB)/4, $2
DATA w4ILo<>+12(SB)/4, $3
DATA w4ILo<>+16(SB)/4, $4
DATA w4ILo<>+20(SB)/4, $5
DATA w4ILo<>+24(SB)/4, $6
DATA w4ILo<>+28(SB)/4, $7
DATA w4ILo<>+32(SB)/4, $16
DATA w4ILo<>+36(SB)/4, $17
DATA w4ILo<>+40(SB)/4, $18
DATA w4ILo<>+44(SB)/4, $19
DATA w4ILo<>+48(SB)/4, $20
DATA w4ILo<>+52(SB)/4, $21
DATA w4ILo<>+56(SB)/4, $22
DATA w4ILo<>+60(SB)/4, $23
GLOBL w4ILo<>(SB), RODATA|NOPTR, $64

// The high halves of two tables (8…15, 24…31).
DATA w4IHi<>+0(SB)/4, $8
DATA w4IHi<>+4(SB)/4, $9
DATA w4IHi<>+8(SB)/4, $10
DATA w4IHi<>+12(SB)/4, $11
DATA w4IHi<>+16(SB)/4, $12
DATA w4IHi<>+20(SB)/4, $13
DATA w4IHi<>+24(SB)/4, $14
DATA w4IHi<>+28(SB)/4, $15
DATA w4IHi<>+32(SB)/4, $24
DATA w4IHi<>+36(SB)/4, $25
DATA w4IHi<>+40(SB)/4, $26
DATA w4IHi<>+44(SB)/4, $27
DATA w4IHi<>+48(SB)/4, $28
DATA w4IHi<>+52(SB)/4, $29
DATA w4IHi<>+56(SB)/4, $30
DATA w4IHi<>+60(SB)/4, $31
GLOBL w4IHi<>(SB), RODATA|NOPTR, $64

// Interleaving the low halves of two tables (0, 16, 1, 17, …).
DATA w4ZipLo<>+0(SB)/4, $0
DATA w4ZipLo<>+4(SB)/4, $16
DATA w4ZipLo<>+8(SB)/4, $1
DATA w4ZipLo<>+12(SB)/4, $17
DATA w4ZipLo<>+16(SB)/4, $2
DATA w4ZipLo<>+20(SB)/4, $18
DATA w4ZipLo<>+24(SB)/4, $3
DATA w4ZipLo<>+28(SB)/4, $19
DATA w4ZipLo<>+32(SB)/4, $4
DATA w4ZipLo<>+36(SB)/4, $20
DATA w4ZipLo<>+40(SB)/4, $5
DATA w4ZipLo<>+44(SB)/4, $21
DATA w4ZipLo<>+48(SB)/4, $6
DATA w4ZipLo<>+52(SB)/4, $22
DATA w4ZipLo<>+56(SB)/4, $7
DATA w4ZipLo<>+60(SB)/4, $23
GLOBL w4ZipLo<>(SB), RODATA|NOPTR, $64

// Interleaving the high halves (8, 24, 9, 25, …).
DATA w4ZipHi<>+0(SB)/4, $8
DATA w4ZipHi<>+4(SB)/4, $24
DATA w4ZipHi<>+8(SB)/4, $9
DATA w4ZipHi<>+12(SB)/4, $25
DATA w4ZipHi<>+16(SB)/4, $10
DATA w4ZipHi<>+20(SB)/4, $26
DATA w4ZipHi<>+24(SB)/4, $11
DATA w4ZipHi<>+28(SB)/4, $27
DATA w4ZipHi<>+32(SB)/4, $12
DATA w4ZipHi<>+36(SB)/4, $28
DATA w4ZipHi<>+40(SB)/4, $13
DATA w4ZipHi<>+44(SB)/4, $29
DATA w4ZipHi<>+48(SB)/4, $14
DATA w4ZipHi<>+52(SB)/4, $30
DATA w4ZipHi<>+56(SB)/4, $15
DATA w4ZipHi<>+60(SB)/4, $31
GLOBL w4ZipHi<>(SB), RODATA|NOPTR, $64

DATA w4Two<>+0(SB)/4, $0x40000000
GLOBL w4Two<>(SB), RODATA|NOPTR, $4
DATA w4Four<>+0(SB)/4, $0x40800000
GLOBL w4Four<>(SB), RODATA|NOPTR, $4
DATA w4Eight<>+0(SB)/4, $0x41000000
GLOBL w4Eight<>(SB), RODATA|NOPTR, $4

// BT sets Z18…Z23 to Bᵀ d of d = Z8…Z13 (wino4B's order; temps Z14…Z17,
// Z28 = 4, Z29 = 2).
#define BT \
	VMOVAPS      Z12, Z14 \
	VFNMADD231PS Z28, Z10, Z14 \
	VMOVAPS      Z11, Z15 \
	VFNMADD231PS Z28, Z9, Z15  \
	VSUBPS       Z10, Z12, Z16 \
	VSUBPS       Z11, Z9, Z17 \
	VSUBPS       Z10, Z14, Z18 \
	VFMADD231PS  Z28, Z8, Z18  \
	VADDPS       Z15, Z14, Z19 \
	VSUBPS       Z15, Z14, Z20 \
	VMOVAPS      Z16, Z21 \
	VFNMADD231PS Z29, Z17, Z21 \
	VMOVAPS      Z16, Z22 \
	VFMADD231PS  Z29, Z17, Z22 \
	VMOVAPS      Z13, Z23 \
	VFNMADD231PS Z28, Z11, Z23 \
	VSUBPS       Z11, Z23, Z23 \
	VFMADD231PS  Z28, Z9, Z23

// ATR sets o0…o3 to Aᵀ m of m = m0…m5 (wino4A's order); o3 must be m5,
// and m1…m3 are clobbered (Z28 = 4, Z29 = 2, Z30 = 8).
#define ATR(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3) \
	VADDPS      m2, m1, o2 \
	VSUBPS      m2, m1, m1 \
	VADDPS      m4, m3, m2 \
	VSUBPS      m4, m3, m3 \
	VADDPS      o2, m0, o0 \
	VADDPS      m2, o0, o0 \
	VMOVAPS     m1, o1 \
	VFMADD231PS Z29, m3, o1 \
	VFMADD231PS Z28, m2, o2 \
	VFMADD231PS Z30, m3, m1 \
	VADDPS      m5, m1, o3

// ATG sets y0, o1, y2, o3, o4, y3 to A y of y = y0…y3 (wino4AT's order;
// y1 and b are clobbered; Z28 = 4, Z29 = 2).
#define ATG(y0, y1, y2, y3, o1, b, o3, o4) \
	VADDPS       y2, y0, o1 \
	VADDPS       y3, y1, b \
	VMOVAPS      y0, o3 \
	VFMADD231PS  Z28, y2, o3 \
	VFMADD231PS  Z28, y3, y1 \
	VMOVAPS      o3, o4      \
	VFMADD231PS  Z29, y1, o3 \
	VFNMADD231PS Z29, y1, o4 \
	VSUBPS       b, o1, y2 \
	VADDPS       b, o1, o1

// func wino4InAVX512(dst *float32, blk int, src *float32, bl, q, n int, scratch *float32)
TEXT ·wino4InAVX512(SB), NOSPLIT, $0-56
	MOVQ         dst+0(FP), DI
	MOVQ         blk+8(FP), BX
	MOVQ         src+16(FP), SI
	MOVQ         bl+24(FP), R8
	MOVQ         q+32(FP), DX
	MOVQ         n+40(FP), CX
	MOVQ         scratch+48(FP), R9
	SHLQ         $2, BX
	SHLQ         $2, R8
	SHLQ         $2, DX
	LEAQ         (BX)(BX*2), R13
	SHLQ         $1, R13             // six blocks
	VBROADCASTSS w4Four<>(SB), Z28
	VBROADCASTSS w4Two<>(SB), Z29
	VMOVUPS      w4I01<>(SB), Z24
	VMOVUPS      w4I23<>(SB), Z25
	VMOVUPS      w4ILo<>(SB), Z26
	VMOVUPS      w4IHi<>(SB), Z27

inloop4:
	MOVQ SI, R10
	// band 0: d B of its 16 tiles into scratch row 0
	VMOVUPS 0(R10), Z0
	VMOVUPS 64(R10), Z1
	VMOVUPS 128(R10), Z2
	VMOVUPS 192(R10), Z3
	VMOVUPS 0(R10)(DX*1), Z4
	VMOVUPS 64(R10)(DX*1), Z5
	VMOVUPS 128(R10)(DX*1), Z6
	VMOVUPS 192(R10)(DX*1), Z7
	VMOVAPS   Z24, Z14
	VPERMI2PS Z1, Z0, Z14
	VMOVAPS   Z25, Z15
	VPERMI2PS Z1, Z0, Z15
	VMOVAPS   Z24, Z16
	VPERMI2PS Z3, Z2, Z16
	VMOVAPS   Z25, Z17
	VPERMI2PS Z3, Z2, Z17
	VMOVAPS   Z26, Z8
	VPERMI2PS Z16, Z14, Z8
	VMOVAPS   Z27, Z9
	VPERMI2PS Z16, Z14, Z9
	VMOVAPS   Z26, Z10
	VPERMI2PS Z17, Z15, Z10
	VMOVAPS   Z27, Z11
	VPERMI2PS Z17, Z15, Z11
	VMOVAPS   Z24, Z14
	VPERMI2PS Z5, Z4, Z14
	VMOVAPS   Z24, Z16
	VPERMI2PS Z7, Z6, Z16
	VMOVAPS   Z26, Z12
	VPERMI2PS Z16, Z14, Z12
	VMOVAPS   Z27, Z13
	VPERMI2PS Z16, Z14, Z13
	BT
	VMOVUPS Z18, 0(R9)
	VMOVUPS Z19, 64(R9)
	VMOVUPS Z20, 128(R9)
	VMOVUPS Z21, 192(R9)
	VMOVUPS Z22, 256(R9)
	VMOVUPS Z23, 320(R9)
	// band 1: d B of its 16 tiles into scratch row 1
	ADDQ R8, R10
	VMOVUPS 0(R10), Z0
	VMOVUPS 64(R10), Z1
	VMOVUPS 128(R10), Z2
	VMOVUPS 192(R10), Z3
	VMOVUPS 0(R10)(DX*1), Z4
	VMOVUPS 64(R10)(DX*1), Z5
	VMOVUPS 128(R10)(DX*1), Z6
	VMOVUPS 192(R10)(DX*1), Z7
	VMOVAPS   Z24, Z14
	VPERMI2PS Z1, Z0, Z14
	VMOVAPS   Z25, Z15
	VPERMI2PS Z1, Z0, Z15
	VMOVAPS   Z24, Z16
	VPERMI2PS Z3, Z2, Z16
	VMOVAPS   Z25, Z17
	VPERMI2PS Z3, Z2, Z17
	VMOVAPS   Z26, Z8
	VPERMI2PS Z16, Z14, Z8
	VMOVAPS   Z27, Z9
	VPERMI2PS Z16, Z14, Z9
	VMOVAPS   Z26, Z10
	VPERMI2PS Z17, Z15, Z10
	VMOVAPS   Z27, Z11
	VPERMI2PS Z17, Z15, Z11
	VMOVAPS   Z24, Z14
	VPERMI2PS Z5, Z4, Z14
	VMOVAPS   Z24, Z16
	VPERMI2PS Z7, Z6, Z16
	VMOVAPS   Z26, Z12
	VPERMI2PS Z16, Z14, Z12
	VMOVAPS   Z27, Z13
	VPERMI2PS Z16, Z14, Z13
	BT
	VMOVUPS Z18, 384(R9)
	VMOVUPS Z19, 448(R9)
	VMOVUPS Z20, 512(R9)
	VMOVUPS Z21, 576(R9)
	VMOVUPS Z22, 640(R9)
	VMOVUPS Z23, 704(R9)
	// band 2: d B of its 16 tiles into scratch row 2
	ADDQ R8, R10
	VMOVUPS 0(R10), Z0
	VMOVUPS 64(R10), Z1
	VMOVUPS 128(R10), Z2
	VMOVUPS 192(R10), Z3
	VMOVUPS 0(R10)(DX*1), Z4
	VMOVUPS 64(R10)(DX*1), Z5
	VMOVUPS 128(R10)(DX*1), Z6
	VMOVUPS 192(R10)(DX*1), Z7
	VMOVAPS   Z24, Z14
	VPERMI2PS Z1, Z0, Z14
	VMOVAPS   Z25, Z15
	VPERMI2PS Z1, Z0, Z15
	VMOVAPS   Z24, Z16
	VPERMI2PS Z3, Z2, Z16
	VMOVAPS   Z25, Z17
	VPERMI2PS Z3, Z2, Z17
	VMOVAPS   Z26, Z8
	VPERMI2PS Z16, Z14, Z8
	VMOVAPS   Z27, Z9
	VPERMI2PS Z16, Z14, Z9
	VMOVAPS   Z26, Z10
	VPERMI2PS Z17, Z15, Z10
	VMOVAPS   Z27, Z11
	VPERMI2PS Z17, Z15, Z11
	VMOVAPS   Z24, Z14
	VPERMI2PS Z5, Z4, Z14
	VMOVAPS   Z24, Z16
	VPERMI2PS Z7, Z6, Z16
	VMOVAPS   Z26, Z12
	VPERMI2PS Z16, Z14, Z12
	VMOVAPS   Z27, Z13
	VPERMI2PS Z16, Z14, Z13
	BT
	VMOVUPS Z18, 768(R9)
	VMOVUPS Z19, 832(R9)
	VMOVUPS Z20, 896(R9)
	VMOVUPS Z21, 960(R9)
	VMOVUPS Z22, 1024(R9)
	VMOVUPS Z23, 1088(R9)
	// band 3: d B of its 16 tiles into scratch row 3
	ADDQ R8, R10
	VMOVUPS 0(R10), Z0
	VMOVUPS 64(R10), Z1
	VMOVUPS 128(R10), Z2
	VMOVUPS 192(R10), Z3
	VMOVUPS 0(R10)(DX*1), Z4
	VMOVUPS 64(R10)(DX*1), Z5
	VMOVUPS 128(R10)(DX*1), Z6
	VMOVUPS 192(R10)(DX*1), Z7
	VMOVAPS   Z24, Z14
	VPERMI2PS Z1, Z0, Z14
	VMOVAPS   Z25, Z15
	VPERMI2PS Z1, Z0, Z15
	VMOVAPS   Z24, Z16
	VPERMI2PS Z3, Z2, Z16
	VMOVAPS   Z25, Z17
	VPERMI2PS Z3, Z2, Z17
	VMOVAPS   Z26, Z8
	VPERMI2PS Z16, Z14, Z8
	VMOVAPS   Z27, Z9
	VPERMI2PS Z16, Z14, Z9
	VMOVAPS   Z26, Z10
	VPERMI2PS Z17, Z15, Z10
	VMOVAPS   Z27, Z11
	VPERMI2PS Z17, Z15, Z11
	VMOVAPS   Z24, Z14
	VPERMI2PS Z5, Z4, Z14
	VMOVAPS   Z24, Z16
	VPERMI2PS Z7, Z6, Z16
	VMOVAPS   Z26, Z12
	VPERMI2PS Z16, Z14, Z12
	VMOVAPS   Z27, Z13
	VPERMI2PS Z16, Z14, Z13
	BT
	VMOVUPS Z18, 1152(R9)
	VMOVUPS Z19, 1216(R9)
	VMOVUPS Z20, 1280(R9)
	VMOVUPS Z21, 1344(R9)
	VMOVUPS Z22, 1408(R9)
	VMOVUPS Z23, 1472(R9)
	// band 4: d B of its 16 tiles into scratch row 4
	ADDQ R8, R10
	VMOVUPS 0(R10), Z0
	VMOVUPS 64(R10), Z1
	VMOVUPS 128(R10), Z2
	VMOVUPS 192(R10), Z3
	VMOVUPS 0(R10)(DX*1), Z4
	VMOVUPS 64(R10)(DX*1), Z5
	VMOVUPS 128(R10)(DX*1), Z6
	VMOVUPS 192(R10)(DX*1), Z7
	VMOVAPS   Z24, Z14
	VPERMI2PS Z1, Z0, Z14
	VMOVAPS   Z25, Z15
	VPERMI2PS Z1, Z0, Z15
	VMOVAPS   Z24, Z16
	VPERMI2PS Z3, Z2, Z16
	VMOVAPS   Z25, Z17
	VPERMI2PS Z3, Z2, Z17
	VMOVAPS   Z26, Z8
	VPERMI2PS Z16, Z14, Z8
	VMOVAPS   Z27, Z9
	VPERMI2PS Z16, Z14, Z9
	VMOVAPS   Z26, Z10
	VPERMI2PS Z17, Z15, Z10
	VMOVAPS   Z27, Z11
	VPERMI2PS Z17, Z15, Z11
	VMOVAPS   Z24, Z14
	VPERMI2PS Z5, Z4, Z14
	VMOVAPS   Z24, Z16
	VPERMI2PS Z7, Z6, Z16
	VMOVAPS   Z26, Z12
	VPERMI2PS Z16, Z14, Z12
	VMOVAPS   Z27, Z13
	VPERMI2PS Z16, Z14, Z13
	BT
	VMOVUPS Z18, 1536(R9)
	VMOVUPS Z19, 1600(R9)
	VMOVUPS Z20, 1664(R9)
	VMOVUPS Z21, 1728(R9)
	VMOVUPS Z22, 1792(R9)
	VMOVUPS Z23, 1856(R9)
	// band 5: d B of its 16 tiles into scratch row 5
	ADDQ R8, R10
	VMOVUPS 0(R10), Z0
	VMOVUPS 64(R10), Z1
	VMOVUPS 128(R10), Z2
	VMOVUPS 192(R10), Z3
	VMOVUPS 0(R10)(DX*1), Z4
	VMOVUPS 64(R10)(DX*1), Z5
	VMOVUPS 128(R10)(DX*1), Z6
	VMOVUPS 192(R10)(DX*1), Z7
	VMOVAPS   Z24, Z14
	VPERMI2PS Z1, Z0, Z14
	VMOVAPS   Z25, Z15
	VPERMI2PS Z1, Z0, Z15
	VMOVAPS   Z24, Z16
	VPERMI2PS Z3, Z2, Z16
	VMOVAPS   Z25, Z17
	VPERMI2PS Z3, Z2, Z17
	VMOVAPS   Z26, Z8
	VPERMI2PS Z16, Z14, Z8
	VMOVAPS   Z27, Z9
	VPERMI2PS Z16, Z14, Z9
	VMOVAPS   Z26, Z10
	VPERMI2PS Z17, Z15, Z10
	VMOVAPS   Z27, Z11
	VPERMI2PS Z17, Z15, Z11
	VMOVAPS   Z24, Z14
	VPERMI2PS Z5, Z4, Z14
	VMOVAPS   Z24, Z16
	VPERMI2PS Z7, Z6, Z16
	VMOVAPS   Z26, Z12
	VPERMI2PS Z16, Z14, Z12
	VMOVAPS   Z27, Z13
	VPERMI2PS Z16, Z14, Z13
	BT
	VMOVUPS Z18, 1920(R9)
	VMOVUPS Z19, 1984(R9)
	VMOVUPS Z20, 2048(R9)
	VMOVUPS Z21, 2112(R9)
	VMOVUPS Z22, 2176(R9)
	VMOVUPS Z23, 2240(R9)
	MOVQ DI, R10
	// column 0: Bᵀ (d B) into blocks 0, 6, …, 30
	VMOVUPS 0(R9), Z8
	VMOVUPS 384(R9), Z9
	VMOVUPS 768(R9), Z10
	VMOVUPS 1152(R9), Z11
	VMOVUPS 1536(R9), Z12
	VMOVUPS 1920(R9), Z13
	BT
	MOVQ R10, R11
	VMOVUPS Z18, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	// column 1: Bᵀ (d B) into blocks 1, 7, …, 31
	VMOVUPS 64(R9), Z8
	VMOVUPS 448(R9), Z9
	VMOVUPS 832(R9), Z10
	VMOVUPS 1216(R9), Z11
	VMOVUPS 1600(R9), Z12
	VMOVUPS 1984(R9), Z13
	BT
	MOVQ R10, R11
	VMOVUPS Z18, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	// column 2: Bᵀ (d B) into blocks 2, 8, …, 32
	VMOVUPS 128(R9), Z8
	VMOVUPS 512(R9), Z9
	VMOVUPS 896(R9), Z10
	VMOVUPS 1280(R9), Z11
	VMOVUPS 1664(R9), Z12
	VMOVUPS 2048(R9), Z13
	BT
	MOVQ R10, R11
	VMOVUPS Z18, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	// column 3: Bᵀ (d B) into blocks 3, 9, …, 33
	VMOVUPS 192(R9), Z8
	VMOVUPS 576(R9), Z9
	VMOVUPS 960(R9), Z10
	VMOVUPS 1344(R9), Z11
	VMOVUPS 1728(R9), Z12
	VMOVUPS 2112(R9), Z13
	BT
	MOVQ R10, R11
	VMOVUPS Z18, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	// column 4: Bᵀ (d B) into blocks 4, 10, …, 34
	VMOVUPS 256(R9), Z8
	VMOVUPS 640(R9), Z9
	VMOVUPS 1024(R9), Z10
	VMOVUPS 1408(R9), Z11
	VMOVUPS 1792(R9), Z12
	VMOVUPS 2176(R9), Z13
	BT
	MOVQ R10, R11
	VMOVUPS Z18, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	// column 5: Bᵀ (d B) into blocks 5, 11, …, 35
	VMOVUPS 320(R9), Z8
	VMOVUPS 704(R9), Z9
	VMOVUPS 1088(R9), Z10
	VMOVUPS 1472(R9), Z11
	VMOVUPS 1856(R9), Z12
	VMOVUPS 2240(R9), Z13
	BT
	MOVQ R10, R11
	VMOVUPS Z18, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	ADDQ $64, DI
	ADDQ $256, SI
	SUBQ $16, CX
	JGT  inloop4
	VZEROUPPER
	RET

// func wino4OutAVX512(rows *float32, bl int, src *float32, blk, n int)
TEXT ·wino4OutAVX512(SB), NOSPLIT, $0-40
	MOVQ         rows+0(FP), DI
	MOVQ         bl+8(FP), R8
	MOVQ         src+16(FP), SI
	MOVQ         blk+24(FP), BX
	MOVQ         n+32(FP), CX
	SHLQ         $2, BX
	SHLQ         $2, R8
	LEAQ         (BX)(BX*2), R13
	SHLQ         $1, R13             // six blocks
	VBROADCASTSS w4Four<>(SB), Z28
	VBROADCASTSS w4Two<>(SB), Z29
	VBROADCASTSS w4Eight<>(SB), Z30

outloop4:
	MOVQ SI, R10
	// column 0: t[·][0] = Aᵀ M[·][0] into Z0, Z6, Z12, Z18
	MOVQ R10, R11
	VMOVUPS (R11), Z24
	ADDQ R13, R11
	VMOVUPS (R11), Z25
	ADDQ R13, R11
	VMOVUPS (R11), Z26
	ADDQ R13, R11
	VMOVUPS (R11), Z27
	ADDQ R13, R11
	VMOVUPS (R11), Z31
	ADDQ R13, R11
	VMOVUPS (R11), Z18
	ATR(Z24, Z25, Z26, Z27, Z31, Z18, Z0, Z6, Z12, Z18)
	ADDQ BX, R10
	// column 1: t[·][1] = Aᵀ M[·][1] into Z1, Z7, Z13, Z19
	MOVQ R10, R11
	VMOVUPS (R11), Z24
	ADDQ R13, R11
	VMOVUPS (R11), Z25
	ADDQ R13, R11
	VMOVUPS (R11), Z26
	ADDQ R13, R11
	VMOVUPS (R11), Z27
	ADDQ R13, R11
	VMOVUPS (R11), Z31
	ADDQ R13, R11
	VMOVUPS (R11), Z19
	ATR(Z24, Z25, Z26, Z27, Z31, Z19, Z1, Z7, Z13, Z19)
	ADDQ BX, R10
	// column 2: t[·][2] = Aᵀ M[·][2] into Z2, Z8, Z14, Z20
	MOVQ R10, R11
	VMOVUPS (R11), Z24
	ADDQ R13, R11
	VMOVUPS (R11), Z25
	ADDQ R13, R11
	VMOVUPS (R11), Z26
	ADDQ R13, R11
	VMOVUPS (R11), Z27
	ADDQ R13, R11
	VMOVUPS (R11), Z31
	ADDQ R13, R11
	VMOVUPS (R11), Z20
	ATR(Z24, Z25, Z26, Z27, Z31, Z20, Z2, Z8, Z14, Z20)
	ADDQ BX, R10
	// column 3: t[·][3] = Aᵀ M[·][3] into Z3, Z9, Z15, Z21
	MOVQ R10, R11
	VMOVUPS (R11), Z24
	ADDQ R13, R11
	VMOVUPS (R11), Z25
	ADDQ R13, R11
	VMOVUPS (R11), Z26
	ADDQ R13, R11
	VMOVUPS (R11), Z27
	ADDQ R13, R11
	VMOVUPS (R11), Z31
	ADDQ R13, R11
	VMOVUPS (R11), Z21
	ATR(Z24, Z25, Z26, Z27, Z31, Z21, Z3, Z9, Z15, Z21)
	ADDQ BX, R10
	// column 4: t[·][4] = Aᵀ M[·][4] into Z4, Z10, Z16, Z22
	MOVQ R10, R11
	VMOVUPS (R11), Z24
	ADDQ R13, R11
	VMOVUPS (R11), Z25
	ADDQ R13, R11
	VMOVUPS (R11), Z26
	ADDQ R13, R11
	VMOVUPS (R11), Z27
	ADDQ R13, R11
	VMOVUPS (R11), Z31
	ADDQ R13, R11
	VMOVUPS (R11), Z22
	ATR(Z24, Z25, Z26, Z27, Z31, Z22, Z4, Z10, Z16, Z22)
	ADDQ BX, R10
	// column 5: t[·][5] = Aᵀ M[·][5] into Z5, Z11, Z17, Z23
	MOVQ R10, R11
	VMOVUPS (R11), Z24
	ADDQ R13, R11
	VMOVUPS (R11), Z25
	ADDQ R13, R11
	VMOVUPS (R11), Z26
	ADDQ R13, R11
	VMOVUPS (R11), Z27
	ADDQ R13, R11
	VMOVUPS (R11), Z31
	ADDQ R13, R11
	VMOVUPS (R11), Z23
	ATR(Z24, Z25, Z26, Z27, Z31, Z23, Z5, Z11, Z17, Z23)
	ADDQ BX, R10
	VMOVUPS w4ZipLo<>(SB), Z27
	VMOVUPS w4ZipHi<>(SB), Z31
	MOVQ DI, R11
	// row 0: Aᵀ (t[0]) interleaved into 64 floats of output row 0
	ATR(Z0, Z1, Z2, Z3, Z4, Z5, Z24, Z25, Z26, Z5)
	VMOVAPS   Z27, Z0
	VPERMI2PS Z26, Z24, Z0
	VMOVAPS   Z31, Z1
	VPERMI2PS Z26, Z24, Z1
	VMOVAPS   Z27, Z2
	VPERMI2PS Z5, Z25, Z2
	VMOVAPS   Z31, Z3
	VPERMI2PS Z5, Z25, Z3
	VMOVAPS   Z27, Z4
	VPERMI2PS Z2, Z0, Z4
	VMOVUPS Z4, 0(R11)
	VMOVAPS   Z31, Z4
	VPERMI2PS Z2, Z0, Z4
	VMOVUPS Z4, 64(R11)
	VMOVAPS   Z27, Z4
	VPERMI2PS Z3, Z1, Z4
	VMOVUPS Z4, 128(R11)
	VMOVAPS   Z31, Z4
	VPERMI2PS Z3, Z1, Z4
	VMOVUPS Z4, 192(R11)
	ADDQ R8, R11
	// row 1: Aᵀ (t[1]) interleaved into 64 floats of output row 1
	ATR(Z6, Z7, Z8, Z9, Z10, Z11, Z24, Z25, Z26, Z11)
	VMOVAPS   Z27, Z6
	VPERMI2PS Z26, Z24, Z6
	VMOVAPS   Z31, Z7
	VPERMI2PS Z26, Z24, Z7
	VMOVAPS   Z27, Z8
	VPERMI2PS Z11, Z25, Z8
	VMOVAPS   Z31, Z9
	VPERMI2PS Z11, Z25, Z9
	VMOVAPS   Z27, Z10
	VPERMI2PS Z8, Z6, Z10
	VMOVUPS Z10, 0(R11)
	VMOVAPS   Z31, Z10
	VPERMI2PS Z8, Z6, Z10
	VMOVUPS Z10, 64(R11)
	VMOVAPS   Z27, Z10
	VPERMI2PS Z9, Z7, Z10
	VMOVUPS Z10, 128(R11)
	VMOVAPS   Z31, Z10
	VPERMI2PS Z9, Z7, Z10
	VMOVUPS Z10, 192(R11)
	ADDQ R8, R11
	// row 2: Aᵀ (t[2]) interleaved into 64 floats of output row 2
	ATR(Z12, Z13, Z14, Z15, Z16, Z17, Z24, Z25, Z26, Z17)
	VMOVAPS   Z27, Z12
	VPERMI2PS Z26, Z24, Z12
	VMOVAPS   Z31, Z13
	VPERMI2PS Z26, Z24, Z13
	VMOVAPS   Z27, Z14
	VPERMI2PS Z17, Z25, Z14
	VMOVAPS   Z31, Z15
	VPERMI2PS Z17, Z25, Z15
	VMOVAPS   Z27, Z16
	VPERMI2PS Z14, Z12, Z16
	VMOVUPS Z16, 0(R11)
	VMOVAPS   Z31, Z16
	VPERMI2PS Z14, Z12, Z16
	VMOVUPS Z16, 64(R11)
	VMOVAPS   Z27, Z16
	VPERMI2PS Z15, Z13, Z16
	VMOVUPS Z16, 128(R11)
	VMOVAPS   Z31, Z16
	VPERMI2PS Z15, Z13, Z16
	VMOVUPS Z16, 192(R11)
	ADDQ R8, R11
	// row 3: Aᵀ (t[3]) interleaved into 64 floats of output row 3
	ATR(Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z23)
	VMOVAPS   Z27, Z18
	VPERMI2PS Z26, Z24, Z18
	VMOVAPS   Z31, Z19
	VPERMI2PS Z26, Z24, Z19
	VMOVAPS   Z27, Z20
	VPERMI2PS Z23, Z25, Z20
	VMOVAPS   Z31, Z21
	VPERMI2PS Z23, Z25, Z21
	VMOVAPS   Z27, Z22
	VPERMI2PS Z20, Z18, Z22
	VMOVUPS Z22, 0(R11)
	VMOVAPS   Z31, Z22
	VPERMI2PS Z20, Z18, Z22
	VMOVUPS Z22, 64(R11)
	VMOVAPS   Z27, Z22
	VPERMI2PS Z21, Z19, Z22
	VMOVUPS Z22, 128(R11)
	VMOVAPS   Z31, Z22
	VPERMI2PS Z21, Z19, Z22
	VMOVUPS Z22, 192(R11)
	ADDQ $64, SI
	ADDQ $256, DI
	SUBQ $16, CX
	JGT  outloop4
	VZEROUPPER
	RET

// func wino4GradAVX512(dst *float32, blk int, src *float32, bl, n int)
TEXT ·wino4GradAVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         blk+8(FP), BX
	MOVQ         src+16(FP), SI
	MOVQ         bl+24(FP), R8
	MOVQ         n+32(FP), CX
	SHLQ         $2, BX
	SHLQ         $2, R8
	LEAQ         (BX)(BX*2), R13
	SHLQ         $1, R13             // six blocks
	VBROADCASTSS w4Four<>(SB), Z28
	VBROADCASTSS w4Two<>(SB), Z29

gradloop4:
	MOVQ SI, R10
	// band 0: dy Aᵀ of its 16 tiles into Z0…Z5
	VMOVUPS 0(R10), Z26
	VMOVUPS 64(R10), Z27
	VMOVUPS 128(R10), Z30
	VMOVUPS 192(R10), Z31
	VMOVUPS   w4I01<>(SB), Z1
	VPERMI2PS Z27, Z26, Z1
	VMOVUPS   w4I23<>(SB), Z3
	VPERMI2PS Z27, Z26, Z3
	VMOVUPS   w4I01<>(SB), Z26
	VPERMI2PS Z31, Z30, Z26
	VMOVUPS   w4I23<>(SB), Z27
	VPERMI2PS Z31, Z30, Z27
	VMOVUPS   w4ILo<>(SB), Z0
	VPERMI2PS Z26, Z1, Z0
	VMOVUPS   w4IHi<>(SB), Z24
	VPERMI2PS Z26, Z1, Z24
	VMOVUPS   w4ILo<>(SB), Z2
	VPERMI2PS Z27, Z3, Z2
	VMOVUPS   w4IHi<>(SB), Z5
	VPERMI2PS Z27, Z3, Z5
	ATG(Z0, Z24, Z2, Z5, Z1, Z25, Z3, Z4)
	// band 1: dy Aᵀ of its 16 tiles into Z6…Z11
	ADDQ R8, R10
	VMOVUPS 0(R10), Z26
	VMOVUPS 64(R10), Z27
	VMOVUPS 128(R10), Z30
	VMOVUPS 192(R10), Z31
	VMOVUPS   w4I01<>(SB), Z7
	VPERMI2PS Z27, Z26, Z7
	VMOVUPS   w4I23<>(SB), Z9
	VPERMI2PS Z27, Z26, Z9
	VMOVUPS   w4I01<>(SB), Z26
	VPERMI2PS Z31, Z30, Z26
	VMOVUPS   w4I23<>(SB), Z27
	VPERMI2PS Z31, Z30, Z27
	VMOVUPS   w4ILo<>(SB), Z6
	VPERMI2PS Z26, Z7, Z6
	VMOVUPS   w4IHi<>(SB), Z24
	VPERMI2PS Z26, Z7, Z24
	VMOVUPS   w4ILo<>(SB), Z8
	VPERMI2PS Z27, Z9, Z8
	VMOVUPS   w4IHi<>(SB), Z11
	VPERMI2PS Z27, Z9, Z11
	ATG(Z6, Z24, Z8, Z11, Z7, Z25, Z9, Z10)
	// band 2: dy Aᵀ of its 16 tiles into Z12…Z17
	ADDQ R8, R10
	VMOVUPS 0(R10), Z26
	VMOVUPS 64(R10), Z27
	VMOVUPS 128(R10), Z30
	VMOVUPS 192(R10), Z31
	VMOVUPS   w4I01<>(SB), Z13
	VPERMI2PS Z27, Z26, Z13
	VMOVUPS   w4I23<>(SB), Z15
	VPERMI2PS Z27, Z26, Z15
	VMOVUPS   w4I01<>(SB), Z26
	VPERMI2PS Z31, Z30, Z26
	VMOVUPS   w4I23<>(SB), Z27
	VPERMI2PS Z31, Z30, Z27
	VMOVUPS   w4ILo<>(SB), Z12
	VPERMI2PS Z26, Z13, Z12
	VMOVUPS   w4IHi<>(SB), Z24
	VPERMI2PS Z26, Z13, Z24
	VMOVUPS   w4ILo<>(SB), Z14
	VPERMI2PS Z27, Z15, Z14
	VMOVUPS   w4IHi<>(SB), Z17
	VPERMI2PS Z27, Z15, Z17
	ATG(Z12, Z24, Z14, Z17, Z13, Z25, Z15, Z16)
	// band 3: dy Aᵀ of its 16 tiles into Z18…Z23
	ADDQ R8, R10
	VMOVUPS 0(R10), Z26
	VMOVUPS 64(R10), Z27
	VMOVUPS 128(R10), Z30
	VMOVUPS 192(R10), Z31
	VMOVUPS   w4I01<>(SB), Z19
	VPERMI2PS Z27, Z26, Z19
	VMOVUPS   w4I23<>(SB), Z21
	VPERMI2PS Z27, Z26, Z21
	VMOVUPS   w4I01<>(SB), Z26
	VPERMI2PS Z31, Z30, Z26
	VMOVUPS   w4I23<>(SB), Z27
	VPERMI2PS Z31, Z30, Z27
	VMOVUPS   w4ILo<>(SB), Z18
	VPERMI2PS Z26, Z19, Z18
	VMOVUPS   w4IHi<>(SB), Z24
	VPERMI2PS Z26, Z19, Z24
	VMOVUPS   w4ILo<>(SB), Z20
	VPERMI2PS Z27, Z21, Z20
	VMOVUPS   w4IHi<>(SB), Z23
	VPERMI2PS Z27, Z21, Z23
	ATG(Z18, Z24, Z20, Z23, Z19, Z25, Z21, Z22)
	MOVQ DI, R10
	// column 0: A (dy Aᵀ) into blocks 0, 6, …, 30
	ATG(Z0, Z6, Z12, Z18, Z24, Z25, Z26, Z27)
	MOVQ R10, R11
	VMOVUPS Z0, (R11)
	ADDQ R13, R11
	VMOVUPS Z24, (R11)
	ADDQ R13, R11
	VMOVUPS Z12, (R11)
	ADDQ R13, R11
	VMOVUPS Z26, (R11)
	ADDQ R13, R11
	VMOVUPS Z27, (R11)
	ADDQ R13, R11
	VMOVUPS Z18, (R11)
	ADDQ BX, R10
	// column 1: A (dy Aᵀ) into blocks 1, 7, …, 31
	ATG(Z1, Z7, Z13, Z19, Z24, Z25, Z26, Z27)
	MOVQ R10, R11
	VMOVUPS Z1, (R11)
	ADDQ R13, R11
	VMOVUPS Z24, (R11)
	ADDQ R13, R11
	VMOVUPS Z13, (R11)
	ADDQ R13, R11
	VMOVUPS Z26, (R11)
	ADDQ R13, R11
	VMOVUPS Z27, (R11)
	ADDQ R13, R11
	VMOVUPS Z19, (R11)
	ADDQ BX, R10
	// column 2: A (dy Aᵀ) into blocks 2, 8, …, 32
	ATG(Z2, Z8, Z14, Z20, Z24, Z25, Z26, Z27)
	MOVQ R10, R11
	VMOVUPS Z2, (R11)
	ADDQ R13, R11
	VMOVUPS Z24, (R11)
	ADDQ R13, R11
	VMOVUPS Z14, (R11)
	ADDQ R13, R11
	VMOVUPS Z26, (R11)
	ADDQ R13, R11
	VMOVUPS Z27, (R11)
	ADDQ R13, R11
	VMOVUPS Z20, (R11)
	ADDQ BX, R10
	// column 3: A (dy Aᵀ) into blocks 3, 9, …, 33
	ATG(Z3, Z9, Z15, Z21, Z24, Z25, Z26, Z27)
	MOVQ R10, R11
	VMOVUPS Z3, (R11)
	ADDQ R13, R11
	VMOVUPS Z24, (R11)
	ADDQ R13, R11
	VMOVUPS Z15, (R11)
	ADDQ R13, R11
	VMOVUPS Z26, (R11)
	ADDQ R13, R11
	VMOVUPS Z27, (R11)
	ADDQ R13, R11
	VMOVUPS Z21, (R11)
	ADDQ BX, R10
	// column 4: A (dy Aᵀ) into blocks 4, 10, …, 34
	ATG(Z4, Z10, Z16, Z22, Z24, Z25, Z26, Z27)
	MOVQ R10, R11
	VMOVUPS Z4, (R11)
	ADDQ R13, R11
	VMOVUPS Z24, (R11)
	ADDQ R13, R11
	VMOVUPS Z16, (R11)
	ADDQ R13, R11
	VMOVUPS Z26, (R11)
	ADDQ R13, R11
	VMOVUPS Z27, (R11)
	ADDQ R13, R11
	VMOVUPS Z22, (R11)
	ADDQ BX, R10
	// column 5: A (dy Aᵀ) into blocks 5, 11, …, 35
	ATG(Z5, Z11, Z17, Z23, Z24, Z25, Z26, Z27)
	MOVQ R10, R11
	VMOVUPS Z5, (R11)
	ADDQ R13, R11
	VMOVUPS Z24, (R11)
	ADDQ R13, R11
	VMOVUPS Z17, (R11)
	ADDQ R13, R11
	VMOVUPS Z26, (R11)
	ADDQ R13, R11
	VMOVUPS Z27, (R11)
	ADDQ R13, R11
	VMOVUPS Z23, (R11)
	ADDQ BX, R10
	ADDQ $64, DI
	ADDQ $256, SI
	SUBQ $16, CX
	JGT  gradloop4
	VZEROUPPER
	RET

// func wino4CopyRowsAVX512(dst *float32, dstStride int, src *float32, srcStride, l, rows, planes, dstPlane, srcPlane int)
//
// No masked loads or stores where a row has 4 floats or more: rows of 16
// or more are whole vectors, then the row's last 16 floats again if l is
// not a multiple of 16 (overlapping what is copied already: the same
// values); 8 to 15 floats the first 8 and the last 8, 4 to 7 the first 4
// and the last 4. Shorter rows go under the mask K1. Nothing outside a
// row's l floats is read or written. (On AMD Zen 5 the masked tail made
// the copy of 28-float rows about 1.5–2x slower than the overlapping one.)
TEXT ·wino4CopyRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ  dst+0(FP), DI
	MOVQ  dstStride+8(FP), R8
	MOVQ  src+16(FP), SI
	MOVQ  srcStride+24(FP), R9
	MOVQ  l+32(FP), DX
	MOVQ  planes+48(FP), R13
	MOVQ  dstPlane+56(FP), R14
	MOVQ  srcPlane+64(FP), R15
	SHLQ  $2, R8
	SHLQ  $2, R9
	SHLQ  $2, R14
	SHLQ  $2, R15
	MOVQ  DX, BX
	ANDQ  $-16, BX
	SHLQ  $2, BX                // bytes of whole vectors a row
	SHLQ  $2, DX                // bytes a row
	CMPQ  DX, $64
	JGE   copylong4
	CMPQ  DX, $32
	JGE   copyy4
	CMPQ  DX, $16
	JGE   copyx4
	SHRQ  $2, DX                // fewer than 4 floats, under the mask K1
	MOVQ  $1, AX
	SHLXQ DX, AX, AX
	DECQ  AX
	KMOVW AX, K1

copyshort4:
	MOVQ rows+40(FP), CX
	MOVQ SI, AX
	MOVQ DI, R12

copyshortrow4:
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS   Z0, K1, (R12)
	ADDQ      R9, AX
	ADDQ      R8, R12
	DECQ      CX
	JNZ       copyshortrow4
	ADDQ      R15, SI
	ADDQ      R14, DI
	DECQ      R13
	JNZ       copyshort4
	VZEROUPPER
	RET

copyx4:
	MOVQ rows+40(FP), CX
	MOVQ SI, AX
	MOVQ DI, R12

copyxrow4:
	VMOVUPS (AX), X0
	VMOVUPS -16(AX)(DX*1), X1
	VMOVUPS X0, (R12)
	VMOVUPS X1, -16(R12)(DX*1)
	ADDQ    R9, AX
	ADDQ    R8, R12
	DECQ    CX
	JNZ     copyxrow4
	ADDQ    R15, SI
	ADDQ    R14, DI
	DECQ    R13
	JNZ     copyx4
	VZEROUPPER
	RET

copyy4:
	MOVQ rows+40(FP), CX
	MOVQ SI, AX
	MOVQ DI, R12

copyyrow4:
	VMOVUPS (AX), Y0
	VMOVUPS -32(AX)(DX*1), Y1
	VMOVUPS Y0, (R12)
	VMOVUPS Y1, -32(R12)(DX*1)
	ADDQ    R9, AX
	ADDQ    R8, R12
	DECQ    CX
	JNZ     copyyrow4
	ADDQ    R15, SI
	ADDQ    R14, DI
	DECQ    R13
	JNZ     copyy4
	VZEROUPPER
	RET

copylong4:
	MOVQ rows+40(FP), CX
	MOVQ SI, AX
	MOVQ DI, R12

copylongrow4:
	XORQ R10, R10

copyvec4:
	VMOVUPS (AX)(R10*1), Z0
	VMOVUPS Z0, (R12)(R10*1)
	ADDQ    $64, R10
	CMPQ    R10, BX
	JLT     copyvec4
	CMPQ    R10, DX
	JEQ     copylongnext4
	VMOVUPS -64(AX)(DX*1), Z0
	VMOVUPS Z0, -64(R12)(DX*1)

copylongnext4:
	ADDQ R9, AX
	ADDQ R8, R12
	DECQ CX
	JNZ  copylongrow4
	ADDQ R15, SI
	ADDQ R14, DI
	DECQ R13
	JNZ  copylong4
	VZEROUPPER
	RET

// func wino4RowsOutAVX512(dst *float32, dstStride int, src *float32, srcStride int, res *float32, l, rows int, b, sh float32, add bool)
TEXT ·wino4RowsOutAVX512(SB), NOSPLIT, $0-65
	MOVQ         dst+0(FP), DI
	MOVQ         dstStride+8(FP), R8
	MOVQ         src+16(FP), SI
	MOVQ         srcStride+24(FP), R9
	MOVQ         res+32(FP), R14
	MOVQ         l+40(FP), DX
	MOVQ         rows+48(FP), CX
	VBROADCASTSS b+56(FP), Z1
	VBROADCASTSS sh+60(FP), Z2
	SHLQ         $2, R8
	SHLQ         $2, R9
	MOVQ         DX, BX
	SHRQ         $4, BX             // whole vectors a row
	ANDQ         $15, DX            // the rest, under the mask K1
	MOVQ         $1, AX
	SHLXQ        DX, AX, AX
	DECQ         AX
	KMOVW        AX, K1
	MOVBLZX      add+64(FP), AX
	TESTQ        AX, AX
	JNZ          addrow
	TESTQ        R14, R14
	JNZ          resrow

setrow:
	MOVQ    SI, R10
	MOVQ    DI, R11
	MOVQ    R14, R15
	MOVQ    BX, R12
	TESTQ   R12, R12
	JZ      settail

setvec:
	VMOVUPS   (R10), Z0
	VADDPS    Z1, Z0, Z0
	VADDPS    Z2, Z0, Z0
	VMOVUPS   Z0, (R11)
	ADDQ      $64, R10
	ADDQ      $64, R11
	ADDQ      $64, R15
	DECQ      R12
	JNZ       setvec

settail:
	VMOVUPS.Z (R10), K1, Z0
	VADDPS    Z1, Z0, Z0
	VADDPS    Z2, Z0, Z0
	VMOVUPS   Z0, K1, (R11)
	ADDQ      R9, SI
	ADDQ      R8, DI
	ADDQ      R8, R14
	DECQ      CX
	JNZ       setrow
	VZEROUPPER
	RET

addrow:
	MOVQ    SI, R10
	MOVQ    DI, R11
	MOVQ    R14, R15
	MOVQ    BX, R12
	TESTQ   R12, R12
	JZ      addtail

addvec:
	VMOVUPS   (R10), Z0
	VMOVUPS   (R11), Z3
	VADDPS    Z3, Z0, Z0
	VMOVUPS   Z0, (R11)
	ADDQ      $64, R10
	ADDQ      $64, R11
	ADDQ      $64, R15
	DECQ      R12
	JNZ       addvec

addtail:
	VMOVUPS.Z (R10), K1, Z0
	VMOVUPS.Z (R11), K1, Z3
	VADDPS    Z3, Z0, Z0
	VMOVUPS   Z0, K1, (R11)
	ADDQ      R9, SI
	ADDQ      R8, DI
	ADDQ      R8, R14
	DECQ      CX
	JNZ       addrow
	VZEROUPPER
	RET

resrow:
	MOVQ    SI, R10
	MOVQ    DI, R11
	MOVQ    R14, R15
	MOVQ    BX, R12
	TESTQ   R12, R12
	JZ      restail

resvec:
	VMOVUPS   (R10), Z0
	VADDPS    Z1, Z0, Z0
	VADDPS    Z2, Z0, Z0
	VMOVUPS   (R15), Z3
	VADDPS    Z3, Z0, Z0
	VMOVUPS   Z0, (R11)
	ADDQ      $64, R10
	ADDQ      $64, R11
	ADDQ      $64, R15
	DECQ      R12
	JNZ       resvec

restail:
	VMOVUPS.Z (R10), K1, Z0
	VADDPS    Z1, Z0, Z0
	VADDPS    Z2, Z0, Z0
	VMOVUPS.Z (R15), K1, Z3
	VADDPS    Z3, Z0, Z0
	VMOVUPS   Z0, K1, (R11)
	ADDQ      R9, SI
	ADDQ      R8, DI
	ADDQ      R8, R14
	DECQ      CX
	JNZ       resrow
	VZEROUPPER
	RET


// WBSRC sets AX to source row R12 of wino4BandsOutAVX512: SI + (R12 mod
// 4)·R11 + ⌊R12/4⌋·R9 (R15 clobbered).
#define WBSRC \
	MOVQ  R12, R15; \
	ANDQ  $3, R15; \
	IMULQ R11, R15; \
	MOVQ  R12, AX; \
	SHRQ  $2, AX; \
	IMULQ R9, AX; \
	ADDQ  R15, AX; \
	ADDQ  SI, AX

// WBNEXT steps to the next row, back to lbl while rows are left.
#define WBNEXT(lbl) \
	ADDQ R8, DI; \
	ADDQ R8, R14; \
	INCQ R12; \
	CMPQ R12, CX; \
	JLT  lbl

// WBSET, WBRES and WBADD compute one vector v of a row from the source
// vector v (b and sh: the bias and shift at v's width) (WBRES: and the residual's r; WBADD: and the destination's r),
// in wino4RowsOutGeneric's order: ((x + b) + sh) + res, or x + dst.
#define WBSET(v, b, sh) \
	VADDPS b, v, v; \
	VADDPS sh, v, v

#define WBRES(v, r, b, sh) \
	VADDPS b, v, v; \
	VADDPS sh, v, v; \
	VADDPS r, v, v

#define WBADD(v, r) \
	VADDPS r, v, v

// func wino4BandsOutAVX512(dst *float32, dstStride int, src *float32, srcStride, srcBand int, res *float32, l, rows int, b, sh float32, add bool)
//
// The rows of one output plane in order, row y from band y mod 4 (see
// wino4BandsOut). No masked loads or stores where a row has 4 floats or
// more: rows of 16 or more are whole vectors and the row's last 16 again,
// computed before the others are stored, so that the overlap gets the same
// values (also when the residual or the destination it adds to is read);
// 8 to 15 floats the first and last 8, 4 to 7 the first and last 4;
// shorter rows under the mask K1. Nothing outside a row's l floats is read
// or written.
TEXT ·wino4BandsOutAVX512(SB), NOSPLIT, $0-73
	MOVQ         dst+0(FP), DI
	MOVQ         dstStride+8(FP), R8
	MOVQ         src+16(FP), SI
	MOVQ         srcStride+24(FP), R9
	MOVQ         srcBand+32(FP), R11
	MOVQ         res+40(FP), R14
	MOVQ         l+48(FP), DX
	MOVQ         rows+56(FP), CX
	VBROADCASTSS b+64(FP), Z1
	VBROADCASTSS sh+68(FP), Z2
	SHLQ         $2, R8
	SHLQ         $2, R9
	SHLQ         $2, R11
	MOVQ         DX, BX
	ANDQ         $-16, BX
	SHLQ         $2, BX            // bytes of whole vectors a row
	SHLQ         $2, DX            // bytes a row
	MOVQ         DX, R10
	SHRQ         $2, R10
	ANDQ         $15, R10
	MOVQ         $1, AX
	SHLXQ        R10, AX, AX
	DECQ         AX
	KMOVW        AX, K1            // rows under 4 floats: the mask
	XORQ         R12, R12          // the row
	MOVBLZX      add+72(FP), AX
	TESTQ        AX, AX
	JNZ          bandadd
	TESTQ        R14, R14
	JNZ          bandres
	CMPQ         DX, $64
	JGE          setlongrow
	CMPQ         DX, $32
	JGE          setyrow
	CMPQ         DX, $16
	JGE          setxrow

setkrow:
	WBSRC
	VMOVUPS.Z (AX), K1, Z0
	WBSET(Z0, Z1, Z2)
	VMOVUPS   Z0, K1, (DI)
	WBNEXT(setkrow)
	VZEROUPPER
	RET

setxrow:
	WBSRC
	VMOVUPS (AX), X0
	VMOVUPS -16(AX)(DX*1), X4
	WBSET(X0, X1, X2)
	WBSET(X4, X1, X2)
	VMOVUPS X0, (DI)
	VMOVUPS X4, -16(DI)(DX*1)
	WBNEXT(setxrow)
	VZEROUPPER
	RET

setyrow:
	WBSRC
	VMOVUPS (AX), Y0
	VMOVUPS -32(AX)(DX*1), Y4
	WBSET(Y0, Y1, Y2)
	WBSET(Y4, Y1, Y2)
	VMOVUPS Y0, (DI)
	VMOVUPS Y4, -32(DI)(DX*1)
	WBNEXT(setyrow)
	VZEROUPPER
	RET

setlongrow:
	WBSRC
	VMOVUPS -64(AX)(DX*1), Z4
	WBSET(Z4, Z1, Z2)
	XORQ    R10, R10

setlongvec:
	VMOVUPS (AX)(R10*1), Z0
	WBSET(Z0, Z1, Z2)
	VMOVUPS Z0, (DI)(R10*1)
	ADDQ    $64, R10
	CMPQ    R10, BX
	JLT     setlongvec
	VMOVUPS Z4, -64(DI)(DX*1)
	WBNEXT(setlongrow)
	VZEROUPPER
	RET

bandres:
	CMPQ DX, $64
	JGE  reslongrow
	CMPQ DX, $32
	JGE  resyrow
	CMPQ DX, $16
	JGE  resxrow

reskrow:
	WBSRC
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS.Z (R14), K1, Z3
	WBRES(Z0, Z3, Z1, Z2)
	VMOVUPS   Z0, K1, (DI)
	WBNEXT(reskrow)
	VZEROUPPER
	RET

resxrow:
	WBSRC
	VMOVUPS (AX), X0
	VMOVUPS -16(AX)(DX*1), X4
	VMOVUPS (R14), X3
	VMOVUPS -16(R14)(DX*1), X5
	WBRES(X0, X3, X1, X2)
	WBRES(X4, X5, X1, X2)
	VMOVUPS X0, (DI)
	VMOVUPS X4, -16(DI)(DX*1)
	WBNEXT(resxrow)
	VZEROUPPER
	RET

resyrow:
	WBSRC
	VMOVUPS (AX), Y0
	VMOVUPS -32(AX)(DX*1), Y4
	VMOVUPS (R14), Y3
	VMOVUPS -32(R14)(DX*1), Y5
	WBRES(Y0, Y3, Y1, Y2)
	WBRES(Y4, Y5, Y1, Y2)
	VMOVUPS Y0, (DI)
	VMOVUPS Y4, -32(DI)(DX*1)
	WBNEXT(resyrow)
	VZEROUPPER
	RET

reslongrow:
	WBSRC
	VMOVUPS -64(AX)(DX*1), Z4
	VMOVUPS -64(R14)(DX*1), Z5
	WBRES(Z4, Z5, Z1, Z2)
	XORQ    R10, R10

reslongvec:
	VMOVUPS (AX)(R10*1), Z0
	VMOVUPS (R14)(R10*1), Z3
	WBRES(Z0, Z3, Z1, Z2)
	VMOVUPS Z0, (DI)(R10*1)
	ADDQ    $64, R10
	CMPQ    R10, BX
	JLT     reslongvec
	VMOVUPS Z4, -64(DI)(DX*1)
	WBNEXT(reslongrow)
	VZEROUPPER
	RET

bandadd:
	CMPQ DX, $64
	JGE  addlongrow
	CMPQ DX, $32
	JGE  addyrow
	CMPQ DX, $16
	JGE  addxrow

addkrow:
	WBSRC
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS.Z (DI), K1, Z3
	WBADD(Z0, Z3)
	VMOVUPS   Z0, K1, (DI)
	WBNEXT(addkrow)
	VZEROUPPER
	RET

addxrow:
	WBSRC
	VMOVUPS (AX), X0
	VMOVUPS -16(AX)(DX*1), X4
	VMOVUPS (DI), X3
	VMOVUPS -16(DI)(DX*1), X5
	WBADD(X0, X3)
	WBADD(X4, X5)
	VMOVUPS X0, (DI)
	VMOVUPS X4, -16(DI)(DX*1)
	WBNEXT(addxrow)
	VZEROUPPER
	RET

addyrow:
	WBSRC
	VMOVUPS (AX), Y0
	VMOVUPS -32(AX)(DX*1), Y4
	VMOVUPS (DI), Y3
	VMOVUPS -32(DI)(DX*1), Y5
	WBADD(Y0, Y3)
	WBADD(Y4, Y5)
	VMOVUPS Y0, (DI)
	VMOVUPS Y4, -32(DI)(DX*1)
	WBNEXT(addyrow)
	VZEROUPPER
	RET

addlongrow:
	WBSRC
	VMOVUPS -64(AX)(DX*1), Z4
	VMOVUPS -64(DI)(DX*1), Z5
	WBADD(Z4, Z5)
	XORQ    R10, R10

addlongvec:
	VMOVUPS (AX)(R10*1), Z0
	VMOVUPS (DI)(R10*1), Z3
	WBADD(Z0, Z3)
	VMOVUPS Z0, (DI)(R10*1)
	ADDQ    $64, R10
	CMPQ    R10, BX
	JLT     addlongvec
	VMOVUPS Z4, -64(DI)(DX*1)
	WBNEXT(addlongrow)
	VZEROUPPER
	RET

// func wino4CopyBandsAVX512(dst *float32, src *float32, bands *wino4CopyBand, nb, dstStride, srcStride, planes, dstPlane, srcPlane int)
//
// Plane by plane, the rows of each of the nb bands, as
// wino4CopyRowsAVX512 copies them (no masks for rows of 4 floats or
// more). planes counts down in its argument slot.
TEXT ·wino4CopyBandsAVX512(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ nb+24(FP), R13
	SHLQ $5, R13
	ADDQ bands+16(FP), R13      // the end of the descriptors
	MOVQ dstStride+32(FP), R8
	MOVQ srcStride+40(FP), R9
	MOVQ dstPlane+56(FP), R14
	MOVQ srcPlane+64(FP), R15
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R14
	SHLQ $2, R15

cbplane:
	MOVQ bands+16(FP), R12

cbband:
	MOVQ  0(R12), R10
	SHLQ  $2, R10
	ADDQ  DI, R10               // the band's first row in dst
	MOVQ  8(R12), AX
	SHLQ  $2, AX
	ADDQ  SI, AX                // and in src
	MOVQ  16(R12), DX
	MOVQ  24(R12), CX
	MOVQ  DX, BX
	ANDQ  $-16, BX
	SHLQ  $2, BX                // bytes of whole vectors a row
	SHLQ  $2, DX                // bytes a row
	CMPQ  DX, $64
	JGE   cblong
	CMPQ  DX, $32
	JGE   cby
	CMPQ  DX, $16
	JGE   cbx
	SHRQ  $2, DX                // fewer than 4 floats, under the mask K1
	MOVQ  $1, R11
	SHLXQ DX, R11, R11
	DECQ  R11
	KMOVW R11, K1

cbk:
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS   Z0, K1, (R10)
	ADDQ      R9, AX
	ADDQ      R8, R10
	DECQ      CX
	JNZ       cbk
	JMP       cbnext

cbx:
	VMOVUPS (AX), X0
	VMOVUPS -16(AX)(DX*1), X1
	VMOVUPS X0, (R10)
	VMOVUPS X1, -16(R10)(DX*1)
	ADDQ    R9, AX
	ADDQ    R8, R10
	DECQ    CX
	JNZ     cbx
	JMP     cbnext

cby:
	VMOVUPS (AX), Y0
	VMOVUPS -32(AX)(DX*1), Y1
	VMOVUPS Y0, (R10)
	VMOVUPS Y1, -32(R10)(DX*1)
	ADDQ    R9, AX
	ADDQ    R8, R10
	DECQ    CX
	JNZ     cby
	JMP     cbnext

cblong:
	XORQ R11, R11

cbvec:
	VMOVUPS (AX)(R11*1), Z0
	VMOVUPS Z0, (R10)(R11*1)
	ADDQ    $64, R11
	CMPQ    R11, BX
	JLT     cbvec
	CMPQ    R11, DX
	JEQ     cblongnext
	VMOVUPS -64(AX)(DX*1), Z0
	VMOVUPS Z0, -64(R10)(DX*1)

cblongnext:
	ADDQ R9, AX
	ADDQ R8, R10
	DECQ CX
	JNZ  cblong

cbnext:
	ADDQ $32, R12
	CMPQ R12, R13
	JLT  cbband
	ADDQ R15, SI
	ADDQ R14, DI
	DECQ planes+48(FP)
	JNZ  cbplane
	VZEROUPPER
	RET
