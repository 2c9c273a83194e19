package kernels

// expFlush is expf with results below the smallest normal float32 flushed
// to 0: e^t for t < expLo is below 2^−126.
func expFlush(t float32) float32 {
	if t < expLo {
		return 0
	}
	return expf(t)
}

// expShiftGeneric is ExpShift in Go.
func expShiftGeneric(y, x []float32, shift float32) float64 {
	y = y[:len(x)]
	var s float64
	for i, v := range x {
		e := expFlush(v - shift)
		y[i] = e
		s += float64(e)
	}
	return s
}
