//go:build !purego

package kernels

// The assembly kernels (norm_amd64.s) handle n a multiple of 8 (n > 0);
// the wrappers below run them over whole groups of 8 and the Go loops over
// the tail.

//go:noescape
func normSumsAVX2(x *float32, n int, k float64) (s1, s2 float64)

//go:noescape
func normAffineAVX2(y, x *float32, n int, mu, a, sh float64)

//go:noescape
func normGradSumsAVX2(dy, x *float32, n int, mu float64) (sdy, sdyx float64)

//go:noescape
func normGradApplyAVX2(dx, dy, x *float32, n int, mu, rs, w, m1, m2 float64)

//go:noescape
func siluGradAVX2(dz, z, y, dy *float32, n int)

//go:noescape
func normAffineSiLUGradAVX2(dz, x, y, dy *float32, n int, mu, a, sh float64)

// normAffineAVX2Vec runs normAffineAVX2 over whole groups of 8 and Go over
// the tail (the same bits).
func normAffineAVX2Vec(y, x []float32, mu, a, sh float64) {
	y = y[:len(x)]
	n := len(x) &^ 7
	if n > 0 {
		normAffineAVX2(&y[0], &x[0], n, mu, a, sh)
	}
	normAffineGeneric(y[n:], x[n:], mu, a, sh)
}

// normAVX2 is the assembly implementation of every norm kernel.
var normAVX2 = normKernels{
	name: "avx2",
	sums: func(x []float32, k float64) (s1, s2 float64) {
		n := len(x) &^ 7
		if n > 0 {
			s1, s2 = normSumsAVX2(&x[0], n, k)
		}
		t1, t2 := normSumsGeneric(x[n:], k)
		return s1 + t1, s2 + t2
	},
	affine: normAffineAVX2Vec,
	gradSums: func(dy, x []float32, mu float64) (sdy, sdyx float64) {
		dy = dy[:len(x)]
		n := len(x) &^ 7
		if n > 0 {
			sdy, sdyx = normGradSumsAVX2(&dy[0], &x[0], n, mu)
		}
		t1, t2 := normGradSumsGeneric(dy[n:], x[n:], mu)
		return sdy + t1, sdyx + t2
	},
	gradApply: func(dx, dy, x []float32, mu, rs, w, m1, m2 float64) {
		dx, dy = dx[:len(x)], dy[:len(x)]
		n := len(x) &^ 7
		if n > 0 {
			normGradApplyAVX2(&dx[0], &dy[0], &x[0], n, mu, rs, w, m1, m2)
		}
		normGradApplyGeneric(dx[n:], dy[n:], x[n:], mu, rs, w, m1, m2)
	},
	siluGrad: func(dz, z, y, dy []float32) {
		y, dy, dz = y[:len(z)], dy[:len(z)], dz[:len(z)]
		n := len(z) &^ 7
		if n > 0 {
			siluGradAVX2(&dz[0], &z[0], &y[0], &dy[0], n)
		}
		siluGradGeneric(dz[n:], z[n:], y[n:], dy[n:])
	},
	affineSiLUGrad: func(dz, x, y, dy []float32, mu, a, sh float64) {
		dz, y, dy = dz[:len(x)], y[:len(x)], dy[:len(x)]
		n := len(x) &^ 7
		if n > 0 {
			normAffineSiLUGradAVX2(&dz[0], &x[0], &y[0], &dy[0], n, mu, a, sh)
		}
		normAffineSiLUGradGeneric(dz[n:], x[n:], y[n:], dy[n:], mu, a, sh)
	},
}

// normDispatch picks the AVX-512 kernels when the CPU has AVX-512F (and
// DIFFUSEGO_KERNELS does not ask for avx2 or generic), else the AVX2+FMA
// ones when it has those, and the Go loops otherwise.
func normDispatch() normKernels {
	if hasAVX512 && !genericForced && !avx2Forced {
		return normAVX512
	}
	if hasAVX2FMA && !genericForced {
		return normAVX2
	}
	return normGeneric
}

// normPaths lists every norm kernel implementation this machine can run,
// for tests.
func normPaths() []normKernels {
	p := []normKernels{normGeneric}
	if hasAVX2FMA {
		p = append(p, normAVX2)
	}
	if hasAVX512 {
		p = append(p, normAVX512)
	}
	return p
}
