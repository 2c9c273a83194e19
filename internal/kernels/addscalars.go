package kernels

import "math"

// NegZero is −0, the float32 that leaves every x unchanged under x + NegZero
// (+0 does not: −0 + 0 is +0). Pass it to AddScalars for a term to leave out.
var NegZero = float32(math.Copysign(0, -1))

// AddScalars sets dst[i] = (src[i] + b) + sh for every i < len(dst), in
// that order of additions; src may be dst. len(src) must be ≥ len(dst).
// Each element is two float32 additions, so every path gives the same
// bits. A convolution adds its bias and a per-sample time shift with it in
// one pass over its output.
func AddScalars(dst, src []float32, b, sh float32) { addScalarsImpl(dst, src[:len(dst)], b, sh) }

// addScalarsFunc is the signature of every AddScalars path:
// len(dst) == len(src).
type addScalarsFunc func(dst, src []float32, b, sh float32)

// addScalarsImpl is the path AddScalars takes, picked once per process
// (add_amd64.go, add_other.go).
var addScalarsImpl = addScalarsDispatch()

// addScalarsGeneric is AddScalars' defining loop.
func addScalarsGeneric(dst, src []float32, b, sh float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = (v + b) + sh
	}
}

// addScalarsPath names one AddScalars implementation, so that tests can
// run each.
type addScalarsPath struct {
	name string
	fn   addScalarsFunc
}
