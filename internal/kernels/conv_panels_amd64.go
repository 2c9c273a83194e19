//go:build !purego

package kernels

// gatherRowsAVX2 is gatherRowsGeneric in assembly (conv_panels_amd64.s)
// for count ≥ 1, strides in elements.
//
//go:noescape
func gatherRowsAVX2(dst *float32, dstStride int, src *float32, srcStride, count int, mask *[packNR]uint32, or bool)

// gatherRowsVec checks the bounds the assembly cannot, then runs it.
func gatherRowsVec(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool) {
	if count <= 0 {
		return
	}
	_ = dst[(count-1)*dstStride+packNR-1]
	_ = src[(count-1)*srcStride+packNR-1]
	gatherRowsAVX2(&dst[0], dstStride, &src[0], srcStride, count, mask, or)
}

// gatherRowsVector reports whether gatherRows takes the AVX2 kernel.
var gatherRowsVector = hasAVX2 && !genericForced

// gatherRowsPaths lists every gatherRows path this machine can run, for
// tests.
func gatherRowsPaths() []gatherRowsPath {
	p := []gatherRowsPath{{"generic", gatherRowsGeneric}}
	if hasAVX2 {
		p = append(p, gatherRowsPath{"avx2", gatherRowsVec})
	}
	return p
}
