package optim

import (
	"errors"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func param(name string, vals ...float32) *nn.Param {
	return nn.NewParam(name, tensor.FromData(append([]float32(nil), vals...), len(vals)))
}

func setGrad(p *nn.Param, vals ...float32) {
	p.V.Grad = tensor.FromData(append([]float32(nil), vals...), len(vals))
}

func near(t *testing.T, what string, got float32, want float64) {
	t.Helper()
	if math.Abs(float64(got)-want) > 1e-6*(1+math.Abs(want)) {
		t.Errorf("%s = %.9g, want %.9g", what, got, want)
	}
}

// TestAdamWKnownSteps checks two AdamW steps against the update written
// out in float64 from the formulas of torch.optim.AdamW.
func TestAdamWKnownSteps(t *testing.T) {
	p := param("w", 1.0, -2.0)
	o := NewAdamW([]*nn.Param{p}, 0.1, 0.9, 0.999, 1e-8, 0.01)
	w := []float64{1, -2}
	m, v := []float64{0, 0}, []float64{0, 0}
	grads := [][]float64{{0.5, -1.5}, {-0.25, 2}}
	for step, g := range grads {
		setGrad(p, float32(g[0]), float32(g[1]))
		if err := o.Step(); err != nil {
			t.Fatal(err)
		}
		n := float64(step + 1)
		for j := range w {
			w[j] *= 1 - 0.1*0.01
			m[j] = 0.9*m[j] + 0.1*g[j]
			v[j] = 0.999*v[j] + 0.001*g[j]*g[j]
			den := math.Sqrt(v[j])/math.Sqrt(1-math.Pow(0.999, n)) + 1e-8
			w[j] -= 0.1 / (1 - math.Pow(0.9, n)) * m[j] / den
			near(t, "AdamW weight", p.V.Value.Data[j], w[j])
		}
	}
}

func TestAdamL2AndSGDMomentumKnownSteps(t *testing.T) {
	p := param("w", 2.0)
	o := NewAdam([]*nn.Param{p}, 0.01, 0.9, 0.999, 1e-8, 0.1)
	setGrad(p, 1)
	_ = o.Step()
	// g = 1 + 0.1·2 = 1.2; first Adam step moves by lr·sign(g) (up to eps)
	near(t, "Adam weight", p.V.Value.Data[0], 2-0.01*1.2/(1.2+1e-8))

	q := param("w", 1.0)
	s := NewSGD([]*nn.Param{q}, 0.1, 0.9, 0)
	for _, want := range []float64{1 - 0.1*0.5, 1 - 0.1*0.5 - 0.1*(0.9*0.5+0.5)} {
		setGrad(q, 0.5)
		_ = s.Step()
		near(t, "SGD weight", q.V.Value.Data[0], want)
	}
}

func TestAdamMinimisesQuadratic(t *testing.T) {
	p := param("w", 3, -4, 5)
	o := NewAdam([]*nn.Param{p}, 0.05, 0.9, 0.999, 1e-8, 0)
	for i := 0; i < 2000; i++ {
		g := autograd.New()
		loss := g.Sum(g.Mul(p.V, p.V), nil, false)
		o.ZeroGrad()
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		_ = o.Step()
	}
	for _, v := range p.V.Value.Data {
		if math.Abs(float64(v)) > 1e-2 {
			t.Fatalf("Adam on Σw²: w = %v, want ≈ 0", p.V.Value.Data)
		}
	}
}

func TestStepRefusesNonFiniteGradient(t *testing.T) {
	p := param("w", 1, 2)
	for _, o := range []Optimizer{NewAdamW([]*nn.Param{p}, 0.1, 0.9, 0.999, 1e-8, 0.01), NewSGD([]*nn.Param{p}, 0.1, 0.9, 0)} {
		setGrad(p, 1, float32(math.Inf(1)))
		if err := o.Step(); !errors.Is(err, autograd.ErrNonFinite) {
			t.Fatalf("Step with an Inf gradient: err = %v, want ErrNonFinite", err)
		}
		if p.V.Value.Data[0] != 1 || p.V.Value.Data[1] != 2 {
			t.Fatalf("Step with an Inf gradient changed the weights to %v", p.V.Value.Data)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	a, b := param("a", 0, 0), param("b", 0)
	setGrad(a, 3, 0)
	setGrad(b, 4)
	total := ClipGradNorm([]*nn.Param{a, b}, 1)
	if total != 5 {
		t.Fatalf("norm before clipping = %g, want 5", total)
	}
	after := math.Sqrt(float64(a.V.Grad.Data[0]*a.V.Grad.Data[0] + b.V.Grad.Data[0]*b.V.Grad.Data[0]))
	if math.Abs(after-1) > 1e-5 {
		t.Fatalf("norm after clipping = %g, want 1", after)
	}
}

func TestSchedules(t *testing.T) {
	cases := []struct {
		s    Schedule
		step int
		want float64
	}{
		{Constant{0.1}, 50, 0.1},
		{LinearWarmup{Base: 1, Warmup: 4}, 0, 0.25},
		{LinearWarmup{Base: 1, Warmup: 4}, 3, 1},
		{WarmupCosine{Base: 1, Floor: 0, Warmup: 0, Total: 100}, 50, 0.5},
		{WarmupCosine{Base: 1, Floor: 0.1, Warmup: 10, Total: 110}, 110, 0.1},
	}
	for _, c := range cases {
		if got := c.s.LR(c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%T%+v.LR(%d) = %g, want %g", c.s, c.s, c.step, got, c.want)
		}
	}
	if _, err := ParseSchedule("linear-ish", 1, 0, 0, 0); err == nil {
		t.Error("ParseSchedule accepted an unknown name")
	}
}

// TestExactResume runs 6 AdamW steps straight, and 3 steps then a fresh
// optimiser loaded from the saved state for 3 more: the weights must be
// bit-identical.
func TestExactResume(t *testing.T) {
	grads := func(i int) []float32 { return []float32{float32(i) * 0.3, -1 + float32(i)*0.1} }
	run := func(split bool) []float32 {
		p := param("w", 0.5, -0.5)
		ps := []*nn.Param{p}
		var o Optimizer = NewAdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.01)
		ema := NewEMA(ps, 0.99, true)
		for i := 0; i < 6; i++ {
			if split && i == 3 {
				st, est := o.State(), ema.State()
				o = NewAdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.01)
				ema = NewEMA(ps, 0.99, true)
				if err := o.LoadState(st); err != nil {
					t.Fatal(err)
				}
				if err := ema.LoadState(est); err != nil {
					t.Fatal(err)
				}
			}
			setGrad(p, grads(i)...)
			_ = o.Step()
			ema.Update()
		}
		return append(append([]float32(nil), p.V.Value.Data...), ema.Shadow(0).Data...)
	}
	a, b := run(false), run(true)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("resumed run differs: %v vs %v", b, a)
		}
	}
}

func TestEMA(t *testing.T) {
	p := param("w", 0)
	e := NewEMA([]*nn.Param{p}, 0.5, false)
	p.V.Value.Data[0] = 1
	e.Update() // 0.5·0 + 0.5·1
	e.Update() // 0.5·0.5 + 0.5·1
	near(t, "EMA", e.Shadow(0).Data[0], 0.75)
	e.Swap()
	near(t, "swapped weight", p.V.Value.Data[0], 0.75)
	e.Swap()
	near(t, "restored weight", p.V.Value.Data[0], 1)
}
