package restore

import (
	"context"
	"errors"
	"github.com/diffusego/diffusego/metrics"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/tensor"
)

func TestReconstructionScoresSeparateOutliers(t *testing.T) {
	mean := []float64{0.2, -0.3, 0.1, 0.4, -0.1, 0, 0.3, -0.2}
	variance := []float64{0.01, 0.02, 0.01, 0.03, 0.02, 0.01, 0.02, 0.01}
	d := flat{oracle.NewDiagGaussian(mean, variance)}
	normal := sampleDiag(tensor.NewRNG(1), mean, variance, 100, 2, 2, 2)
	shifted := make([]float64, 8)
	for i := range shifted {
		shifted[i] = mean[i] + 0.3
	}
	outliers := sampleDiag(tensor.NewRNG(2), shifted, variance, 100, 2, 2, 2)
	x := tensor.New(200, 2, 2, 2)
	copy(x.Data, normal.Data)
	copy(x.Data[800:], outliers.Data)
	labels := make([]bool, 200)
	for i := 100; i < 200; i++ {
		labels[i] = true
	}
	opt := ReconOptions{Sigmas: []float64{0.1, 0.3}, Seeds: 2, Seed: 7, Denoise: DenoiseOptions{Steps: 5, OneShot: false}}
	scores, err := ReconstructionScores(context.Background(), d, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	a, err := metrics.AUROC(scores, labels)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AUROC %.3f", a)
	if a < 0.95 {
		t.Errorf("reconstruction-error AUROC %.3f, want ≥ 0.95 for outliers shifted by 0.3 (≈ 2–3 std)", a)
	}
	again, _ := ReconstructionScores(context.Background(), d, x, opt)
	for i := range scores {
		if scores[i] != again[i] {
			t.Fatalf("score %d differs between runs: %v vs %v", i, scores[i], again[i])
		}
	}
	thr, f1, err := BestF1Threshold(scores, labels)
	if err != nil || f1 < 0.9 {
		t.Errorf("BestF1Threshold: %v, F1 %.3f (threshold %.4g), want ≥ 0.9", err, f1, thr)
	}
}

func TestELBOScores(t *testing.T) {
	x := tensor.New(3, 1, 2, 2)
	good := func(x *tensor.Tensor) ([]float64, error) { return []float64{1, 2, 3}, nil }
	if s, err := ELBOScores(good, x); err != nil || len(s) != 3 {
		t.Errorf("ELBOScores = %v, %v", s, err)
	}
	for name, f := range map[string]ELBOFunc{
		"short": func(*tensor.Tensor) ([]float64, error) { return []float64{1}, nil },
		"nan":   func(*tensor.Tensor) ([]float64, error) { return []float64{1, math.NaN(), 3}, nil },
		"err":   func(*tensor.Tensor) ([]float64, error) { return nil, errors.New("boom") },
	} {
		if _, err := ELBOScores(f, x); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestQuantileThreshold(t *testing.T) {
	s := []float64{5, 1, 4, 2, 3}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {1, 5}, {0.5, 3}, {0.9, 4.6}} {
		got, err := QuantileThreshold(s, c.q)
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("QuantileThreshold(q=%g) = %v, %v, want %v", c.q, got, err, c.want)
		}
	}
	if _, err := QuantileThreshold(s, 1.5); err == nil {
		t.Error("q 1.5: no error")
	}
}

func TestBestF1Threshold(t *testing.T) {
	// scores 1 2 3 4 5 6 with anomalies at 3, 5, 6: flagging > 4.5 gives
	// P = 1, R = 2/3, F1 0.8; flagging > 2.5 gives P = 3/4, R = 1, F1 6/7 — best
	thr, f1, err := BestF1Threshold([]float64{1, 2, 3, 4, 5, 6}, []bool{false, false, true, false, true, true})
	if err != nil || thr != 2.5 || math.Abs(f1-6.0/7) > 1e-12 {
		t.Errorf("BestF1Threshold = %v, %v, %v; want 2.5, 6/7", thr, f1, err)
	}
	if _, _, err := BestF1Threshold([]float64{1, 2}, []bool{false, false}); err == nil {
		t.Error("no anomalies: no error")
	}
}

func TestWriteScoresCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scores.csv")
	if err := WriteScoresCSV(path, []string{"a.png", "b,c.png"}, []float64{0.5, 2}, 1); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "index,name,score,anomalous\n0,a.png,0.5,false\n1,\"b,c.png\",2,true\n"
	if string(b) != want {
		t.Errorf("csv = %q, want %q", b, want)
	}
	if err := WriteScoresCSV(path, []string{"a"}, []float64{1, 2}, 0); err == nil {
		t.Error("1 name for 2 scores: no error")
	}
}

// TestReconstructionProgress: Progress counts every sampler step of every
// level and draw up from 1 to Steps (a level at or below SigmaMin takes
// one step, a sample count multiplies the steps, OneShot is one call per
// draw), and the scores are those computed without it.
func TestReconstructionProgress(t *testing.T) {
	mean := []float64{0.2, -0.3, 0.1, 0.4, -0.1, 0, 0.3, -0.2}
	d := flat{oracle.NewDiagGaussian(mean, []float64{0.01, 0.02, 0.01, 0.03, 0.02, 0.01, 0.02, 0.01})}
	x := sampleDiag(tensor.NewRNG(1), mean, []float64{0.01, 0.02, 0.01, 0.03, 0.02, 0.01, 0.02, 0.01}, 3, 2, 2, 2)
	for _, c := range []struct {
		name string
		opt  ReconOptions
		want int
	}{
		{"steps", ReconOptions{Sigmas: []float64{0.1, 0.3}, Seeds: 2, Denoise: DenoiseOptions{Steps: 5}}, 2 * 2 * 5},
		{"samples and a level at SigmaMin", ReconOptions{Sigmas: []float64{0.001, 0.3}, Seeds: 3, Denoise: DenoiseOptions{Steps: 4, Samples: 2, SigmaMin: 0.01}}, 3*2*1 + 3*2*4},
		{"one-shot", ReconOptions{Sigmas: []float64{0.1, 0.3, 0.5}, Seeds: 2, Denoise: DenoiseOptions{OneShot: true}}, 3 * 2},
		{"defaults", ReconOptions{}, 3 * 2 * 20},
	} {
		if got := c.opt.Steps(); got != c.want {
			t.Errorf("%s: Steps %d, want %d", c.name, got, c.want)
		}
		plain, err := ReconstructionScores(context.Background(), d, x, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		var counts []int
		c.opt.Progress = func(step, total int) {
			if total != c.want {
				t.Errorf("%s: progress total %d, want %d", c.name, total, c.want)
			}
			counts = append(counts, step)
		}
		scores, err := ReconstructionScores(context.Background(), d, x, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != c.want || counts[0] != 1 || counts[len(counts)-1] != c.want {
			t.Fatalf("%s: %d progress calls from %v, want %d counting 1 … %d", c.name, len(counts), counts[:min(len(counts), 5)], c.want, c.want)
		}
		for i := 1; i < len(counts); i++ {
			if counts[i] != counts[i-1]+1 {
				t.Fatalf("%s: progress %d after %d, want one step at a time", c.name, counts[i], counts[i-1])
			}
		}
		for i := range scores {
			if scores[i] != plain[i] {
				t.Fatalf("%s: score %d is %v with progress, %v without", c.name, i, scores[i], plain[i])
			}
		}
	}
}
