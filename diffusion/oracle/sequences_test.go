package oracle

import (
	"math"
	"strings"
	"testing"
)

// The exact denoiser's marginals, by hand: sequences 00 (0.5), 01 (0.3),
// 11 (0.2) over V = 2, mask 2. With nothing unmasked, position 0 is 0 with
// probability 0.8; given x1 = 1, x0 is 0 with 0.3/0.5; unmasked positions
// get probability 1 on their token.
func TestSequencesLogitsByHand(t *testing.T) {
	s, err := NewSequences(2, 2, []float64{0.5, 0.3, 0, 0.2})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Logits([]int{2, 2, 2, 1, 1, 2}, 3, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{
		0.8, 0.2, 0.5, 0.5, // z = (m, m)
		0.6, 0.4, 0, 1, // z = (m, 1)
		0, 1, 0, 1, // z = (1, m): only 11
	}
	for k, w := range want {
		if p := math.Exp(float64(got[k])); math.Abs(p-w) > 1e-6 {
			t.Errorf("marginal %d = %.6f, want %.6f", k, p, w)
		}
	}
	if got := s.CondLogProb([]int{0, 1}, []bool{false, true}); math.Abs(got-math.Log(0.6)) > 1e-12 {
		t.Errorf("CondLogProb(x0=0 | x1=1) = %v, want log 0.6", got)
	}
	if _, err := s.Logits([]int{1, 0}, 1, 2, nil); err == nil || !strings.Contains(err.Error(), "no sequence") {
		t.Errorf("z = (1, 0) of probability 0: error %v", err)
	}
}

func TestNewSequencesErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		v, l  int
		probs []float64
		want  string
	}{
		{"count", 2, 2, []float64{1}, "want V^L = 4"},
		{"sum", 2, 1, []float64{0.5, 0.4}, "sum to"},
		{"negative", 2, 1, []float64{1.5, -0.5}, "probs[1]"},
		{"too many", 10, 7, nil, "at most"},
	} {
		if _, err := NewSequences(c.v, c.l, c.probs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
