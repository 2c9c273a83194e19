package series

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestSeasonalNaive(t *testing.T) {
	nan := math.NaN()
	h := [][]float64{{1}, {2}, {3}, {4}, {nan}, {6}}
	got, err := SeasonalNaive(3)(h, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Rows 6..10 take rows 3, 4→1 (4 is missing), 5, 3, 4→1.
	want := []float64{4, 2, 6, 4, 2}
	for i, w := range want {
		if got[i][0] != w {
			t.Errorf("h=%d: %v, want %v", i+1, got[i][0], w)
		}
	}
	got, err = SeasonalNaive(12)(h, 1) // history shorter than a period: last value
	if err != nil || got[0][0] != 6 {
		t.Errorf("short history: %v, %v; want 6", got, err)
	}
}

// TestARRecoversCoefficients fits AR models to a simulated AR(2) series:
// AIC picks p = 2 and the coefficients come back within a few standard
// errors (n = 3000, about 0.02 each).
func TestARRecoversCoefficients(t *testing.T) {
	rng := tensor.NewRNG(4)
	const n = 3000
	v := make([][]float64, n)
	x1, x2 := 0.0, 0.0
	for i := range v {
		x := 1 + 0.6*x1 - 0.3*x2 + 0.5*rng.Normal()
		v[i] = []float64{x}
		x1, x2 = x, x1
	}
	m, err := FitAR(v, 1, 6)
	if err != nil {
		t.Fatal(err)
	}
	if m.P[0] != 2 {
		t.Errorf("AIC chose p = %d, want 2", m.P[0])
	}
	c := m.Coef[0]
	if math.Abs(c[0]-1) > 0.1 || math.Abs(c[1]-0.6) > 0.06 || math.Abs(c[2]+0.3) > 0.06 || math.Abs(m.Sigma[0]-0.5) > 0.03 {
		t.Errorf("coefficients %v, sigma %v; want about [1 0.6 -0.3] and 0.5", c, m.Sigma[0])
	}
	// The forecast is the recursion by hand.
	fixed := &AR{P: []int{2}, Coef: [][]float64{{1, 0.5, 0.25}}, Sigma: []float64{1}}
	f, err := fixed.Forecast([][]float64{{8}, {2}, {4}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if f[0][0] != 1+0.5*4+0.25*2 || f[1][0] != 1+0.5*3.5+0.25*4 {
		t.Errorf("forecast %v, want [3.5 3.75]", f)
	}
	// Sampled paths spread around the mean path: one step ahead, sd σ.
	paths, err := fixed.Sample([][]float64{{8}, {2}, {4}}, 1, 4000, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	mean, ss := 0.0, 0.0
	for _, p := range paths {
		mean += p[0][0]
	}
	mean /= float64(len(paths))
	for _, p := range paths {
		ss += (p[0][0] - mean) * (p[0][0] - mean)
	}
	if math.Abs(mean-3.5) > 0.06 || math.Abs(math.Sqrt(ss/float64(len(paths)))-1) > 0.05 {
		t.Errorf("one-step samples: mean %v, sd %v; want 3.5, 1", mean, math.Sqrt(ss/float64(len(paths))))
	}
}

func TestARMissingAndErrors(t *testing.T) {
	nan := math.NaN()
	if _, err := FitAR([][]float64{{1}, {2}, {3}}, 1, 2); err == nil {
		t.Error("too few rows: no error")
	}
	if _, err := FitAR([][]float64{{1}}, 0, 2); err == nil {
		t.Error("order 0: no error")
	}
	m := &AR{P: []int{2}, Coef: [][]float64{{0, 1, 0}}, Sigma: []float64{1}}
	// The last lag is missing: filled with the last observed value, 5.
	f, err := m.Forecast([][]float64{{nan}, {5}, {nan}}, 1)
	if err != nil || f[0][0] != 5 {
		t.Errorf("forecast over a missing lag: %v, %v; want 5", f, err)
	}
	if _, err := m.Forecast([][]float64{{nan}, {nan}}, 1); err == nil {
		t.Error("all-missing history: no error")
	}
}
