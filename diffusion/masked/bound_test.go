package masked

import (
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// (b) With the exact denoiser the NELBO is tight: its estimate equals
// −log p(x)/L within Monte-Carlo error (4 standard errors), for three
// likely sequences and a rare one, under the linear and the cosine
// schedule (the integral does not depend on the schedule). Held-clean
// positions give −log p(gap | kept)/|gap|. A uniform denoiser is the exact
// denoiser of the uniform distribution: its bound is log V.
// Time budget: about 0.2 s.
func TestNLLBoundIsTightForExactDenoiser(t *testing.T) {
	dist := testDist(t)
	x0 := []int{0, 1, 2, 0, 1, 1, 0, 2, 2, 0, 1, 1, 2, 2, 1, 0} // (B=4, L=4); the last is rare
	const b, l, draws = 4, 4, 5000
	for _, sch := range []Schedule{Linear{}, Cosine{}} {
		p := Process{V: 3, Schedule: sch}
		got, err := p.NLLBound(dist, x0, b, l, draws, tensor.NewRNG(7))
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for i := range b {
			nll := -dist.LogProb(x0[i*l:(i+1)*l]) / l
			want += nll / b
			if d := got.PerSeq[i] - nll; math.Abs(d) > 0.05*nll+0.02 {
				t.Errorf("%T row %d: bound %.4f nats/token, want −log p(x)/L = %.4f", sch, i, got.PerSeq[i], nll)
			}
		}
		t.Logf("%T: bound %.5f ± %.5f nats/token, exact %.5f (%.4f bits)", sch, got.Nats, got.StdErr, want, BitsPerChar(got.Nats))
		if math.Abs(got.Nats-want) > 4*got.StdErr || got.StdErr > 0.02 {
			t.Errorf("%T: bound %.5f ± %.5f, want %.5f", sch, got.Nats, got.StdErr, want)
		}
		if got.Tokens != b*l {
			t.Errorf("Tokens = %d, want %d", got.Tokens, b*l)
		}
	}

	keep := []bool{true, false, false, true}
	p := Process{V: 3}
	got, err := p.NLLBoundInfill(dist, x0, keep, b, l, draws, tensor.NewRNG(8))
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := range b {
		want += -dist.CondLogProb(x0[i*l:(i+1)*l], keep) / 2 / b
	}
	t.Logf("infill: bound %.5f ± %.5f nats/gap token, exact %.5f", got.Nats, got.StdErr, want)
	if math.Abs(got.Nats-want) > 4*got.StdErr || got.Tokens != 8 {
		t.Errorf("infill: bound %.5f ± %.5f over %d tokens, want %.5f over 8", got.Nats, got.StdErr, got.Tokens, want)
	}

	uni := fixedLogits{v: 3, p: []float64{1, 1, 1}}
	got, err = p.NLLBound(uni, x0, b, l, draws, tensor.NewRNG(9))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Nats-math.Log(3)) > 4*got.StdErr {
		t.Errorf("uniform denoiser: bound %.5f ± %.5f, want log 3 = %.5f", got.Nats, got.StdErr, math.Log(3))
	}
}

// The bound's estimate is seeded, and held positions are never masked.
func TestNLLBoundInfillMasksOnlyGaps(t *testing.T) {
	seen := &maskSpy{v: 3}
	keep := []bool{true, false, true, false, false, true} // (B=2, L=3), per token
	x0 := []int{0, 1, 2, 2, 1, 0}
	p := Process{V: 3}
	a, err := p.NLLBoundInfill(seen, x0, keep, 2, 3, 50, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range seen.masked {
		if keep[k] && n > 0 {
			t.Errorf("kept position %d masked %d times", k, n)
		}
		if !keep[k] && n == 0 {
			t.Errorf("gap position %d never masked in 50 draws", k)
		}
	}
	c, _ := p.NLLBoundInfill(&maskSpy{v: 3}, x0, keep, 2, 3, 50, tensor.NewRNG(1))
	if a.Nats != c.Nats || a.Tokens != 3 {
		t.Errorf("same seed: %v and %v nats; tokens %d, want 3", a.Nats, c.Nats, a.Tokens)
	}
}

// maskSpy counts how often each position arrives masked; its logits are uniform.
type maskSpy struct {
	v      int
	masked []int
}

func (m *maskSpy) Logits(z []int, b, l int, _ []float64) ([]float32, error) {
	if m.masked == nil {
		m.masked = make([]int, len(z))
	}
	for k, id := range z {
		if id == m.v {
			m.masked[k]++
		}
	}
	return make([]float32, b*l*m.v), nil
}

func TestNLLBoundErrors(t *testing.T) {
	p := Process{V: 3}
	dist := testDist(t)
	rng := tensor.NewRNG(1)
	x0 := []int{0, 1, 2, 0}
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"draws 0", func() error { _, err := p.NLLBound(dist, x0, 1, 4, 0, rng); return err }, "draws = 0"},
		{"mask in x0", func() error { _, err := p.NLLBound(dist, []int{0, 3, 0, 0}, 1, 4, 1, rng); return err }, "x0[0, 1] = 3"},
		{"keep size", func() error { _, err := p.NLLBoundInfill(dist, x0, []bool{true}, 1, 4, 1, rng); return err }, "keep"},
		{"all kept", func() error {
			_, err := p.NLLBoundInfill(dist, x0, []bool{true, true, true, true}, 1, 4, 1, rng)
			return err
		}, "nothing to score"},
		{"denoiser error", func() error { _, err := p.NLLBound(failing{}, x0, 1, 4, 1, rng); return err }, "out of memory"},
		{"denoiser panics", func() error { _, err := p.NLLBound(failing{panics: true}, x0, 1, 4, 1, rng); return err }, "internal error"},
	} {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
