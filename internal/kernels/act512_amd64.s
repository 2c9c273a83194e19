//go:build !purego

#include "textflag.h"

// SiLU and Sigmoid with AVX-512F, 16 lanes per iteration: act_amd64.s's SIGMOID8 with ZMM registers, the
// same instructions in the same order on each lane (so the same bits as
// the AVX2 path); VANDNPS with the flush compare becomes a zeroing move
// under the inverted mask. Only AVX512F instructions are used.

DATA act512Const<>+0(SB)/4, $1.44269504088896341  // log2e
DATA act512Const<>+4(SB)/4, $0.693359375          // ln2Hi
DATA act512Const<>+8(SB)/4, $-2.12194440e-4       // ln2Lo
DATA act512Const<>+12(SB)/4, $1.9875691500e-4     // p0
DATA act512Const<>+16(SB)/4, $1.3981999507e-3     // p1
DATA act512Const<>+20(SB)/4, $8.3334519073e-3     // p2
DATA act512Const<>+24(SB)/4, $4.1665795894e-2     // p3
DATA act512Const<>+28(SB)/4, $1.6666665459e-1     // p4
DATA act512Const<>+32(SB)/4, $88.7                // expHi
DATA act512Const<>+36(SB)/4, $-87.3               // expLo
DATA act512Const<>+40(SB)/4, $1.0                 // one
DATA act512Const<>+44(SB)/4, $5.0000001201e-1     // p5
DATA act512Const<>+48(SB)/4, $-88.7               // sigCut
GLOBL act512Const<>(SB), RODATA|NOPTR, $52

// Register constants: Z15 log2e, Z14 ln2Hi, Z13 ln2Lo, Z12..Z8 p0..p4,
// Z7 expHi, Z6 expLo, Z5 1, Z16 p5, Z17 sigCut.
#define SETUP512 \
	VBROADCASTSS act512Const<>+0(SB), Z15; \
	VBROADCASTSS act512Const<>+4(SB), Z14; \
	VBROADCASTSS act512Const<>+8(SB), Z13; \
	VBROADCASTSS act512Const<>+12(SB), Z12; \
	VBROADCASTSS act512Const<>+16(SB), Z11; \
	VBROADCASTSS act512Const<>+20(SB), Z10; \
	VBROADCASTSS act512Const<>+24(SB), Z9; \
	VBROADCASTSS act512Const<>+28(SB), Z8; \
	VBROADCASTSS act512Const<>+32(SB), Z7; \
	VBROADCASTSS act512Const<>+36(SB), Z6; \
	VBROADCASTSS act512Const<>+40(SB), Z5; \
	VBROADCASTSS act512Const<>+44(SB), Z16; \
	VBROADCASTSS act512Const<>+48(SB), Z17

// Z2 = σ(Z0) for 16 lanes, as SIGMOID8; clobbers Z1, Z3, Z4, K1, K2.
#define SIGMOID16 \
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
	VMOVAPS.Z    Z2, K2, Z2

// func siluAVX512(y, x *float32, n int)
TEXT ·siluAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SETUP512
	MOVQ CX, DX
	ANDQ $15, DX          // the tail, under a mask below
	SHRQ $4, CX
	JZ   silu_tail

silu_loop:
	VMOVUPS (SI), Z0
	SIGMOID16
	VMULPS  Z0, Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     silu_loop

silu_tail:
	TESTQ     DX, DX
	JZ        silu_done
	MOVQ      DX, CX
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K3             // the low n mod 16 lanes
	VMOVUPS.Z (SI), K3, Z0       // the others are 0: computed, never stored
	SIGMOID16
	VMULPS  Z0, Z2, Z2
	VMOVUPS   Z2, K3, (DI)

silu_done:
	VZEROUPPER
	RET

// func sigmoidAVX512(y, x *float32, n int)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SETUP512
	MOVQ CX, DX
	ANDQ $15, DX          // the tail, under a mask below
	SHRQ $4, CX
	JZ   sigmoid_tail

sigmoid_loop:
	VMOVUPS (SI), Z0
	SIGMOID16
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     sigmoid_loop

sigmoid_tail:
	TESTQ     DX, DX
	JZ        sigmoid_done
	MOVQ      DX, CX
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K3             // the low n mod 16 lanes
	VMOVUPS.Z (SI), K3, Z0       // the others are 0: computed, never stored
	SIGMOID16
	VMOVUPS   Z2, K3, (DI)

sigmoid_done:
	VZEROUPPER
	RET
