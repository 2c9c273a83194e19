//go:build !purego

#include "textflag.h"

// The normalising row copy of the F(4×4) input transform with AVX-512F:
// per element, NormAffine's float64 map (normAffineAVX2: VCVTPS2PD,
// VSUBPD, VMULPD, VADDPD, VCVTPD2PS, each rounded in that order) and
// then SiLU by act512_amd64.s's instructions in the same order, so the
// same bits as the two kernels. Only AVX512F instructions are used.

DATA wino4NSConst<>+0(SB)/4, $1.44269504088896341  // log2e
DATA wino4NSConst<>+4(SB)/4, $0.693359375          // ln2Hi
DATA wino4NSConst<>+8(SB)/4, $-2.12194440e-4       // ln2Lo
DATA wino4NSConst<>+12(SB)/4, $1.9875691500e-4     // p0
DATA wino4NSConst<>+16(SB)/4, $1.3981999507e-3     // p1
DATA wino4NSConst<>+20(SB)/4, $8.3334519073e-3     // p2
DATA wino4NSConst<>+24(SB)/4, $4.1665795894e-2     // p3
DATA wino4NSConst<>+28(SB)/4, $1.6666665459e-1     // p4
DATA wino4NSConst<>+32(SB)/4, $88.7                // expHi
DATA wino4NSConst<>+36(SB)/4, $-87.3               // expLo
DATA wino4NSConst<>+40(SB)/4, $1.0                 // one
DATA wino4NSConst<>+44(SB)/4, $5.0000001201e-1     // p5
DATA wino4NSConst<>+48(SB)/4, $-88.7               // sigCut
GLOBL wino4NSConst<>(SB), RODATA|NOPTR, $52

// Register constants as act512_amd64.s's SETUP512: Z15 log2e, Z14 ln2Hi,
// Z13 ln2Lo, Z12..Z8 p0..p4, Z7 expHi, Z6 expLo, Z5 1, Z16 p5, Z17 sigCut.
#define NSSETUP \
	VBROADCASTSS wino4NSConst<>+0(SB), Z15; \
	VBROADCASTSS wino4NSConst<>+4(SB), Z14; \
	VBROADCASTSS wino4NSConst<>+8(SB), Z13; \
	VBROADCASTSS wino4NSConst<>+12(SB), Z12; \
	VBROADCASTSS wino4NSConst<>+16(SB), Z11; \
	VBROADCASTSS wino4NSConst<>+20(SB), Z10; \
	VBROADCASTSS wino4NSConst<>+24(SB), Z9; \
	VBROADCASTSS wino4NSConst<>+28(SB), Z8; \
	VBROADCASTSS wino4NSConst<>+32(SB), Z7; \
	VBROADCASTSS wino4NSConst<>+36(SB), Z6; \
	VBROADCASTSS wino4NSConst<>+40(SB), Z5; \
	VBROADCASTSS wino4NSConst<>+44(SB), Z16; \
	VBROADCASTSS wino4NSConst<>+48(SB), Z17

// Z0 = float32((float64(Z0) − mu)·a + sh) with mu, a, sh in Z18, Z19,
// Z20; clobbers Z21, Z22, Z23.
#define NSAFFINE \
	VCVTPS2PD      Y0, Z21; \
	VEXTRACTF64X4  $1, Z0, Y23; \
	VCVTPS2PD      Y23, Z22; \
	VSUBPD         Z18, Z21, Z21; \
	VSUBPD         Z18, Z22, Z22; \
	VMULPD         Z19, Z21, Z21; \
	VMULPD         Z19, Z22, Z22; \
	VADDPD         Z20, Z21, Z21; \
	VADDPD         Z20, Z22, Z22; \
	VCVTPD2PS      Z21, Y21; \
	VCVTPD2PS      Z22, Y22; \
	VINSERTF64X4   $1, Y22, Z21, Z0

