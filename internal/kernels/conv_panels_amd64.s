//go:build !purego

#include "textflag.h"

// func gatherRowsAVX2(dst *float32, dstStride int, src *float32, srcStride, count int, mask *[16]uint32, or bool)
TEXT ·gatherRowsAVX2(SB), NOSPLIT, $0-49
	MOVQ    dst+0(FP), DI
	MOVQ    dstStride+8(FP), R8
	MOVQ    src+16(FP), SI
	MOVQ    srcStride+24(FP), R9
	MOVQ    count+32(FP), CX
	MOVQ    mask+40(FP), AX
	MOVBLZX or+48(FP), DX
	SHLQ    $2, R8
	SHLQ    $2, R9
	VMOVUPS (AX), Y2
	VMOVUPS 32(AX), Y3
	TESTQ   DX, DX
	JNZ     orloop

storeloop:
	VANDPS  (SI), Y2, Y0
	VANDPS  32(SI), Y3, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    R9, SI
	ADDQ    R8, DI
	DECQ    CX
	JNZ     storeloop
	VZEROUPPER
	RET

orloop:
	VANDPS  (SI), Y2, Y0
	VANDPS  32(SI), Y3, Y1
	VORPS   (DI), Y0, Y0
	VORPS   32(DI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    R9, SI
	ADDQ    R8, DI
	DECQ    CX
	JNZ     orloop
	VZEROUPPER
	RET

// gatherRowsAVX512 is gatherRowsAVX2 with one 16-float ZMM row: the mask
// becomes the opmask K1, and a zero-masking load takes the masked lanes
// and zeroes the others in one instruction.
//
// func gatherRowsAVX512(dst *float32, dstStride int, src *float32, srcStride, count int, mask *[16]uint32, or bool)
TEXT ·gatherRowsAVX512(SB), NOSPLIT, $0-49
	MOVQ      dst+0(FP), DI
	MOVQ      dstStride+8(FP), R8
	MOVQ      src+16(FP), SI
	MOVQ      srcStride+24(FP), R9
	MOVQ      count+32(FP), CX
	MOVQ      mask+40(FP), AX
	MOVBLZX   or+48(FP), DX
	SHLQ      $2, R8
	SHLQ      $2, R9
	VMOVDQU32 (AX), Z2
	VPTESTMD  Z2, Z2, K1
	TESTQ     DX, DX
	JNZ       orloop512

storeloop512:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      R9, SI
	ADDQ      R8, DI
	DECQ      CX
	JNZ       storeloop512
	VZEROUPPER
	RET

orloop512:
	VMOVUPS.Z (SI), K1, Z0
	VPORD     (DI), Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      R9, SI
	ADDQ      R8, DI
	DECQ      CX
	JNZ       orloop512
	VZEROUPPER
	RET
