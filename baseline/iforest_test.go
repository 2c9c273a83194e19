package baseline

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// c(m) against hand values: c(2) = 1, c(3) = 2(ln 2 + γ) − 4/3.
func TestAvgPath(t *testing.T) {
	for _, c := range []struct {
		m    int
		want float64
	}{{1, 0}, {2, 1}, {3, 2*(math.Ln2+0.5772156649015329) - 4.0/3}} {
		if got := avgPath(c.m); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("avgPath(%d) = %.12f, want %.12f", c.m, got, c.want)
		}
	}
}

// A point far from a Gaussian cloud scores higher than every cloud point
// and above 0.5; a point at the centre scores below 0.5. The same seed
// gives the same scores.
func TestIsolationForestOutlier(t *testing.T) {
	rng := tensor.NewRNG(1)
	var rows [][]float64
	for range 300 {
		rows = append(rows, []float64{rng.Normal(), rng.Normal(), rng.Normal()})
	}
	f, err := FitIsolationForest(rows, 100, 256, 7)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Score(append(rows, []float64{6, -6, 6}, []float64{0, 0, 0}))
	if err != nil {
		t.Fatal(err)
	}
	far, centre := s[300], s[301]
	if far <= slices.Max(s[:300]) || far < 0.6 {
		t.Errorf("far point scores %.3f, cloud max %.3f: want the far point highest and ≥ 0.6", far, slices.Max(s[:300]))
	}
	if centre >= 0.5 {
		t.Errorf("centre scores %.3f, want < 0.5", centre)
	}
	g, _ := FitIsolationForest(rows, 100, 256, 7)
	again, _ := g.Score(rows[:5])
	if !slices.Equal(again, s[:5]) {
		t.Error("the same seed gave other scores")
	}
}

func TestIsolationForestBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		rows [][]float64
		want string
	}{
		{"one row", [][]float64{{1}}, "1 rows"},
		{"ragged", [][]float64{{1, 2}, {3}}, "row 1 has 1 features"},
		{"nan", [][]float64{{1}, {math.NaN()}}, "finite"},
	} {
		if _, err := FitIsolationForest(c.rows, 10, 8, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	f, _ := FitIsolationForest([][]float64{{1, 2}, {3, 4}, {5, 6}}, 3, 4, 1)
	if _, err := f.Score([][]float64{{1}}); err == nil {
		t.Error("Score accepted a row of the wrong length")
	}
}
