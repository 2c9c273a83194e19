package kernels

// ExpShift sets y[i] = e^(x[i] − shift) for every i < len(x) and returns
// Σ y[i], accumulated in float64. len(y) must be ≥ len(x); y and x may be
// the same slice. Softmax calls it with shift = the row's maximum, so that
// no exponential overflows.
//
// The exponential is the float32 Cephes expf of SiLU (act_generic.go), within
// 2 float32 ulps of the exact value; x[i] − shift is rounded to float32
// first. Where x[i] − shift < −87.3 (exact results below the smallest
// normal float32, 2^−126) the result is flushed to 0, so −Inf gives 0; above
// 88.7 it saturates at e^88.7 ≈ 3.3e38 (softmax never gets there); NaN
// gives NaN (and a NaN sum). On amd64 with AVX2 and FMA this runs 8 lanes
// at a time in assembly (exp_amd64.s), summing in 4 float64 lanes;
// elsewhere, and with the purego build tag, it runs the same algorithm in
// Go with a sequential sum.
func ExpShift(y, x []float32, shift float32) float64 { return expShiftImpl(y[:len(x)], x, shift) }

// expShiftFunc is the signature of every ExpShift path: len(y) == len(x).
type expShiftFunc func(y, x []float32, shift float32) float64

// expPath names one ExpShift implementation, so that tests and benchmarks
// can run each.
type expPath struct {
	name string
	fn   expShiftFunc
}

// expShiftImpl is the path ExpShift takes, picked once per process
// (exp_amd64.go, exp_other.go).
var expShiftImpl = expDispatch()
