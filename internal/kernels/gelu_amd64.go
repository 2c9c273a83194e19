//go:build !purego

package kernels

// geluAVX2 and geluGradAVX2 are geluGeneric and geluGradGeneric in
// assembly (gelu_amd64.s) for n a multiple of 8: 8 lanes per iteration,
// the same polynomial, exponential and flushes, with fused multiply-adds.
//
//go:noescape
func geluAVX2(y, x *float32, n int)

//go:noescape
func geluGradAVX2(dx, dy, x *float32, n int)

// geluVec runs the assembly over whole groups of 8 and Go over the tail.
func geluVec(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		geluAVX2(&y[0], &x[0], n)
	}
	geluGeneric(y[n:], x[n:])
}

// geluGradVec runs the assembly over whole groups of 8 and Go over the
// tail.
func geluGradVec(dx, dy, x []float32) {
	dx, x = dx[:len(dy)], x[:len(dy)]
	n := len(dy) &^ 7
	if n > 0 {
		geluGradAVX2(&dx[0], &dy[0], &x[0], n)
	}
	geluGradGeneric(dx[n:], dy[n:], x[n:])
}

// geluDispatch picks the AVX-512 kernels when the CPU has AVX-512F (and
// DIFFUSEGO_KERNELS does not ask for avx2 or generic), else the AVX2+FMA
// ones when it has those, and the Go loops otherwise.
func geluDispatch() (geluFunc, geluGradFunc) {
	if hasAVX512 && !genericForced && !avx2Forced {
		return geluVec512, geluGradVec512
	}
	if hasAVX2FMA && !genericForced {
		return geluVec, geluGradVec
	}
	return geluGeneric, geluGradGeneric
}

// geluPaths lists every GELU path this machine can run, for tests.
func geluPaths() []geluPath {
	p := []geluPath{{"generic", geluGeneric, geluGradGeneric}}
	if hasAVX2FMA {
		p = append(p, geluPath{"avx2", geluVec, geluGradVec})
	}
	if hasAVX512 {
		p = append(p, geluPath{"avx512", geluVec512, geluGradVec512})
	}
	return p
}
