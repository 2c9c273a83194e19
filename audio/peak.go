package audio

import "math"

// PeakScale is the factor that brings the largest magnitude of x to peak:
// peak/max|x|, or 1 when x is silent. The denoisers scale every input by
// it (and their estimate back), so that they see speech at the one level
// they were trained at, whatever the recording's.
func PeakScale[T float32 | float64](x []T, peak float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(float64(v)))
	}
	if m > 0 {
		return peak / m
	}
	return 1
}
