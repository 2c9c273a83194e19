//go:build !purego

package kernels

// allFiniteAVX2 and allFiniteAVX512 report whether the n elements at x are
// all finite (allfinite_amd64.s), for n a positive multiple of 16 and 32.
//
//go:noescape
func allFiniteAVX2(x *float32, n int) bool

//go:noescape
func allFiniteAVX512(x *float32, n int) bool

// allFiniteVec runs the AVX2 kernel over whole groups of 16 and Go over the
// tail.
func allFiniteVec(x []float32) bool {
	n := len(x) &^ 15
	if n > 0 && !allFiniteAVX2(&x[0], n) {
		return false
	}
	return allFiniteGeneric(x[n:])
}

// allFiniteVec512 runs the AVX-512 kernel over whole groups of 32 and the
// AVX2 path over the rest.
func allFiniteVec512(x []float32) bool {
	n := len(x) &^ 31
	if n > 0 && !allFiniteAVX512(&x[0], n) {
		return false
	}
	return allFiniteVec(x[n:])
}

// allFiniteDispatch picks the AVX-512 kernel when the CPU has AVX-512F (and
// DIFFUSEGO_KERNELS does not ask for avx2 or generic), else the AVX2 one
// when it has AVX2, and the Go loop otherwise.
func allFiniteDispatch() func(x []float32) bool {
	if hasAVX512 && !genericForced && !avx2Forced {
		return allFiniteVec512
	}
	if hasAVX2FMA && !genericForced {
		return allFiniteVec
	}
	return allFiniteGeneric
}

// allFinitePaths lists every AllFinite path this machine can run, for
// tests.
func allFinitePaths() []allFinitePath {
	p := []allFinitePath{{"generic", allFiniteGeneric}}
	if hasAVX2FMA {
		p = append(p, allFinitePath{"avx2", allFiniteVec})
	}
	if hasAVX512 {
		p = append(p, allFinitePath{"avx512", allFiniteVec512})
	}
	return p
}
