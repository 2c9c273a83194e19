package kernels

// AddTo sets dst[i] += src[i] for every i < len(src). len(dst) must be ≥
// len(src). Each element is one float32 addition, so every path gives the
// same bits. On amd64 with AVX2 this runs 8 lanes at a time in assembly
// (add_amd64.s); elsewhere, and with the purego build tag, it is the loop
// in add_generic.go. Col2im, gradient accumulation and residual adds use it.
func AddTo(dst, src []float32) { addToImpl(dst[:len(src)], src) }

// addFunc is the signature of every AddTo path: len(dst) == len(src).
type addFunc func(dst, src []float32)

// addPath names one AddTo implementation, so that tests can run each.
type addPath struct {
	name string
	fn   addFunc
}

// addToImpl is the path AddTo takes, picked once per process
// (add_amd64.go, add_other.go).
var addToImpl = addDispatch()
