//go:build !amd64 || purego

package kernels

// gatherRowsVector is false: this build has no assembly kernel.
const gatherRowsVector = false

// gatherRows512 is false: this build has no assembly kernel.
const gatherRows512 = false

// gatherRowsVec is never called in this build; it stands in for the
// assembly path so that gatherRows compiles.
func gatherRowsVec(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool) {
	gatherRowsGeneric(dst, dstStride, src, srcStride, count, mask, or)
}

// gatherRowsVec512 is never called in this build, like gatherRowsVec.
func gatherRowsVec512(dst []float32, dstStride int, src []float32, srcStride, count int, mask *[packNR]uint32, or bool) {
	gatherRowsGeneric(dst, dstStride, src, srcStride, count, mask, or)
}

// gatherRowsPaths lists every gatherRows path this build can run, for tests.
func gatherRowsPaths() []gatherRowsPath { return []gatherRowsPath{{"generic", gatherRowsGeneric}} }
