package kernels

// SiLU sets y[i] = x[i]·σ(x[i]) for every i < len(x), where σ(x) =
// 1/(1 + e⁻ˣ). len(y) must be ≥ len(x); y and x may be the same slice.
//
// σ uses a float32 exp (Cephes expf, see expf in act_generic.go), so both
// activations are within 5 float32 ulps of the exact value (measured worst:
// 4.0 for SiLU, 2.4 for Sigmoid). For x < −88.7, where the exact values are
// below 3e−37 in magnitude, the result is flushed to ±0. NaN gives NaN, ±Inf
// give the limits (SiLU(−Inf) is −∞·0 = NaN). On amd64 with AVX-512F this
// runs 16 lanes at a time in assembly (act512_amd64.s), with AVX2 and FMA 8
// (act_amd64.s), the same instructions per lane, the last few elements
// padded to a whole vector, so that each element's bits depend on its value
// only; elsewhere, and with the purego build tag, it runs the same
// algorithm in Go (without fused multiply-adds: the last bit may differ).
func SiLU(y, x []float32) { siluImpl(y[:len(x)], x) }

// Sigmoid sets y[i] = σ(x[i]) = 1/(1 + e^(−x[i])) for every i < len(x),
// with the accuracy and special values described at SiLU. len(y) must be
// ≥ len(x); y and x may be the same slice.
func Sigmoid(y, x []float32) { sigmoidImpl(y[:len(x)], x) }

// actFunc is the signature of every SiLU and Sigmoid path: len(y) == len(x).
type actFunc func(y, x []float32)

// actPath names one implementation of both activations, so that tests and
// benchmarks can run each.
type actPath struct {
	name          string
	silu, sigmoid actFunc
}

// siluImpl and sigmoidImpl are the paths SiLU and Sigmoid take, picked once
// per process from the CPU's features (act_amd64.go, act_other.go).
var siluImpl, sigmoidImpl = actDispatch()
