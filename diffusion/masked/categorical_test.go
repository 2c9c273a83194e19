package masked

import (
	"math"
	"testing"
)

func logits32(p ...float64) []float32 {
	out := make([]float32, len(p))
	for k, x := range p {
		out[k] = float32(math.Log(x))
	}
	return out
}

// (d) The nucleus on the hand-computed distribution (0.05, 0.5, 0.15, 0.3):
// top-p 0.9 keeps {0.5, 0.3, 0.15} (0.8 < 0.9 ≤ 0.95) renormalised by 0.95,
// top-p 0.5 keeps the mode alone, top-p 0.6 the two largest.
func TestTopPKeepsExactlyTheNucleus(t *testing.T) {
	l := logits32(0.05, 0.5, 0.15, 0.3)
	for _, c := range []struct {
		topP float64
		want []float64
	}{
		{0, []float64{0.05, 0.5, 0.15, 0.3}},
		{1, []float64{0.05, 0.5, 0.15, 0.3}},
		{0.9, []float64{0, 0.5 / 0.95, 0.15 / 0.95, 0.3 / 0.95}},
		{0.5, []float64{0, 1, 0, 0}},
		{0.4, []float64{0, 1, 0, 0}},
		{0.6, []float64{0, 0.5 / 0.8, 0, 0.3 / 0.8}},
		{0.99, []float64{0.05, 0.5, 0.15, 0.3}},
	} {
		got, err := newCategorical(4, 1, c.topP).probs(l)
		if err != nil {
			t.Fatal(err)
		}
		for k := range got {
			if math.Abs(got[k]-c.want[k]) > 1e-6 {
				t.Errorf("top-p %v: p = %.6f, want %.6f", c.topP, got, c.want)
				break
			}
		}
	}
}

// (d) Temperature T divides the logits: T = 2 gives p^(1/2) renormalised,
// and T → 0 puts all the mass on the argmax, even for logits of size 1e30
// (float64 with the maximum subtracted first).
func TestTemperature(t *testing.T) {
	l := logits32(0.1, 0.6, 0.3)
	got, _ := newCategorical(3, 2, 0).probs(l)
	s := math.Sqrt(0.1) + math.Sqrt(0.6) + math.Sqrt(0.3)
	for k, p := range []float64{0.1, 0.6, 0.3} {
		if want := math.Sqrt(p) / s; math.Abs(got[k]-want) > 1e-6 {
			t.Errorf("T=2: p[%d] = %.6f, want %.6f", k, got[k], want)
		}
	}
	for _, temp := range []float64{1e-4, 1e-12} { // (½)^(1/T) underflows to 0
		got, _ = newCategorical(3, temp, 0).probs(l)
		if got[1] != 1 || got[0] != 0 || got[2] != 0 {
			t.Errorf("T=%v: p = %v, want the argmax (0, 1, 0)", temp, got)
		}
	}
	got, _ = newCategorical(3, 1, 0).probs([]float32{1e30, 3e30, -1e30})
	if got[1] != 1 {
		t.Errorf("huge logits: p = %v, want (0, 1, 0)", got)
	}
}

func TestCategoricalRejectsNonFiniteLogits(t *testing.T) {
	c := newCategorical(2, 1, 0)
	for _, l := range [][]float32{{float32(math.NaN()), 0}, {float32(math.Inf(1)), 0}, {float32(math.Inf(-1)), float32(math.Inf(-1))}} {
		if _, err := c.probs(l); err == nil {
			t.Errorf("logits %v: no error", l)
		}
	}
	if p, err := c.probs([]float32{float32(math.Inf(-1)), 0}); err != nil || p[1] != 1 {
		t.Errorf("a -Inf logit: p = %v, %v; want (0, 1)", p, err)
	}
}

// draw is the inverse CDF and never returns a token of probability 0.
func TestDraw(t *testing.T) {
	p := []float64{0.25, 0, 0.5, 0.25, 0}
	for _, c := range []struct {
		u    float64
		want int
	}{{0, 0}, {0.2499, 0}, {0.25, 2}, {0.7499, 2}, {0.75, 3}, {0.9999999, 3}, {1, 3}} {
		if got := draw(p, c.u); got != c.want {
			t.Errorf("draw(u=%v) = %d, want %d", c.u, got, c.want)
		}
	}
}
