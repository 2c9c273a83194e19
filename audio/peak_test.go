package audio

import "testing"

func TestPeakScale(t *testing.T) {
	for _, tc := range []struct {
		name       string
		x          []float64
		peak, want float64
	}{
		{"positive peak", []float64{0.1, 0.25, -0.2}, 0.5, 2},
		{"negative peak", []float64{0.1, -0.45, 0.3}, 0.9, 2},
		{"silence", []float64{0, 0, 0}, 0.9, 1},
		{"empty", nil, 0.9, 1},
	} {
		if got := PeakScale(tc.x, tc.peak); got != tc.want {
			t.Errorf("%s: PeakScale(%v, %g) = %g, want %g", tc.name, tc.x, tc.peak, got, tc.want)
		}
	}
	// float32 samples: the magnitude is taken exactly, in float64.
	x := []float32{0.3, -0.6}
	if got, want := PeakScale(x, 0.9), 0.9/float64(float32(0.6)); got != want {
		t.Errorf("PeakScale(%v, 0.9) = %g, want %g", x, got, want)
	}
}
