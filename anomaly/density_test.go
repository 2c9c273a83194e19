package anomaly

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// Hand-computed Ledoit–Wolf cases. Four points (±1, 0), (0, ±1): S = ½I
// is already a multiple of I, so ρ = 1 and Σ = ½I, and (1, 1) is at
// distance 1/½ + 1/½ = 4. Four points (±2, 0), (0, ±1): S = diag(2, ½),
// μ = 5/4, δ = (¾² + ¾²)/2 = 9/16, β = (Σ‖x‖⁴ − n‖S‖²)/n²/d =
// (34 − 17)/32 = 17/32, ρ = β/δ = 17/18, Σ₁₁ = (1/18)·2 + (17/18)·(5/4).
func TestFitGaussianLedoitWolf(t *testing.T) {
	for _, c := range []struct {
		name    string
		rows    [][]float64
		rho     float64
		x       []float64
		maha    float64
		meanIs0 bool
	}{
		{"isotropic", [][]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, 1, []float64{1, 1}, 4, true},
		{"anisotropic", [][]float64{{2, 0}, {-2, 0}, {0, 1}, {0, -1}}, 17.0 / 18, []float64{1, 0}, 1 / (2.0/18 + 17.0/18*5/4), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := FitGaussian(c.rows)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(g.Shrinkage-c.rho) > 1e-12 {
				t.Errorf("shrinkage %.12f, want %.12f", g.Shrinkage, c.rho)
			}
			got, err := g.Mahalanobis(c.x)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-c.maha) > 1e-12 {
				t.Errorf("Mahalanobis(%v) = %.12f, want %.12f", c.x, got, c.maha)
			}
			if z, _ := g.Mahalanobis(g.Mean); z != 0 {
				t.Errorf("Mahalanobis(mean) = %v, want 0", z)
			}
		})
	}
}

// More dimensions than vectors still gives an invertible Σ; bad input is
// an error.
func TestFitGaussianBadInput(t *testing.T) {
	rng := tensor.NewRNG(1)
	var wide [][]float64
	for range 3 {
		row := make([]float64, 10)
		for j := range row {
			row[j] = rng.Normal()
		}
		wide = append(wide, row)
	}
	if _, err := FitGaussian(wide); err != nil {
		t.Errorf("3 vectors of 10 values: %v", err)
	}
	for _, c := range []struct {
		name string
		rows [][]float64
		want string
	}{
		{"one", [][]float64{{1}}, "1 vectors, want at least 2"},
		{"ragged", [][]float64{{1, 2}, {1}}, "vector 1 has 1 values"},
		{"nan", [][]float64{{1}, {math.NaN()}}, "want a finite number"},
	} {
		if _, err := FitGaussian(c.rows); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	g, err := FitGaussian([][]float64{{1, 0}, {0, 1}}) // S is singular; the floor on ρ keeps Σ invertible
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Mahalanobis([]float64{1}); err == nil {
		t.Error("Mahalanobis accepted a vector of the wrong length")
	}
}

// The k-NN score of the reference images themselves leaves each image
// out: points 0, 1, 3 on a line with k = 1 are 1, 1 and 2 from their
// nearest other point, and 0 from themselves when scored as new images.
func TestReferenceLeaveOneOut(t *testing.T) {
	f := &Features{Enc: tensor.FromData([]float32{0, 1, 3}, 3, 1),
		Err:   [][]float64{{1, 2}, {2, 1}, {1.5, 1.2}},
		Recon: [][]float64{{0.1, 0.3}, {0.2, 0.2}, {0, 0}}}
	r, err := FitReference(f, 1)
	if err != nil {
		t.Fatal(err)
	}
	own, err := r.Score(f, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := own[ScoreFeatKNN]; !slices.Equal(got, []float64{1, 1, 2}) {
		t.Errorf("leave-one-out k-NN = %v, want [1 1 2]", got)
	}
	if got := own[ScoreFeatRecon]; math.Abs(got[0]-0.2) > 1e-12 || got[2] != 0 {
		t.Errorf("feat recon = %v, want the level means [0.2 0.2 0]", got)
	}
	fresh, err := r.Score(f, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := fresh[ScoreFeatKNN]; !slices.Equal(got, []float64{0, 0, 0}) {
		t.Errorf("k-NN of the reference as new images = %v, want [0 0 0]", got)
	}
	if _, err := FitReference(f, 3); err == nil {
		t.Error("FitReference accepted k = 3 for 3 images")
	}
	other := &Features{Enc: tensor.New(1, 2), Err: [][]float64{{1, 1}}, Recon: [][]float64{{0, 0}}}
	if _, err := r.Score(other, false); err == nil || !strings.Contains(err.Error(), "features of length 2, the reference has 1") {
		t.Errorf("features of another length: err = %v", err)
	}
}
