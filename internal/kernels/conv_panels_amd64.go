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

// gatherRowsAVX512 is gatherRowsAVX2 with 16-float registers and an
// opmask (conv_panels_amd64.s): one masked load and one store per row.
//
//go:noescape
func gatherRowsAVX512(dst *float32, dstStride int, src *float32, srcStride, count int, mask *[packNR]uint32, or bool)

// gatherRowsVec512 checks the bounds the assembly cannot, then runs it.
func gatherRowsVec512(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool) {
	if count <= 0 {
		return
	}
	_ = dst[(count-1)*dstStride+packNR-1]
	_ = src[(count-1)*srcStride+packNR-1]
	gatherRowsAVX512(&dst[0], dstStride, &src[0], srcStride, count, mask, or)
}

// gatherRowsVector reports whether gatherRows takes an assembly kernel,
// and gatherRows512 whether that is the AVX-512 one (on CPUs with
// AVX-512F, unless DIFFUSEGO_KERNELS asks for avx2 or generic).
var (
	gatherRowsVector = hasAVX2 && !genericForced
	gatherRows512    = hasAVX512 && !genericForced && !avx2Forced
)

// gatherRowsPaths lists every gatherRows path this machine can run, for
// tests.
func gatherRowsPaths() []gatherRowsPath {
	p := []gatherRowsPath{{"generic", gatherRowsGeneric}}
	if hasAVX2 {
		p = append(p, gatherRowsPath{"avx2", gatherRowsVec})
	}
	if hasAVX512 {
		p = append(p, gatherRowsPath{"avx512", gatherRowsVec512})
	}
	return p
}
