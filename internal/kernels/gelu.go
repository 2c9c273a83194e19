package kernels

// GELU sets y[i] = x[i]·Φ(x[i]) for every i < len(x): the exact GELU
// (Hendrycks & Gimpel 2016; PyTorch's default), Φ the standard normal CDF.
// len(y) must be ≥ len(x); y and x may be the same slice.
//
// Φ(x) = erfc(−x/√2)/2 with erfc the Chebyshev fit of Numerical Recipes
// (Press et al. 2007, §6.2): erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2),
// P of degree 9, fractional error below 1.2e−7 for every z ≥ 0; Φ(x) is
// erfc(|x|/√2)/2 for x < 0 and 1 minus that otherwise. Everything is
// float32, the exponential Cephes expf (act_generic.go) with x² carried in
// two parts, so that its rounding does not reach the result; for
// |x| > 13, where Φ(−|x|) < 1e−38, the tail is flushed to 0, so no
// denormal is made. Against float64 erfc (gelu_test.go): within 8 float32
// ulps for |x| ≤ 4 and 1.6e−6 relative beyond (measured worst 6.8 ulps,
// mostly the fit's own 1.2e−7). NaN gives NaN, +Inf gives +Inf and −Inf gives NaN
// (−∞·0), as the formula. On amd64 with AVX2 and FMA this runs 8 lanes at
// a time in assembly (gelu_amd64.s); elsewhere, and with the purego build
// tag, the same algorithm runs in Go.
func GELU(y, x []float32) { geluImpl(y[:len(x)], x) }

// GELUGrad adds dy[i]·GELU'(x[i]) into dx[i] for every i < len(dy), where
// GELU'(x) = Φ(x) + x·φ(x) and φ(x) = exp(−x²/2)/√(2π): the backward pass
// of GELU, with Φ computed as GELU computes it and φ with the same
// exponential; x·φ(x) is flushed to 0 where |x| > 13 (so GELU'(±∞) is 1
// and 0). len(dx) and len(x) must be ≥ len(dy).
func GELUGrad(dx, dy, x []float32) {
	n := len(dy)
	geluGradImpl(dx[:n], dy, x[:n])
}

// geluFunc and geluGradFunc are the signatures of every GELU and GELUGrad
// path: all slices have the same length.
type (
	geluFunc     func(y, x []float32)
	geluGradFunc func(dx, dy, x []float32)
)

// geluPath names one implementation of both passes, so that tests and
// benchmarks can run each.
type geluPath struct {
	name string
	fwd  geluFunc
	bwd  geluGradFunc
}

// geluImpl and geluGradImpl are the paths GELU and GELUGrad take, picked
// once per process from the CPU's features (gelu_amd64.go, gelu_other.go).
var geluImpl, geluGradImpl = geluDispatch()
