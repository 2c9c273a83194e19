//go:build !purego

package kernels

// wino4NormSiLURowsAVX512 is wino4NormSiLURowsGeneric for rows, planes,
// l ≥ 1, in assembly (winograd4_norm_amd64.s): whole vectors of 16, then
// the rest under a mask, so that it reads and writes nothing past a row's
// l floats. The affine map is NormAffine's float64 arithmetic and the SiLU
// siluAVX512's instructions, so each element has the bits of the two
// kernels.
//
//go:noescape
func wino4NormSiLURowsAVX512(dst *float32, dstStride int, src *float32, srcStride, l, rows, planes, dstPlane, srcPlane int, aff *NormSiLUAffine)

// wino4NormSiLURowsVec checks the bounds the assembly cannot, then runs
// it.
func wino4NormSiLURowsVec(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int, aff []NormSiLUAffine) {
	if l <= 0 || rows <= 0 || planes <= 0 {
		return
	}
	if l > dstStride || l > srcStride || dstPlane < 0 || srcPlane < 0 {
		panic("kernels: rows longer than their stride")
	}
	_ = dst[(planes-1)*dstPlane+(rows-1)*dstStride+l-1]
	_ = src[(planes-1)*srcPlane+(rows-1)*srcStride+l-1]
	_ = aff[planes-1]
	wino4NormSiLURowsAVX512(&dst[0], dstStride, &src[0], srcStride, l, rows, planes, dstPlane, srcPlane, &aff[0])
}

// wino4NormSiLURows is the normalising row copy in use: the assembly on
// CPUs with AVX-512F (where SiLU and NormAffine take their vector paths,
// whose bits it reproduces), the Go loop over the kernels in use
// elsewhere.
var wino4NormSiLURows = func() func(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int, aff []NormSiLUAffine) {
	if hasAVX512 && !genericForced && !avx2Forced {
		return wino4NormSiLURowsVec
	}
	return wino4NormSiLURowsGeneric
}()
