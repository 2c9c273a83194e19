//go:build !purego

#include "textflag.h"

// The Winograd F(2×2, 3×3) row transforms of winograd.go, 8 tiles per step
// (AVX2) or 16 (AVX-512), in the operation order of the Go loops, so that
// they give the same bits. Each reads and writes whole vectors: up to a
// vector of tiles past n (the callers leave that room).

// Even and odd lane indices for VPERMI2PS over two 16-float tables, and
// the interleaving ones (0, 16, 1, 17, …).
DATA winoEven<>+0(SB)/4, $0
DATA winoEven<>+4(SB)/4, $2
DATA winoEven<>+8(SB)/4, $4
DATA winoEven<>+12(SB)/4, $6
DATA winoEven<>+16(SB)/4, $8
DATA winoEven<>+20(SB)/4, $10
DATA winoEven<>+24(SB)/4, $12
DATA winoEven<>+28(SB)/4, $14
DATA winoEven<>+32(SB)/4, $16
DATA winoEven<>+36(SB)/4, $18
DATA winoEven<>+40(SB)/4, $20
DATA winoEven<>+44(SB)/4, $22
DATA winoEven<>+48(SB)/4, $24
DATA winoEven<>+52(SB)/4, $26
DATA winoEven<>+56(SB)/4, $28
DATA winoEven<>+60(SB)/4, $30
GLOBL winoEven<>(SB), RODATA|NOPTR, $64

DATA winoOdd<>+0(SB)/4, $1
DATA winoOdd<>+4(SB)/4, $3
DATA winoOdd<>+8(SB)/4, $5
DATA winoOdd<>+12(SB)/4, $7
DATA winoOdd<>+16(SB)/4, $9
DATA winoOdd<>+20(SB)/4, $11
DATA winoOdd<>+24(SB)/4, $13
DATA winoOdd<>+28(SB)/4, $15
DATA winoOdd<>+32(SB)/4, $17
DATA winoOdd<>+36(SB)/4, $19
DATA winoOdd<>+40(SB)/4, $21
DATA winoOdd<>+44(SB)/4, $23
DATA winoOdd<>+48(SB)/4, $25
DATA winoOdd<>+52(SB)/4, $27
DATA winoOdd<>+56(SB)/4, $29
DATA winoOdd<>+60(SB)/4, $31
GLOBL winoOdd<>(SB), RODATA|NOPTR, $64

DATA winoZipLo<>+0(SB)/4, $0
DATA winoZipLo<>+4(SB)/4, $16
DATA winoZipLo<>+8(SB)/4, $1
DATA winoZipLo<>+12(SB)/4, $17
DATA winoZipLo<>+16(SB)/4, $2
DATA winoZipLo<>+20(SB)/4, $18
DATA winoZipLo<>+24(SB)/4, $3
DATA winoZipLo<>+28(SB)/4, $19
DATA winoZipLo<>+32(SB)/4, $4
DATA winoZipLo<>+36(SB)/4, $20
DATA winoZipLo<>+40(SB)/4, $5
DATA winoZipLo<>+44(SB)/4, $21
DATA winoZipLo<>+48(SB)/4, $6
DATA winoZipLo<>+52(SB)/4, $22
DATA winoZipLo<>+56(SB)/4, $7
DATA winoZipLo<>+60(SB)/4, $23
GLOBL winoZipLo<>(SB), RODATA|NOPTR, $64

DATA winoZipHi<>+0(SB)/4, $8
DATA winoZipHi<>+4(SB)/4, $24
DATA winoZipHi<>+8(SB)/4, $9
DATA winoZipHi<>+12(SB)/4, $25
DATA winoZipHi<>+16(SB)/4, $10
DATA winoZipHi<>+20(SB)/4, $26
DATA winoZipHi<>+24(SB)/4, $11
DATA winoZipHi<>+28(SB)/4, $27
DATA winoZipHi<>+32(SB)/4, $12
DATA winoZipHi<>+36(SB)/4, $28
DATA winoZipHi<>+40(SB)/4, $13
DATA winoZipHi<>+44(SB)/4, $29
DATA winoZipHi<>+48(SB)/4, $14
DATA winoZipHi<>+52(SB)/4, $30
DATA winoZipHi<>+56(SB)/4, $15
DATA winoZipHi<>+60(SB)/4, $31
GLOBL winoZipHi<>(SB), RODATA|NOPTR, $64

