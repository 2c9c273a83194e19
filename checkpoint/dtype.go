package checkpoint

import (
	"encoding/binary"
	"math"
)

// Dtype is a safetensors element type, as spelled in the header.
type Dtype string

// The element types diffusego reads. All are converted to float32; F32 is
// the only one it writes.
const (
	F64  Dtype = "F64"
	F32  Dtype = "F32"
	F16  Dtype = "F16"  // IEEE 754 half precision
	BF16 Dtype = "BF16" // bfloat16: the top 16 bits of a float32
	I64  Dtype = "I64"
	I32  Dtype = "I32"
	I16  Dtype = "I16"
	I8   Dtype = "I8"
	U64  Dtype = "U64"
	U32  Dtype = "U32"
	U16  Dtype = "U16"
	U8   Dtype = "U8"
	BOOL Dtype = "BOOL"
)

// Size is the number of bytes of one element, 0 for an unknown dtype.
func (d Dtype) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, BOOL:
		return 1
	}
	return 0
}

// convert decodes little-endian elements of dtype d from src into dst
// (len(src) = len(dst)·d.Size()). F32 bits are copied unchanged, NaN
// payloads included; wider types round to the nearest float32.
func convert(dst []float32, src []byte, d Dtype) {
	le := binary.LittleEndian
	switch d {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(src[4*i:]))
		}
	case F64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(le.Uint64(src[8*i:])))
		}
	case F16:
		for i := range dst {
			dst[i] = halfToFloat32(le.Uint16(src[2*i:]))
		}
	case BF16:
		for i := range dst {
			dst[i] = math.Float32frombits(uint32(le.Uint16(src[2*i:])) << 16)
		}
	case I64:
		for i := range dst {
			dst[i] = float32(int64(le.Uint64(src[8*i:])))
		}
	case I32:
		for i := range dst {
			dst[i] = float32(int32(le.Uint32(src[4*i:])))
		}
	case I16:
		for i := range dst {
			dst[i] = float32(int16(le.Uint16(src[2*i:])))
		}
	case I8:
		for i := range dst {
			dst[i] = float32(int8(src[i]))
		}
	case U64:
		for i := range dst {
			dst[i] = float32(le.Uint64(src[8*i:]))
		}
	case U32:
		for i := range dst {
			dst[i] = float32(le.Uint32(src[4*i:]))
		}
	case U16:
		for i := range dst {
			dst[i] = float32(le.Uint16(src[2*i:]))
		}
	case U8, BOOL:
		for i := range dst {
			dst[i] = float32(src[i])
		}
	}
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly: subnormals
// become normal float32s, and Inf and NaN (with its payload) carry over.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp != 0: // normal: rebias 15 → 127
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0: // ±0
		return math.Float32frombits(sign)
	}
	// Subnormal: mant·2⁻²⁴, exact in float32.
	v := float32(mant) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
