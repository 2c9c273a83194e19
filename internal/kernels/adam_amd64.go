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

// adamImpl picks the AVX2 kernel when the CPU has it.
func adamImpl(p, g, m, v []float32, s AdamStep) {
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
	return p
}
