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
	f := &Features{Enc: tensor.FromData([]float32{0, 0, 1, 0, 3, 0}, 3, 2), // 2 levels of 1 value
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
	other := &Features{Enc: tensor.New(1, 4), Err: [][]float64{{1, 1}}, Recon: [][]float64{{0, 0}}}
	if _, err := r.Score(other, false); err == nil || !strings.Contains(err.Error(), "features of length 4, the reference has 2") {
		t.Errorf("features of another length: err = %v", err)
	}
}

// layer_maha is the sum, over levels and activation blocks, of each
// block's Mahalanobis distance under a Gaussian fitted to that block
// alone; widths that do not split a level are refused.
func TestReferenceLayerMaha(t *testing.T) {
	rng := tensor.NewRNG(4)
	n := 12
	// 2 levels of 3 values: blocks of 1 and 2.
	f := &Features{Enc: rng.Randn(n, 6), Err: make([][]float64, n), Recon: make([][]float64, n), Widths: []int{1, 2}}
	for i := range n {
		f.Err[i] = []float64{1 + float64(i%3), 2 + float64(i%5)}
		f.Recon[i] = []float64{0, 0}
	}
	r, err := FitReference(f, 2)
	if err != nil {
		t.Fatal(err)
	}
	q := &Features{Enc: rng.Randn(3, 6), Err: f.Err[:3], Recon: f.Recon[:3], Widths: []int{1, 2}}
	got, err := r.Score(q, false)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 3)
	for _, span := range [][2]int{{0, 1}, {1, 3}, {3, 4}, {4, 6}} {
		var fit [][]float64
		for i := range n {
			fit = append(fit, to64(f.Enc.Data[i*6+span[0]:i*6+span[1]]))
		}
		g, err := FitGaussian(fit)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			m, err := g.Mahalanobis(to64(q.Enc.Data[i*6+span[0] : i*6+span[1]]))
			if err != nil {
				t.Fatal(err)
			}
			want[i] += m
		}
	}
	for i := range 3 {
		if math.Abs(got[ScoreLayerMaha][i]-want[i]) > 1e-9*want[i] {
			t.Errorf("image %d: layer_maha %.9g, want %.9g", i, got[ScoreLayerMaha][i], want[i])
		}
	}
	q.Widths = []int{3}
	if _, err := r.Score(q, false); err == nil || !strings.Contains(err.Error(), "activation blocks") {
		t.Errorf("other widths: err = %v", err)
	}
	f.Widths = []int{2, 2}
	if _, err := FitReference(f, 2); err == nil || !strings.Contains(err.Error(), "do not split") {
		t.Errorf("widths summing to 4 of a level of 3: err = %v", err)
	}
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// feat_ens is the mean of the z-scores of layer_maha and feat_knn, with
// the mean and deviation of the calibration images: over those images it
// averages 0, and a query's value is the formula's.
func TestReferenceEnsemble(t *testing.T) {
	rng := tensor.NewRNG(5)
	mk := func(n int) *Features {
		f := &Features{Enc: rng.Randn(n, 4), Err: make([][]float64, n), Recon: make([][]float64, n), Widths: []int{1, 1}}
		for i := range n {
			f.Err[i] = []float64{1 + rng.Uniform(), 1 + rng.Uniform()}
			f.Recon[i] = []float64{0, 0}
		}
		return f
	}
	ref, val, q := mk(15), mk(6), mk(3)
	r, err := FitReference(ref, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Calibrate(val, false); err != nil {
		t.Fatal(err)
	}
	vs, err := r.Score(val, false)
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for _, v := range vs[ScoreFeatEns] {
		mean += v / 6
	}
	if math.Abs(mean) > 1e-12 {
		t.Errorf("feat_ens averages %g over the calibration images, want 0", mean)
	}
	qs, err := r.Score(q, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		want := 0.0
		for _, name := range []string{ScoreLayerMaha, ScoreFeatKNN} {
			m, sd := 0.0, 0.0
			for _, v := range vs[name] {
				m += v / 6
			}
			for _, v := range vs[name] {
				sd += (v - m) * (v - m) / 5
			}
			want += (qs[name][i] - m) / math.Sqrt(sd) / 2
		}
		if math.Abs(qs[ScoreFeatEns][i]-want) > 1e-9 {
			t.Errorf("image %d: feat_ens %.9g, want %.9g", i, qs[ScoreFeatEns][i], want)
		}
	}
	if err := r.Calibrate(mk(1), false); err == nil {
		t.Error("Calibrate accepted one image")
	}
}