// Z0 = SiLU(Z0) as siluAVX512 (SIGMOID16, then the product); clobbers
// Z1..Z4, K1, K2.
#define NSSILU \
	VPXORD       Z1, Z1, Z1; \
	VSUBPS       Z0, Z1, Z1; \
	VMINPS       Z1, Z7, Z1; \
	VMAXPS       Z1, Z6, Z1; \
	VMULPS       Z15, Z1, Z2; \
	VCVTPS2DQ    Z2, Z3; \
	VCVTDQ2PS    Z3, Z2; \
	VFNMADD231PS Z14, Z2, Z1; \
	VFNMADD231PS Z13, Z2, Z1; \
	VMULPS       Z1, Z1, Z4; \
	VMOVAPS      Z12, Z2; \
	VFMADD213PS  Z11, Z1, Z2; \
	VFMADD213PS  Z10, Z1, Z2; \
	VFMADD213PS  Z9, Z1, Z2; \
	VFMADD213PS  Z8, Z1, Z2; \
	VFMADD213PS  Z16, Z1, Z2; \
	VFMADD231PS  Z4, Z2, Z1; \
	VADDPS       Z5, Z1, Z1; \
	VPSLLD       $23, Z3, Z3; \
	VPADDD       Z3, Z1, Z1; \
	VADDPS       Z5, Z1, Z1; \
	VDIVPS       Z1, Z5, Z2; \
	VCMPPS       $1, Z17, Z0, K1; \
	KNOTW        K1, K2; \
	VMOVAPS.Z    Z2, K2, Z2; \
	VMULPS       Z0, Z2, Z0

// func wino4NormSiLURowsAVX512(dst *float32, dstStride int, src *float32, srcStride, l, rows, planes, dstPlane, srcPlane int, aff *NormSiLUAffine)
TEXT ·wino4NormSiLURowsAVX512(SB), NOSPLIT, $0-80
	MOVQ  dst+0(FP), DI
	MOVQ  dstStride+8(FP), R8
	MOVQ  src+16(FP), SI
	MOVQ  srcStride+24(FP), R9
	MOVQ  l+32(FP), DX
	MOVQ  planes+48(FP), R13
	MOVQ  dstPlane+56(FP), R14
	MOVQ  srcPlane+64(FP), R15
	MOVQ  aff+72(FP), BX
	NSSETUP
	SHLQ  $2, R8
	SHLQ  $2, R9
	SHLQ  $2, R14
	SHLQ  $2, R15
	ANDQ  $15, DX               // the rest of a row, under the mask K3
	MOVQ  $1, AX
	SHLXQ DX, AX, AX
	DECQ  AX
	KMOVW AX, K3

nsplane:
	VBROADCASTSD 0(BX), Z18     // mu
	VBROADCASTSD 8(BX), Z19     // a
	VBROADCASTSD 16(BX), Z20    // sh
	MOVQ         rows+40(FP), CX
	MOVQ         SI, AX
	MOVQ         DI, DX

nsrow:
	MOVQ  AX, R10
	MOVQ  DX, R11
	MOVQ  l+32(FP), R12
	SHRQ  $4, R12               // whole vectors a row
	JZ    nstail

nsvec:
	VMOVUPS (R10), Z0
	NSAFFINE
	NSSILU
	VMOVUPS Z0, (R11)
	ADDQ    $64, R10
	ADDQ    $64, R11
	DECQ    R12
	JNZ     nsvec

nstail:
	KORTESTW K3, K3
	JZ       nsnext
	VMOVUPS.Z (R10), K3, Z0
	NSAFFINE
	NSSILU
	VMOVUPS   Z0, K3, (R11)

nsnext:
	ADDQ R9, AX
	ADDQ R8, DX
	DECQ CX
	JNZ  nsrow
	ADDQ R15, SI
	ADDQ R14, DI
	ADDQ $24, BX
	DECQ R13
	JNZ  nsplane
	VZEROUPPER
	RET
