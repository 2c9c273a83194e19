package series

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

// TestCRPSHandCase: truth 2, samples {1, 3}. The q-quantile is 1 + 2q, so
// the loss is 2q(1−2q) for q < 0.5, 0 at 0.5 and 2(2q−1)(1−q) above, which
// mirrors the first half: the sum is 4·Σ_{q=0.05..0.45}(q − 2q²) =
// 4·(2.25 − 2·0.7125) = 3.3, and CRPS = 3.3 / 19 / |2|.
func TestCRPSHandCase(t *testing.T) {
	truth := [][]float64{{2}}
	target := [][]bool{{true}}
	s, err := Evaluate(truth, target, [][][]float64{{{3}}, {{1}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := 3.3 / 19 / 2; !near(s.CRPS, want, 1e-12) {
		t.Errorf("CRPS = %.12f, want %.12f", s.CRPS, want)
	}
	// torch.median of {1, 3} is the lower middle value, 1.
	if s.MAE != 1 || s.RMSE != 1 {
		t.Errorf("MAE, RMSE = %v, %v; want 1, 1 (median 1)", s.MAE, s.RMSE)
	}
	// [1.5, 2.5] and [1.1, 2.9] both hold 2.
	if s.Cover50 != 1 || s.Cover90 != 1 || s.N != 1 || s.Samples != 2 {
		t.Errorf("coverage %v, %v, N %d, samples %d; want 1, 1, 1, 2", s.Cover50, s.Cover90, s.N, s.Samples)
	}
}

// TestCoverageHandCase: samples 0..100 have q-quantile 100q, so the central
// intervals are [25, 75] and [5, 95]. Truth 30 is inside both, 80 inside the
// 90% interval only, and 99 in neither.
func TestCoverageHandCase(t *testing.T) {
	samples := make([][][]float64, 101)
	for k := range samples {
		samples[k] = [][]float64{{float64(k), float64(k), float64(k)}}
	}
	s, err := Evaluate([][]float64{{30, 80, 99}}, [][]bool{{true, true, true}}, samples)
	if err != nil {
		t.Fatal(err)
	}
	if !near(s.Cover50, 1.0/3, 1e-12) || !near(s.Cover90, 2.0/3, 1e-12) {
		t.Errorf("Cover50, Cover90 = %v, %v; want 1/3, 2/3", s.Cover50, s.Cover90)
	}
	// Median 50: errors 20, 30, 49.
	if !near(s.MAE, 99.0/3, 1e-12) || !near(s.RMSE, math.Sqrt((400+900+49*49)/3.0), 1e-12) {
		t.Errorf("MAE, RMSE = %v, %v", s.MAE, s.RMSE)
	}
}

// TestCRPSPointForecast: with one sample every quantile is the point, and
// Σ_q 2|e|·(1−q) or 2|e|·q over the 19 levels is 2|e|·9.5, so CRPS =
// Σ|e| / Σ|x| = MAE·N / Σ|x|.
func TestCRPSPointForecast(t *testing.T) {
	rng := tensor.NewRNG(3)
	truth, point := make([][]float64, 20), make([][]float64, 20)
	target := newMask(20, 3)
	absX := 0.0
	for i := range truth {
		truth[i], point[i] = make([]float64, 3), make([]float64, 3)
		for d := range 3 {
			truth[i][d] = rng.Normal() * 5
			point[i][d] = truth[i][d] + rng.Normal()
			if rng.Uniform() < 0.6 {
				target[i][d] = true
				absX += math.Abs(truth[i][d])
			}
		}
	}
	s, err := Evaluate(truth, target, [][][]float64{point})
	if err != nil {
		t.Fatal(err)
	}
	if want := s.MAE * float64(s.N) / absX; !near(s.CRPS, want, 1e-12) {
		t.Errorf("CRPS = %.12f, want MAE·n/Σ|x| = %.12f", s.CRPS, want)
	}
}

// TestCRPSSharpBeatsWide: for a truth drawn from N(0, 1)+10, samples from the
// same law score better than samples four times wider, and their 50% and 90%
// intervals cover about 50% and 90% of the cells.
func TestCRPSSharpBeatsWide(t *testing.T) {
	rng := tensor.NewRNG(5)
	const cells, n = 400, 100
	truth := make([][]float64, cells)
	target := newMask(cells, 1)
	good, wide := make([][][]float64, n), make([][][]float64, n)
	for k := range n {
		good[k], wide[k] = make([][]float64, cells), make([][]float64, cells)
	}
	for i := range cells {
		truth[i] = []float64{10 + rng.Normal()}
		target[i][0] = true
		for k := range n {
			good[k][i] = []float64{10 + rng.Normal()}
			wide[k][i] = []float64{10 + 4*rng.Normal()}
		}
	}
	sg, err := Evaluate(truth, target, good)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := Evaluate(truth, target, wide)
	if err != nil {
		t.Fatal(err)
	}
	if !(sg.CRPS < sw.CRPS) {
		t.Errorf("CRPS calibrated %v, wide %v: want calibrated smaller", sg.CRPS, sw.CRPS)
	}
	// Binomial sd of a share over 400 cells is at most 0.025.
	if math.Abs(sg.Cover50-0.5) > 0.1 || math.Abs(sg.Cover90-0.9) > 0.06 {
		t.Errorf("calibrated coverage %v, %v; want about 0.5, 0.9", sg.Cover50, sg.Cover90)
	}
	// The continuous CRPS of N(0,1) at its own draws is 1/√π ≈ 0.564 on
	// average; normalised by |x| ≈ 10 that is about 0.056.
	if !near(sg.CRPS, 1/math.Sqrt(math.Pi)/10, 0.15) {
		t.Errorf("calibrated CRPS %v, want about %v", sg.CRPS, 1/math.Sqrt(math.Pi)/10)
	}
}

func TestAccumulatorMatchesOneCall(t *testing.T) {
	truth := [][]float64{{1, -2}, {3, 4}}
	target := [][]bool{{true, true}, {true, false}}
	samples := [][][]float64{{{0, -1}, {2, 9}}, {{1.5, -2.5}, {3.5, 9}}, {{2, 0}, {5, 9}}}
	all, err := Evaluate(truth, target, samples)
	if err != nil {
		t.Fatal(err)
	}
	var a Accumulator
	for r := range 2 {
		sub := make([][][]float64, len(samples))
		for k := range samples {
			sub[k] = samples[k][r : r+1]
		}
		if err := a.Add(truth[r:r+1], target[r:r+1], sub); err != nil {
			t.Fatal(err)
		}
	}
	got, err := a.Scores()
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.CRPS, all.CRPS, 1e-12) || got.MAE != all.MAE || got.N != 3 {
		t.Errorf("accumulated %+v, one call %+v", got, all)
	}
}

func TestEvaluateErrors(t *testing.T) {
	truth := [][]float64{{1}}
	on := [][]bool{{true}}
	for name, f := range map[string]func() error{
		"no samples":   func() error { _, err := Evaluate(truth, on, nil); return err },
		"no targets":   func() error { _, err := Evaluate(truth, [][]bool{{false}}, [][][]float64{{{1}}}); return err },
		"zero truth":   func() error { _, err := Evaluate([][]float64{{0}}, on, [][][]float64{{{1}}}); return err },
		"NaN truth":    func() error { _, err := Evaluate([][]float64{{math.NaN()}}, on, [][][]float64{{{1}}}); return err },
		"NaN sample":   func() error { _, err := Evaluate(truth, on, [][][]float64{{{math.NaN()}}}); return err },
		"short sample": func() error { _, err := Evaluate(truth, on, [][][]float64{{}}); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
