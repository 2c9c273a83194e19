package tabular

import (
	"strconv"
	"testing"

	"github.com/diffusego/diffusego/data"
)

// The exported classifier separates two classes that one number splits,
// and its probabilities sum to one.
func TestClassifierSeparates(t *testing.T) {
	tb := &data.Table{File: "t", Columns: []string{"x", "y"}}
	for i := range 40 {
		x, y := float64(i), "low"
		if i >= 20 {
			y = "high"
		}
		tb.Rows = append(tb.Rows, []string{strconv.FormatFloat(x, 'g', -1, 64), y})
		tb.Missing = append(tb.Missing, []bool{false, false})
		tb.Lines = append(tb.Lines, i+2)
	}
	s, err := Infer(tb, &Config{Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(tb, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	target := s.Index("y")
	c := FitClassifier(f, f, target)
	pred, truth := c.Predict(f), Labels(f, target)
	wrong := 0
	for i := range pred {
		if pred[i] != truth[i] {
			wrong++
		}
	}
	if wrong > 2 {
		t.Errorf("%d of 40 rows misclassified", wrong)
	}
	for _, p := range c.Proba(f) {
		if s := p[0] + p[1]; s < 0.999999 || s > 1.000001 {
			t.Fatalf("probabilities %v sum to %v", p, s)
		}
	}
}
