package kernels

// Sum returns the sum of x accumulated in float64: 16 running sums, one
// per lane of 16-element blocks, each added in order, then combined
// pairwise, then the elements after the last whole block in order. Every
// path adds in this same order, so the result is the same bits on every
// machine. Convolutions reduce their bias and time-shift gradients with it.
func Sum(x []float32) float64 {
	var acc [16]float64
	blocks := len(x) / 16
	if blocks > 0 {
		sum16Impl(x[:blocks*16], &acc)
	}
	for w := 8; w >= 1; w /= 2 {
		for l := range w {
			acc[l] += acc[l+w]
		}
	}
	s := acc[0]
	for _, v := range x[blocks*16:] {
		s += float64(v)
	}
	return s
}

// sum16Generic adds x[16·b + l] into acc[l] for every whole block b, in
// order; len(x) is a multiple of 16.
func sum16Generic(x []float32, acc *[16]float64) {
	for b := 0; b+16 <= len(x); b += 16 {
		blk := (*[16]float32)(x[b:])
		for l, v := range blk {
			acc[l] += float64(v)
		}
	}
}

// sumPath names one sum16 implementation, so that tests can run each.
type sumPath struct {
	name string
	fn   func(x []float32, acc *[16]float64)
}