// EVENODD2 sets e and o to the even and odd floats of the 16 at o1(p)
// (o2 = o1 + 32; AVX2).
#define EVENODD2(o1, o2, p, e, o) \
	VMOVUPS o1(p), Y12             \
	VMOVUPS o2(p), Y13             \
	VSHUFPS $0x88, Y13, Y12, e     \
	VSHUFPS $0xDD, Y13, Y12, o     \
	VPERMPD $0xD8, e, e            \
	VPERMPD $0xD8, o, o

// EVENODDQ2 is EVENODD2 at DX bytes past p (AVX2).
#define EVENODDQ2(p, e, o) \
	VMOVUPS (p)(DX*1), Y12         \
	VMOVUPS 32(p)(DX*1), Y13       \
	VSHUFPS $0x88, Y13, Y12, e     \
	VSHUFPS $0xDD, Y13, Y12, o     \
	VPERMPD $0xD8, e, e            \
	VPERMPD $0xD8, o, o

// ROWB2 sets s0…s3 to the row d B of the 8 tiles whose row starts at p:
// d = p[2tx…2tx+1] and DX bytes further on the next two (AVX2; clobbers
// Y0…Y3, Y12, Y13).
#define ROWB2(p, s0, s1, s2, s3) \
	EVENODD2(0, 32, p, Y0, Y1) \
	EVENODDQ2(p, Y2, Y3)       \
	VSUBPS Y2, Y0, s0     \
	VADDPS Y2, Y1, s1     \
	VSUBPS Y1, Y2, s2     \
	VSUBPS Y3, Y1, s3

// STORE stores v at (SI) and moves SI on by BX (one block).
#define STORE(v) \
	VMOVUPS v, (SI) \
	ADDQ    BX, SI

