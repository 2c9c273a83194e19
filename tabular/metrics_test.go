package tabular

import (
	"math"
	"testing"
)

func TestMetricsKnownAnswers(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"KS identical", kolmogorovSmirnov([]float64{1, 2, 3}, []float64{1, 2, 3}), 0},
		{"KS disjoint", kolmogorovSmirnov([]float64{1, 2}, []float64{3, 4}), 1},
		{"KS shifted half", kolmogorovSmirnov([]float64{1, 2, 3, 4}, []float64{3, 4, 5, 6}), 0.5},
		{"TV with missing", totalVariation([]float64{0, 0, 1, nan}, []float64{0, 1, 1, 1}, 2), 0.5},
		{"Pearson exact", pearson([]float64{1, 2, 3, nan}, []float64{2, 4, 6, 0}), 1},
		{"Pearson anti", pearson([]float64{1, 2, 3}, []float64{3, 2, 1}), -1},
		{"Cramér's V copy", cramersV([]float64{0, 1, 2, 0, 1, 2}, []float64{2, 0, 1, 2, 0, 1}, 4, 4), 1},
		{"Cramér's V independent", cramersV([]float64{0, 0, 1, 1}, []float64{0, 1, 0, 1}, 3, 3), 0},
		{"η determined", corrRatio([]float64{1, 1, 5, 5}, []float64{0, 0, 1, 1}, 3), 1},
		{"η none", corrRatio([]float64{1, 5, 1, 5}, []float64{0, 0, 1, 1}, 3), 0},
		{"macro-F1 perfect", macroF1([]int{0, 1, 2}, []int{0, 1, 2}, 3), 1},
		{"macro-F1 half", macroF1([]int{0, 0, 1, 1}, []int{0, 0, 0, 0}, 2), (2.0/3 + 0) / 2},
		{"DCR", medianDCR([][]float64{{0, 0}, {3, 4}, {1, 0}}, [][]float64{{0, 0}}), 1},
	} {
		if math.Abs(tc.got-tc.want) > 1e-12 {
			t.Errorf("%s = %.6f, want %.6f", tc.name, tc.got, tc.want)
		}
	}
}

func TestLogisticSeparates(t *testing.T) {
	x := [][]float64{{-2}, {-1}, {-0.5}, {0.5}, {1}, {2}}
	y := []int{0, 0, 0, 1, 1, 1}
	m := fitLogistic(x, y, 2)
	for i := range x {
		if got := m.predict(x[i]); got != y[i] {
			t.Errorf("predict(%v) = %d, want %d", x[i], got, y[i])
		}
	}
}

func TestCopulaKeepsCorrelation(t *testing.T) {
	_, f := load(t, "wine.csv", &Config{Target: "class"})
	c, err := NewCopula(f, 1)
	if err != nil {
		t.Fatal(err)
	}
	syn, err := c.Sample(2000, 2)
	if err != nil {
		t.Fatal(err)
	}
	ind, _ := Independent{Train: f}.Sample(2000, 2)
	dc, di := CorrDiff(f, syn), CorrDiff(f, ind)
	if dc >= di/2 {
		t.Errorf("correlation difference: copula %.3f, independent %.3f; want copula < half", dc, di)
	}
}
