//go:build !purego

package kernels

// adamAVX2 is adamGeneric in assembly (adam_amd64.s) for n a multiple of 8.
//
//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, s *AdamStep)

// adamVec runs the assembly on the whole blocks of 8 and the Go loop on
// the rest.
func adamVec(p, g, m, v []float32, s AdamStep) {
	n := len(p) &^ 7
	if n > 0 {
		adamAVX2(&p[0], &g[0], &m[0], &v[0], n, &s)
	}
	adamGeneric(p[n:], g[n:], m[n:], v[n:], s)
}

// adamAVX512 is adamAVX2 with 16 lanes (adam512_amd64.s) for any n ≥ 0,
// the tail under a mask.
//
//go:noescape
func adamAVX512(p, grad, m, v *float32, n int, s *AdamStep)

// adam512 runs the AVX-512 kernel on the whole slices.
func adam512(p, g, m, v []float32, s AdamStep) {
	if len(p) == 0 {
		return
	}
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	adamAVX512(&p[0], &g[0], &m[0], &v[0], len(p), &s)
}

// adamImpl picks the AVX-512 kernel when the CPU has AVX-512F (and
// DIFFUSEGO_KERNELS does not ask for avx2 or generic), else the AVX2 one
// when it has that.
func adamImpl(p, g, m, v []float32, s AdamStep) {
	if hasAVX512 && !genericForced && !avx2Forced {
		adam512(p, g, m, v, s)
		return
	}
	if hasAVX2 && !genericForced {
		adamVec(p, g, m, v, s)
		return
	}
	adamGeneric(p, g, m, v, s)
}

// adamPaths lists every AdamW path this machine can run, for tests.
func adamPaths() []adamPath {
	p := []adamPath{{"generic", adamGeneric}}
	if hasAVX2 {
		p = append(p, adamPath{"avx2", adamVec})
	}
	if hasAVX512 {
		p = append(p, adamPath{"avx512", adam512})
	}
	return p
}
