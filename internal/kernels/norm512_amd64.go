//go:build !purego

package kernels

// The AVX-512 kernels (norm512_amd64.s) handle n a multiple of 16 (n > 0);
// normAVX512 runs them over whole groups of 16 and the AVX2 path (then Go)
// over the rest. SiLUGradFromOutput takes the AVX2 path whole: with 16
// lanes it measured no faster (VDIVPS on ZMM bounds it). NormAffine, which
// measured no faster either on a CPU that splits 512-bit operations, runs
// 32 lanes per iteration on AVX-512: on one with full-width 512-bit units
// it is faster in cache (7.0 against 6.3 Gelem/s on one GroupNorm block)
// and no slower streaming.

//go:noescape
func normSumsAVX512(x *float32, n int, k float64) (s1, s2 float64)

//go:noescape
func normGradSumsAVX512(dy, x *float32, n int, mu float64) (sdy, sdyx float64)

//go:noescape
func normGradApplyAVX512(dx, dy, x *float32, n int, mu, rs, w, m1, m2 float64)

//go:noescape
func normAffineAVX512(y, x *float32, n int, mu, a, sh float64)

//go:noescape
func normAffineSiLUGradAVX512(dz, x, y, dy *float32, n int, mu, a, sh float64)

// normAVX512 is the AVX-512 implementation of every norm kernel.
var normAVX512 = normKernels{
	name: "avx512",
	sums: func(x []float32, k float64) (s1, s2 float64) {
		n := len(x) &^ 15
		if n > 0 {
			s1, s2 = normSumsAVX512(&x[0], n, k)
		}
		t1, t2 := normAVX2.sums(x[n:], k)
		return s1 + t1, s2 + t2
	},
	affine: func(y, x []float32, mu, a, sh float64) {
		y = y[:len(x)]
		n := len(x) &^ 15
		if n > 0 {
			normAffineAVX512(&y[0], &x[0], n, mu, a, sh)
		}
		normAffineAVX2Vec(y[n:], x[n:], mu, a, sh)
	},
	gradSums: func(dy, x []float32, mu float64) (sdy, sdyx float64) {
		dy = dy[:len(x)]
		n := len(x) &^ 15
		if n > 0 {
			sdy, sdyx = normGradSumsAVX512(&dy[0], &x[0], n, mu)
		}
		t1, t2 := normAVX2.gradSums(dy[n:], x[n:], mu)
		return sdy + t1, sdyx + t2
	},
	gradApply: func(dx, dy, x []float32, mu, rs, w, m1, m2 float64) {
		dx, dy = dx[:len(x)], dy[:len(x)]
		n := len(x) &^ 15
		if n > 0 {
			normGradApplyAVX512(&dx[0], &dy[0], &x[0], n, mu, rs, w, m1, m2)
		}
		normAVX2.gradApply(dx[n:], dy[n:], x[n:], mu, rs, w, m1, m2)
	},
	siluGrad: normAVX2.siluGrad,
	affineSiLUGrad: func(dz, x, y, dy []float32, mu, a, sh float64) {
		dz, y, dy = dz[:len(x)], y[:len(x)], dy[:len(x)]
		n := len(x) &^ 15
		if n > 0 {
			normAffineSiLUGradAVX512(&dz[0], &x[0], &y[0], &dy[0], n, mu, a, sh)
		}
		normAVX2.affineSiLUGrad(dz[n:], x[n:], y[n:], dy[n:], mu, a, sh)
	},
}
