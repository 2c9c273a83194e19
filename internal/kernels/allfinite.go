package kernels

import "math"

// AllFinite reports whether no element of x is NaN or ±Inf. A float32 is
// finite exactly when its exponent bits are not all ones, that is when
// its bits with the sign cleared are below those of +Inf (0x7f800000); the
// vector paths (allfinite_amd64.s: AVX-512F, AVX2) take the largest of
// those over x, 16 or 8 lanes at a time, and compare once at the end.
func AllFinite(x []float32) bool { return allFiniteImpl(x) }

// allFiniteImpl is the path AllFinite takes, picked once per process
// (allfinite_amd64.go, allfinite_other.go).
var allFiniteImpl = allFiniteDispatch()

// allFinitePath names one implementation of AllFinite, for tests and
// benchmarks.
type allFinitePath struct {
	name string
	fn   func(x []float32) bool
}

// allFiniteGeneric is AllFinite in Go: the same test on the bits, with an
// early return, and no float comparison.
func allFiniteGeneric(x []float32) bool {
	for _, v := range x {
		if math.Float32bits(v)&0x7fffffff >= 0x7f800000 {
			return false
		}
	}
	return true
}
