package kernels

// The kernels of GroupNorm and LayerNorm (autograd/op_norm.go): statistics
// and gradient sums accumulated in float64, and the element-wise passes in
// float64 rounded exactly as the Go loops in norm_generic.go round them.
// On amd64 with AVX-512F they run 16 elements per iteration in assembly
// (norm512_amd64.s), with AVX2 and FMA 8 (norm_amd64.s); elsewhere, and
// with the purego build tag, they are the Go loops.

// NormSums returns s1 = Σ (x[i] − k) and s2 = Σ (x[i] − k)², in float64.
// Shifting by k, an element of x, keeps E[x²] − E[x]² accurate when
// |mean| ≫ std. The order of the additions depends on the path (the AVX2
// path keeps 8 partial sums and the AVX-512 path 16, added at the end), so
// the bits may differ between paths, never between runs.
func NormSums(x []float32, k float64) (s1, s2 float64) { return normImpl.sums(x, k) }

// NormAffine sets y[i] = float32((float64(x[i]) − mu)·a + sh) for every
// i < len(x), each operation rounded in float64 in that order (no fused
// multiply-add), so every path gives the same bits. len(y) must be ≥
// len(x); y and x may be the same slice.
func NormAffine(y, x []float32, mu, a, sh float64) { normImpl.affine(y[:len(x)], x, mu, a, sh) }

// NormGradSums returns Σ dy[i] and Σ dy[i]·(x[i] − mu) over i < len(x), in
// float64 (the bits may differ between paths, as at NormSums). len(dy)
// must be ≥ len(x).
func NormGradSums(dy, x []float32, mu float64) (sdy, sdyx float64) {
	return normImpl.gradSums(dy[:len(x)], x, mu)
}

// NormGradApply adds the normalisation's input gradient to dx: for every
// i < len(x),
//
//	dx[i] += float32(rs·((dy[i]·w − m1) − ((x[i] − mu)·rs)·m2)),
//
// each operation rounded in float64 in that order, so every path gives the
// same bits. len(dx) and len(dy) must be ≥ len(x).
func NormGradApply(dx, dy, x []float32, mu, rs, w, m1, m2 float64) {
	normImpl.gradApply(dx[:len(x)], dy[:len(x)], x, mu, rs, w, m1, m2)
}

// SiLUGradFromOutput sets dz[i] = dy[i]·SiLU′(z[i]) for every i < len(z),
// given y[i] = SiLU(z[i]), without an exponential: with σ = y/z (½ where z
// is ±0), SiLU′(z) = σ + y·(1 − σ). Everything is float32, rounded as the
// expression reads (no fused multiply-add), so every path gives the same
// bits. dz may be the same slice as z, y or dy; the others must be at least
// as long as z.
func SiLUGradFromOutput(dz, z, y, dy []float32) {
	normImpl.siluGrad(dz[:len(z)], z, y[:len(z)], dy[:len(z)])
}

// NormAffineSiLUGrad sets dz[i] = dy[i]·SiLU′(z[i]) for every i < len(x),
// where z[i] = float32((float64(x[i]) − mu)·a + sh) is recomputed as
// NormAffine makes it and y[i] = SiLU(z[i]) is given: NormAffine followed
// by SiLUGradFromOutput in one pass, with the same bits on every path. dz
// may be the same slice as x, y or dy; the others must be at least as long
// as x.
func NormAffineSiLUGrad(dz, x, y, dy []float32, mu, a, sh float64) {
	normImpl.affineSiLUGrad(dz[:len(x)], x, y[:len(x)], dy[:len(x)], mu, a, sh)
}

// normKernels is one implementation of every norm kernel, with the
// lengths already checked: len(y), len(dy), len(dx) == len(x).
type normKernels struct {
	name      string
	sums      func(x []float32, k float64) (s1, s2 float64)
	affine    func(y, x []float32, mu, a, sh float64)
	gradSums  func(dy, x []float32, mu float64) (sdy, sdyx float64)
	gradApply func(dx, dy, x []float32, mu, rs, w, m1, m2 float64)
	siluGrad  func(dz, z, y, dy []float32)
	// affineSiLUGrad is NormAffineSiLUGrad.
	affineSiLUGrad func(dz, x, y, dy []float32, mu, a, sh float64)
}

// normImpl is the implementation the exported functions use, picked once
// per process (norm_amd64.go, norm_other.go).
var normImpl = normDispatch()
