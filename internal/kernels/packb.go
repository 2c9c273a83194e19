package kernels

// packB16Generic copies 16 floats from each of kc rows of b, ldb apart,
// into dst as kc contiguous steps of 16: the packing of one full-width B
// panel when B is not transposed.
func packB16Generic(dst, b []float32, ldb, kc int) {
	for p := range kc {
		*(*[packNR]float32)(dst[p*packNR:]) = *(*[packNR]float32)(b[p*ldb:])
	}
}

// packB16Func is the signature of every packB16 path.
type packB16Func func(dst, b []float32, ldb, kc int)

// packB16Impl is the path the packed GEMM driver takes (packb_amd64.go,
// packb_other.go).
var packB16Impl = packB16Dispatch()

// packBTrans16Func is the signature of every packBTrans16 path.
type packBTrans16Func func(dst, b []float32, at, ldb, kc int)

// packBTrans16Impl is the path the packed GEMM driver takes for full-width
// panels of a transposed B.
var packBTrans16Impl = packBTrans16Dispatch()
