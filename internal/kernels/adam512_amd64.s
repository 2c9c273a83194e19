//go:build !purego

#include "textflag.h"

// func adamAVX512(p, grad, m, v *float32, n int, s *AdamStep)
//
// adamAVX2 with 16 lanes, for any n ≥ 0: whole groups of 16, then the
// last n mod 16 under a mask (K1; the masked-off lanes are computed from
// zeros and never stored). The same instructions per lane, so the same
// bits.
TEXT ·adamAVX512(SB), NOSPLIT, $0-48
	MOVQ         p+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         v+24(FP), R9
	MOVQ         n+32(FP), CX
	MOVQ         s+40(FP), AX
	VBROADCASTSS 0(AX), Z8   // Decay
	VBROADCASTSS 4(AX), Z9   // W1
	VBROADCASTSS 8(AX), Z10  // B2
	VBROADCASTSS 12(AX), Z11 // W2
	VBROADCASTSS 16(AX), Z12 // BC2Sqrt
	VBROADCASTSS 20(AX), Z13 // Eps
	VBROADCASTSS 24(AX), Z14 // StepSize
	VPTERNLOGD   $0xff, Z15, Z15, Z15
	VPSLLD       $31, Z15, Z15 // the sign bit
	VPXORD       Z15, Z14, Z14 // −StepSize
	MOVL         $0xffff, AX
	KMOVW        AX, K1        // every lane, until the tail

loop:
	CMPQ      CX, $16
	JLT       tail

step:
	VMOVUPS.Z (SI), K1, Z1       // g
	VMOVUPS.Z (R8), K1, Z2       // m
	VMOVUPS.Z (R9), K1, Z3       // v
	VMOVUPS.Z (DI), K1, Z0       // p
	VSUBPS    Z2, Z1, Z4         // g − m
	VMULPS    Z9, Z4, Z4         // W1·(g − m)
	VADDPS    Z4, Z2, Z2         // m + W1·(g − m)
	VMULPS    Z3, Z10, Z4        // v·B2
	VMULPS    Z11, Z1, Z5        // W2·g
	VMULPS    Z1, Z5, Z5         // (W2·g)·g
	VADDPS    Z5, Z4, Z4         // v
	VSQRTPS   Z4, Z6
	VDIVPS    Z12, Z6, Z6        // √v / BC2Sqrt
	VADDPS    Z13, Z6, Z6        // + Eps
	VDIVPS    Z6, Z2, Z7         // m / denom
	VMULPS    Z14, Z7, Z7        // −StepSize·(m / denom)
	VMULPS    Z0, Z8, Z0         // p·Decay
	VADDPS    Z7, Z0, Z0
	VMOVUPS   Z0, K1, (DI)
	VMOVUPS   Z2, K1, (R8)
	VMOVUPS   Z4, K1, (R9)
	ADDQ      $64, DI
	ADDQ      $64, SI
	ADDQ      $64, R8
	ADDQ      $64, R9
	SUBQ      $16, CX
	JG        loop
	JMP       done

tail:
	TESTQ     CX, CX
	JLE       done
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	JMP       step               // CX − 16 < 0 ends the loop after it

done:
	VZEROUPPER
	RET