// func winoInRowAVX2(dst *float32, blk int, r0, r1, r2, r3 *float32, q, n int)
TEXT ·winoInRowAVX2(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ blk+8(FP), BX
	MOVQ r0+16(FP), R8
	MOVQ r1+24(FP), R9
	MOVQ r2+32(FP), R10
	MOVQ r3+40(FP), R11
	MOVQ q+48(FP), DX
	MOVQ n+56(FP), CX
	SHLQ $2, BX
	SHLQ $2, DX

inloop2:
	MOVQ   DI, SI
	ROWB2(R8, Y4, Y5, Y6, Y7)
	ROWB2(R9, Y8, Y9, Y10, Y11)
	ROWB2(R10, Y12, Y13, Y14, Y15)
	VSUBPS Y12, Y4, Y0
	STORE(Y0)
	VSUBPS Y13, Y5, Y0
	STORE(Y0)
	VSUBPS Y14, Y6, Y0
	STORE(Y0)
	VSUBPS Y15, Y7, Y0
	STORE(Y0)
	VADDPS Y12, Y8, Y0
	STORE(Y0)
	VADDPS Y13, Y9, Y0
	STORE(Y0)
	VADDPS Y14, Y10, Y0
	STORE(Y0)
	VADDPS Y15, Y11, Y0
	STORE(Y0)
	VSUBPS Y8, Y12, Y0
	STORE(Y0)
	VSUBPS Y9, Y13, Y0
	STORE(Y0)
	VSUBPS Y10, Y14, Y0
	STORE(Y0)
	VSUBPS Y11, Y15, Y0
	STORE(Y0)
	ROWB2(R11, Y4, Y5, Y6, Y7)
	VSUBPS Y4, Y8, Y0
	STORE(Y0)
	VSUBPS Y5, Y9, Y0
	STORE(Y0)
	VSUBPS Y6, Y10, Y0
	STORE(Y0)
	VSUBPS Y7, Y11, Y0
	STORE(Y0)
	ADDQ   $32, DI
	ADDQ   $64, R8
	ADDQ   $64, R9
	ADDQ   $64, R10
	ADDQ   $64, R11
	SUBQ   $8, CX
	JGT    inloop2
	VZEROUPPER
	RET

// func winoGradRowAVX2(dst *float32, blk int, r0, r1 *float32, n int)
TEXT ·winoGradRowAVX2(SB), NOSPLIT, $0-40
	MOVQ   dst+0(FP), DI
	MOVQ   blk+8(FP), BX
	MOVQ   r0+16(FP), R8
	MOVQ   r1+24(FP), R9
	MOVQ   n+32(FP), CX
	SHLQ   $2, BX
	VXORPS Y15, Y15, Y15

gradloop2:
	MOVQ   DI, SI
	EVENODD2(0, 32, R8, Y0, Y1)
	VADDPS Y1, Y0, Y5
	VSUBPS Y1, Y0, Y6
	VSUBPS Y1, Y15, Y7
	EVENODD2(0, 32, R9, Y8, Y1)
	VADDPS Y1, Y8, Y9
	VSUBPS Y1, Y8, Y10
	VSUBPS Y1, Y15, Y11
	STORE(Y0)
	STORE(Y5)
	STORE(Y6)
	STORE(Y7)
	VADDPS Y8, Y0, Y2
	STORE(Y2)
	VADDPS Y9, Y5, Y2
	STORE(Y2)
	VADDPS Y10, Y6, Y2
	STORE(Y2)
	VADDPS Y11, Y7, Y2
	STORE(Y2)
	VSUBPS Y8, Y0, Y2
	STORE(Y2)
	VSUBPS Y9, Y5, Y2
	STORE(Y2)
	VSUBPS Y10, Y6, Y2
	STORE(Y2)
	VSUBPS Y11, Y7, Y2
	STORE(Y2)
	VSUBPS Y8, Y15, Y2
	STORE(Y2)
	VSUBPS Y9, Y15, Y2
	STORE(Y2)
	VSUBPS Y10, Y15, Y2
	STORE(Y2)
	VSUBPS Y11, Y15, Y2
	STORE(Y2)
	ADDQ   $32, DI
	ADDQ   $64, R8
	ADDQ   $64, R9
	SUBQ   $8, CX
	JGT    gradloop2
	VZEROUPPER
	RET

// LOAD4 loads the 4 vectors of one row of M (blocks BX apart from SI)
// into a…d, moving SI on by four blocks.
#define LOAD4(a, b, c, d) \
	VMOVUPS (SI), a \
	ADDQ    BX, SI  \
	VMOVUPS (SI), b \
	ADDQ    BX, SI  \
	VMOVUPS (SI), c \
	ADDQ    BX, SI  \
	VMOVUPS (SI), d \
	ADDQ    BX, SI

// func winoOutRowAVX2(y0, y1, src *float32, blk, n int)
TEXT ·winoOutRowAVX2(SB), NOSPLIT, $0-40
	MOVQ y0+0(FP), DI
	MOVQ y1+8(FP), DX
	MOVQ src+16(FP), R8
	MOVQ blk+24(FP), BX
	MOVQ n+32(FP), CX
	SHLQ $2, BX

outloop2:
	MOVQ       R8, SI
	LOAD4(Y4, Y5, Y6, Y7)
	LOAD4(Y8, Y9, Y10, Y11)
	VADDPS     Y8, Y4, Y4
	VADDPS     Y9, Y5, Y5
	VADDPS     Y10, Y6, Y6
	VADDPS     Y11, Y7, Y7
	LOAD4(Y0, Y1, Y2, Y3)
	VADDPS     Y0, Y4, Y4
	VADDPS     Y1, Y5, Y5
	VADDPS     Y2, Y6, Y6
	VADDPS     Y3, Y7, Y7
	VSUBPS     Y0, Y8, Y8
	VSUBPS     Y1, Y9, Y9
	VSUBPS     Y2, Y10, Y10
	VSUBPS     Y3, Y11, Y11
	LOAD4(Y0, Y1, Y2, Y3)
	VSUBPS     Y0, Y8, Y8
	VSUBPS     Y1, Y9, Y9
	VSUBPS     Y2, Y10, Y10
	VSUBPS     Y3, Y11, Y11
	VADDPS     Y5, Y4, Y12
	VADDPS     Y6, Y12, Y12
	VSUBPS     Y6, Y5, Y13
	VSUBPS     Y7, Y13, Y13
	VADDPS     Y9, Y8, Y14
	VADDPS     Y10, Y14, Y14
	VSUBPS     Y10, Y9, Y15
	VSUBPS     Y11, Y15, Y15
	VUNPCKLPS  Y13, Y12, Y0
	VUNPCKHPS  Y13, Y12, Y1
	VPERM2F128 $0x20, Y1, Y0, Y2
	VPERM2F128 $0x31, Y1, Y0, Y3
	VMOVUPS    Y2, (DI)
	VMOVUPS    Y3, 32(DI)
	VUNPCKLPS  Y15, Y14, Y0
	VUNPCKHPS  Y15, Y14, Y1
	VPERM2F128 $0x20, Y1, Y0, Y2
	VPERM2F128 $0x31, Y1, Y0, Y3
	VMOVUPS    Y2, (DX)
	VMOVUPS    Y3, 32(DX)
	ADDQ       $32, R8
	ADDQ       $64, DI
	ADDQ       $64, DX
	SUBQ       $8, CX
	JGT        outloop2
	VZEROUPPER
	RET

// EVENODD5 sets e and o to the even and odd floats of the 32 at o1(p)
// (o2 = o1 + 64; AVX-512; Z30 and Z31 hold the even and odd indices).
#define EVENODD5(o1, o2, p, e, o) \
	VMOVUPS   o1(p), Z12   \
	VMOVUPS   o2(p), Z13   \
	VMOVAPS   Z30, e       \
	VPERMI2PS Z13, Z12, e  \
	VMOVAPS   Z31, o       \
	VPERMI2PS Z13, Z12, o

// EVENODDQ5 is EVENODD5 at DX bytes past p (AVX-512).
#define EVENODDQ5(p, e, o) \
	VMOVUPS   (p)(DX*1), Z12   \
	VMOVUPS   64(p)(DX*1), Z13 \
	VMOVAPS   Z30, e           \
	VPERMI2PS Z13, Z12, e      \
	VMOVAPS   Z31, o           \
	VPERMI2PS Z13, Z12, o

// ROWB5 is ROWB2 for 16 tiles (AVX-512).
#define ROWB5(p, s0, s1, s2, s3) \
	EVENODD5(0, 64, p, Z0, Z1) \
	EVENODDQ5(p, Z2, Z3)       \
	VSUBPS Z2, Z0, s0      \
	VADDPS Z2, Z1, s1      \
	VSUBPS Z1, Z2, s2      \
	VSUBPS Z3, Z1, s3

// func winoInRowAVX512(dst *float32, blk int, r0, r1, r2, r3 *float32, q, n int)
TEXT ·winoInRowAVX512(SB), NOSPLIT, $0-64
	MOVQ    dst+0(FP), DI
	MOVQ    blk+8(FP), BX
	MOVQ    r0+16(FP), R8
	MOVQ    r1+24(FP), R9
	MOVQ    r2+32(FP), R10
	MOVQ    r3+40(FP), R11
	MOVQ    q+48(FP), DX
	MOVQ    n+56(FP), CX
	SHLQ    $2, BX
	SHLQ    $2, DX
	VMOVUPS winoEven<>(SB), Z30
	VMOVUPS winoOdd<>(SB), Z31

inloop5:
	MOVQ   DI, SI
	ROWB5(R8, Z4, Z5, Z6, Z7)
	ROWB5(R9, Z8, Z9, Z10, Z11)
	ROWB5(R10, Z16, Z17, Z18, Z19)
	VSUBPS Z16, Z4, Z0
	STORE(Z0)
	VSUBPS Z17, Z5, Z0
	STORE(Z0)
	VSUBPS Z18, Z6, Z0
	STORE(Z0)
	VSUBPS Z19, Z7, Z0
	STORE(Z0)
	VADDPS Z16, Z8, Z0
	STORE(Z0)
	VADDPS Z17, Z9, Z0
	STORE(Z0)
	VADDPS Z18, Z10, Z0
	STORE(Z0)
	VADDPS Z19, Z11, Z0
	STORE(Z0)
	VSUBPS Z8, Z16, Z0
	STORE(Z0)
	VSUBPS Z9, Z17, Z0
	STORE(Z0)
	VSUBPS Z10, Z18, Z0
	STORE(Z0)
	VSUBPS Z11, Z19, Z0
	STORE(Z0)
	ROWB5(R11, Z4, Z5, Z6, Z7)
	VSUBPS Z4, Z8, Z0
	STORE(Z0)
	VSUBPS Z5, Z9, Z0
	STORE(Z0)
	VSUBPS Z6, Z10, Z0
	STORE(Z0)
	VSUBPS Z7, Z11, Z0
	STORE(Z0)
	ADDQ   $64, DI
	ADDQ   $128, R8
	ADDQ   $128, R9
	ADDQ   $128, R10
	ADDQ   $128, R11
	SUBQ   $16, CX
	JGT    inloop5
	VZEROUPPER
	RET

// func winoGradRowAVX512(dst *float32, blk int, r0, r1 *float32, n int)
TEXT ·winoGradRowAVX512(SB), NOSPLIT, $0-40
	MOVQ    dst+0(FP), DI
	MOVQ    blk+8(FP), BX
	MOVQ    r0+16(FP), R8
	MOVQ    r1+24(FP), R9
	MOVQ    n+32(FP), CX
	SHLQ    $2, BX
	VMOVUPS winoEven<>(SB), Z30
	VMOVUPS winoOdd<>(SB), Z31
	VXORPS  Z15, Z15, Z15

gradloop5:
	MOVQ   DI, SI
	EVENODD5(0, 64, R8, Z0, Z1)
	VADDPS Z1, Z0, Z5
	VSUBPS Z1, Z0, Z6
	VSUBPS Z1, Z15, Z7
	EVENODD5(0, 64, R9, Z8, Z1)
	VADDPS Z1, Z8, Z9
	VSUBPS Z1, Z8, Z10
	VSUBPS Z1, Z15, Z11
	STORE(Z0)
	STORE(Z5)
	STORE(Z6)
	STORE(Z7)
	VADDPS Z8, Z0, Z2
	STORE(Z2)
	VADDPS Z9, Z5, Z2
	STORE(Z2)
	VADDPS Z10, Z6, Z2
	STORE(Z2)
	VADDPS Z11, Z7, Z2
	STORE(Z2)
	VSUBPS Z8, Z0, Z2
	STORE(Z2)
	VSUBPS Z9, Z5, Z2
	STORE(Z2)
	VSUBPS Z10, Z6, Z2
	STORE(Z2)
	VSUBPS Z11, Z7, Z2
	STORE(Z2)
	VSUBPS Z8, Z15, Z2
	STORE(Z2)
	VSUBPS Z9, Z15, Z2
	STORE(Z2)
	VSUBPS Z10, Z15, Z2
	STORE(Z2)
	VSUBPS Z11, Z15, Z2
	STORE(Z2)
	ADDQ   $64, DI
	ADDQ   $128, R8
	ADDQ   $128, R9
	SUBQ   $16, CX
	JGT    gradloop5
	VZEROUPPER
	RET

// func winoOutRowAVX512(y0, y1, src *float32, blk, n int)
TEXT ·winoOutRowAVX512(SB), NOSPLIT, $0-40
	MOVQ    y0+0(FP), DI
	MOVQ    y1+8(FP), DX
	MOVQ    src+16(FP), R8
	MOVQ    blk+24(FP), BX
	MOVQ    n+32(FP), CX
	SHLQ    $2, BX
	VMOVUPS winoZipLo<>(SB), Z30
	VMOVUPS winoZipHi<>(SB), Z31

outloop5:
	MOVQ      R8, SI
	LOAD4(Z4, Z5, Z6, Z7)
	LOAD4(Z8, Z9, Z10, Z11)
	VADDPS    Z8, Z4, Z4
	VADDPS    Z9, Z5, Z5
	VADDPS    Z10, Z6, Z6
	VADDPS    Z11, Z7, Z7
	LOAD4(Z0, Z1, Z2, Z3)
	VADDPS    Z0, Z4, Z4
	VADDPS    Z1, Z5, Z5
	VADDPS    Z2, Z6, Z6
	VADDPS    Z3, Z7, Z7
	VSUBPS    Z0, Z8, Z8
	VSUBPS    Z1, Z9, Z9
	VSUBPS    Z2, Z10, Z10
	VSUBPS    Z3, Z11, Z11
	LOAD4(Z0, Z1, Z2, Z3)
	VSUBPS    Z0, Z8, Z8
	VSUBPS    Z1, Z9, Z9
	VSUBPS    Z2, Z10, Z10
	VSUBPS    Z3, Z11, Z11
	VADDPS    Z5, Z4, Z12
	VADDPS    Z6, Z12, Z12
	VSUBPS    Z6, Z5, Z13
	VSUBPS    Z7, Z13, Z13
	VADDPS    Z9, Z8, Z14
	VADDPS    Z10, Z14, Z14
	VSUBPS    Z10, Z9, Z15
	VSUBPS    Z11, Z15, Z15
	VMOVAPS   Z30, Z0
	VPERMI2PS Z13, Z12, Z0
	VMOVAPS   Z31, Z1
	VPERMI2PS Z13, Z12, Z1
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z1, 64(DI)
	VMOVAPS   Z30, Z0
	VPERMI2PS Z15, Z14, Z0
	VMOVAPS   Z31, Z1
	VPERMI2PS Z15, Z14, Z1
	VMOVUPS   Z0, (DX)
	VMOVUPS   Z1, 64(DX)
	ADDQ      $64, R8
	ADDQ      $128, DI
	ADDQ      $128, DX
	SUBQ      $16, CX
	JGT       outloop5
	VZEROUPPER
	RET
