package metrics

import (
	"fmt"
	"math"
	"testing"
)

func TestAUROCHandCases(t *testing.T) {
	cases := []struct {
		name   string
		scores []float64
		pos    []bool
		want   float64
	}{
		{"perfect", []float64{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 1},
		{"reversed", []float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},
		{"all tied", []float64{3, 3, 3, 3, 3}, []bool{true, false, true, false, false}, 0.5},
		// pos {1, 2}, neg {2, 0}: pairs (1,2)=0 (1,0)=1 (2,2)=½ (2,0)=1 → 2.5/4.
		{"ties across classes", []float64{1, 2, 2, 0}, []bool{true, true, false, false}, 0.625},
		// pos {3}, neg {1, 2, 4}: above two of three.
		{"one positive", []float64{1, 3, 2, 4}, []bool{false, true, false, false}, 2.0 / 3},
	}
	for _, c := range cases {
		got, err := AUROC(c.scores, c.pos)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: AUROC = %.6f, want %.6f", c.name, got, c.want)
		}
	}
}

func TestAUROCGolden(t *testing.T) {
	g := readGolden(t).AUROC
	got, err := AUROC(g.Scores, g.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-g.AUROC) > 1e-12 {
		t.Errorf("AUROC = %.15f, brute-force numpy %.15f", got, g.AUROC)
	}
}

func TestAUROCErrors(t *testing.T) {
	cases := []struct {
		name   string
		scores []float64
		pos    []bool
	}{
		{"lengths differ", []float64{1, 2}, []bool{true}},
		{"no negatives", []float64{1, 2}, []bool{true, true}},
		{"no positives", []float64{1, 2}, []bool{false, false}},
		{"NaN score", []float64{1, math.NaN()}, []bool{true, false}},
		{"empty", nil, nil},
	}
	for _, c := range cases {
		if _, err := AUROC(c.scores, c.pos); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func ExampleAUROC() {
	scores := []float64{0.1, 0.4, 0.35, 0.8} // anomaly scores
	anomalous := []bool{false, false, true, true}
	auc, _ := AUROC(scores, anomalous)
	fmt.Printf("%.2f\n", auc)
	// Output: 0.75
}
