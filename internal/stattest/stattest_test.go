package stattest

import (
	"math"
	"testing"
)

func TestChiSquare(t *testing.T) {
	// 100 draws over cells of probability 1/2, 1/4, 1/4, 0: expected 50,
	// 25, 25; (60−50)²/50 + (20−25)²/25 + (20−25)²/25 = 2 + 1 + 1.
	chi, dof := ChiSquare([]int{60, 20, 20, 0}, []float64{0.5, 0.25, 0.25, 0})
	if math.Abs(chi-4) > 1e-12 || dof != 2 {
		t.Errorf("χ² = %g on %d dof, want 4 on 2", chi, dof)
	}
}

func TestChiSquareQuantile(t *testing.T) {
	// Tables: χ²(10) 0.999 quantile 29.588, χ²(50) 0.99 quantile 76.154.
	for _, c := range []struct {
		dof     int
		z, want float64
	}{{10, 3.0902, 29.588}, {50, 2.3263, 76.154}} {
		if got := ChiSquareQuantile(c.dof, c.z); math.Abs(got-c.want)/c.want > 0.01 {
			t.Errorf("χ²(%d) quantile at z = %g: %g, want %g within 1%%", c.dof, c.z, got, c.want)
		}
	}
}
