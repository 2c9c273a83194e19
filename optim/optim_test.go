package optim_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// param makes a parameter with the given values and gradient.
func param(name string, value, grad []float32) *nn.Param {
	p := nn.NewParam(name, tensor.FromData(append([]float32(nil), value...), len(value)))
	if grad != nil {
		p.V.Grad = tensor.FromData(append([]float32(nil), grad...), len(grad))
	}
	return p
}

func setGrad(p *nn.Param, grad ...float32) { p.V.GradBuf().CopyFrom(tensor.FromData(grad, len(grad))) }

func near(got float32, want, rel float64) bool {
	return math.Abs(float64(got)-want) <= rel*math.Max(1, math.Abs(want))
}

func TestSGDMomentumKnownSteps(t *testing.T) {
	// lr 0.1, momentum 0.9, weight decay 0.1; the same gradient twice.
	// p=1,  ∇=0.5:  g=0.6,    buf=0.6,               p=1−0.06=0.94
	//               g=0.594,  buf=0.9·0.6+0.594=1.134, p=0.94−0.1134=0.8266
	// p=−2, ∇=0.25: g=0.05,   buf=0.05,              p=−2.005
	//               g=0.0495, buf=0.045+0.0495=0.0945, p=−2.005−0.00945=−2.01445
	p := param("w", []float32{1, -2}, []float32{0.5, 0.25})
	opt := optim.NewSGD([]*nn.Param{p}, 0.1, 0.9, 0.1)
	want := [][]float64{{0.94, -2.005}, {0.8266, -2.01445}}
	for step, w := range want {
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if got := p.V.Value.Data[i]; !near(got, w[i], 1e-6) {
				t.Errorf("step %d: p[%d] = %.7f, want %.7f", step, i, got, w[i])
			}
		}
	}
}

func TestSGDPlainKnownStep(t *testing.T) {
	// No momentum, no decay: p = p − lr·∇ = 3 − 0.5·2 = 2.
	p := param("w", []float32{3}, []float32{2})
	if err := optim.NewSGD([]*nn.Param{p}, 0.5, 0, 0).Step(); err != nil {
		t.Fatal(err)
	}
	if got := p.V.Value.Data[0]; got != 2 {
		t.Errorf("p = %v, want 2", got)
	}
}

// adamRef is Adam/AdamW written from the formulas in float64.
type adamRef struct {
	lr, b1, b2, eps, wd float64
	decoupled           bool
	p, m, v             []float64
	t                   int
}

func (r *adamRef) step(grad []float32) {
	r.t++
	bc1 := 1 - math.Pow(r.b1, float64(r.t))
	bc2 := 1 - math.Pow(r.b2, float64(r.t))
	for i := range r.p {
		g := float64(grad[i])
		if r.decoupled {
			r.p[i] *= 1 - r.lr*r.wd
		} else {
			g += r.wd * r.p[i]
		}
		r.m[i] = r.b1*r.m[i] + (1-r.b1)*g
		r.v[i] = r.b2*r.v[i] + (1-r.b2)*g*g
		mHat, vHat := r.m[i]/bc1, r.v[i]/bc2
		r.p[i] -= r.lr * mHat / (math.Sqrt(vHat) + r.eps)
	}
}

func TestAdamFirstStepIsLR(t *testing.T) {
	// m̂ = ∇ and v̂ = ∇² on the first step, so p moves by lr·∇/(|∇|+ε):
	// 1 − 0.1·0.5/(0.5+1e-8) = 0.900000002.
	p := param("w", []float32{1}, []float32{0.5})
	if err := optim.NewAdam([]*nn.Param{p}, 0.1, 0.9, 0.999, 1e-8, 0).Step(); err != nil {
		t.Fatal(err)
	}
	if got := p.V.Value.Data[0]; !near(got, 0.900000002, 1e-7) {
		t.Errorf("p = %.9f, want 0.900000002", got)
	}
}

func TestAdamKnownSteps(t *testing.T) {
	grads := [][]float32{{0.5, -1, 0.001}, {-0.25, -0.5, 0.002}, {0.125, 2, -0.003}, {1, 0, 0}}
	for _, tc := range []struct {
		name      string
		wd        float64
		decoupled bool
	}{{"Adam", 0, false}, {"Adam-L2", 0.1, false}, {"AdamW", 0.1, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := param("w", []float32{1, -2, 0.5}, nil)
			var opt *optim.Adam
			if tc.decoupled {
				opt = optim.NewAdamW([]*nn.Param{p}, 0.05, 0.9, 0.999, 1e-8, tc.wd)
			} else {
				opt = optim.NewAdam([]*nn.Param{p}, 0.05, 0.9, 0.999, 1e-8, tc.wd)
			}
			ref := &adamRef{lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: tc.wd, decoupled: tc.decoupled,
				p: []float64{1, -2, 0.5}, m: make([]float64, 3), v: make([]float64, 3)}
			for step, g := range grads {
				setGrad(p, g...)
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
				ref.step(g)
				for i, want := range ref.p {
					if got := p.V.Value.Data[i]; !near(got, want, 2e-6) {
						t.Errorf("step %d: p[%d] = %.8f, want %.8f", step, i, got, want)
					}
				}
			}
		})
	}
}

func TestAdamWLargeTensorMatchesFormula(t *testing.T) {
	// Big enough to be split over the worker pool.
	const n = 50000
	rng := tensor.NewRNG(3)
	p := nn.NewParam("w", rng.Randn(n))
	ref := &adamRef{lr: 1e-3, b1: 0.9, b2: 0.99, eps: 1e-8, wd: 0.01, decoupled: true,
		p: make([]float64, n), m: make([]float64, n), v: make([]float64, n)}
	for i, v := range p.V.Value.Data {
		ref.p[i] = float64(v)
	}
	opt := optim.NewAdamW([]*nn.Param{p}, 1e-3, 0.9, 0.99, 1e-8, 0.01)
	for range 3 {
		g := rng.Randn(n)
		p.V.Grad = g
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
		ref.step(g.Data)
	}
	for i, want := range ref.p {
		if got := p.V.Value.Data[i]; !near(got, want, 1e-5) {
			t.Fatalf("p[%d] = %.8f, want %.8f", i, got, want)
		}
	}
}

func TestOptimisersMinimiseQuadratic(t *testing.T) {
	// f(p) = Σ (p − c)², ∇ = 2(p − c); each optimiser must reach c.
	c := []float32{3, -1, 0.5, 2}
	for _, tc := range []struct {
		name string
		make func([]*nn.Param) optim.Optimizer
	}{
		{"SGD", func(ps []*nn.Param) optim.Optimizer { return optim.NewSGD(ps, 0.1, 0, 0) }},
		{"SGD-momentum", func(ps []*nn.Param) optim.Optimizer { return optim.NewSGD(ps, 0.05, 0.9, 0) }},
		{"Adam", func(ps []*nn.Param) optim.Optimizer { return optim.NewAdam(ps, 0.05, 0.9, 0.999, 1e-8, 0) }},
		{"AdamW", func(ps []*nn.Param) optim.Optimizer { return optim.NewAdamW(ps, 0.05, 0.9, 0.999, 1e-8, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := param("w", make([]float32, len(c)), nil)
			opt := tc.make([]*nn.Param{p})
			for range 2000 {
				opt.ZeroGrad()
				g := p.V.GradBuf().Data
				for i := range g {
					g[i] = 2 * (p.V.Value.Data[i] - c[i])
				}
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
			}
			for i := range c {
				if got := p.V.Value.Data[i]; math.Abs(float64(got-c[i])) > 1e-3 {
					t.Errorf("p[%d] = %v, want %v", i, got, c[i])
				}
			}
		})
	}
}

func TestStepRefusesNonFiniteGradient(t *testing.T) {
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
		a := param("a", []float32{1, 2}, []float32{0.1, 0.2})
		b := param("b", []float32{3}, []float32{bad})
		ps := []*nn.Param{a, b}
		for _, opt := range []optim.Optimizer{
			optim.NewSGD(ps, 0.1, 0.9, 0), optim.NewAdam(ps, 0.1, 0.9, 0.999, 1e-8, 0), optim.NewAdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.1),
		} {
			err := opt.Step()
			if !errors.Is(err, autograd.ErrNonFinite) || !strings.Contains(err.Error(), `"b"`) {
				t.Errorf("Step with gradient %v: err = %v, want ErrNonFinite naming \"b\"", bad, err)
			}
			if a.V.Value.Data[0] != 1 || a.V.Value.Data[1] != 2 || b.V.Value.Data[0] != 3 {
				t.Errorf("Step with gradient %v changed parameters: %v %v", bad, a.V.Value.Data, b.V.Value.Data)
			}
			if n := len(opt.State().Tensors); n != 0 {
				t.Errorf("Step with gradient %v left %d state tensors", bad, n)
			}
		}
	}
}

func TestStepSkipsParamsWithoutGradient(t *testing.T) {
	a := param("a", []float32{1}, []float32{1})
	b := param("b", []float32{5}, nil)
	opt := optim.NewAdam([]*nn.Param{a, b}, 0.1, 0.9, 0.999, 1e-8, 0.5)
	if err := opt.Step(); err != nil {
		t.Fatal(err)
	}
	if b.V.Value.Data[0] != 5 {
		t.Errorf("parameter without gradient moved to %v", b.V.Value.Data[0])
	}
	if _, ok := opt.State().Scalars["adam.step.b"]; ok {
		t.Error("state has a step count for a parameter that never stepped")
	}
}

func TestSetLR(t *testing.T) {
	opt := optim.NewSGD(nil, 0.1, 0, 0)
	opt.SetLR(0.25)
	if opt.LR() != 0.25 {
		t.Errorf("LR() = %v, want 0.25", opt.LR())
	}
}

// TestAdamStepMatchesElementLoop steps parameters of awkward sizes, some
// larger than one worker's share and some without a gradient, and checks
// every value and moment to the bit against the update written out in
// float32 for one element at a time (kernels.AdamW's defining loop, and
// torch's lerp for Adam), as each parameter stepped alone computed it.
func TestAdamStepMatchesElementLoop(t *testing.T) {
	sizes := []int{3, 70001, 1, 0, 9216, 40000, 17}
	for _, tc := range []struct {
		name      string
		wd        float64
		decoupled bool
	}{{"AdamW", 0.01, true}, {"Adam-L2", 0.1, false}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := tensor.NewRNG(11)
			var ps []*nn.Param
			var p, m, v [][]float32
			for i, n := range sizes {
				ps = append(ps, nn.NewParam(fmt.Sprintf("p%d", i), rng.Randn(n)))
				p = append(p, append([]float32(nil), ps[i].V.Value.Data...))
				m, v = append(m, make([]float32, n)), append(v, make([]float32, n))
			}
			const lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
			var opt *optim.Adam
			if tc.decoupled {
				opt = optim.NewAdamW(ps, lr, b1, b2, eps, tc.wd)
			} else {
				opt = optim.NewAdam(ps, lr, b1, b2, eps, tc.wd)
			}
			for step := 1; step <= 3; step++ {
				for i, q := range ps {
					q.V.Grad = nil
					if i != 2 || step == 2 { // p2 steps only once
						q.V.Grad = rng.Randn(sizes[i])
					}
				}
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
				for i, q := range ps {
					if q.V.Grad == nil {
						continue
					}
					steps := step
					if i == 2 {
						steps = 1
					}
					stepSize := float32(lr / (1 - math.Pow(b1, float64(steps))))
					bc2 := float32(math.Sqrt(1 - math.Pow(b2, float64(steps))))
					decay, l2 := float32(1), float32(tc.wd)
					if tc.decoupled {
						decay, l2 = float32(1-lr*tc.wd), 0
					}
					w1, w2 := float32(1-b1), float32(1-b2)
					for j, g := range q.V.Grad.Data {
						pj := float32(p[i][j] * decay)
						g = float32(g + float32(l2*p[i][j]))
						mj := float32(m[i][j] + float32(w1*float32(g-m[i][j])))
						vj := float32(float32(v[i][j]*float32(b2)) + float32(float32(w2*g)*g))
						denom := float32(float32(float32(math.Sqrt(float64(vj)))/bc2) + float32(eps))
						p[i][j] = float32(pj + float32(-stepSize*float32(mj/denom)))
						m[i][j], v[i][j] = mj, vj
					}
				}
				for i, q := range ps {
					for j, want := range p[i] {
						if got := q.V.Value.Data[j]; math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("step %d: %s[%d] = %v, want %v", step, q.Name, j, got, want)
						}
					}
				}
			}
			s := opt.State()
			for i, q := range ps {
				if sizes[i] == 0 {
					continue
				}
				for j := range m[i] {
					gm, gv := s.Tensors["adam.m."+q.Name].Data[j], s.Tensors["adam.v."+q.Name].Data[j]
					if math.Float32bits(gm) != math.Float32bits(m[i][j]) || math.Float32bits(gv) != math.Float32bits(v[i][j]) {
						t.Fatalf("%s: m[%d], v[%d] = %v, %v, want %v, %v", q.Name, j, j, gm, gv, m[i][j], v[i][j])
					}
				}
			}
		})
	}
}

// TestStepNamesFirstNonFiniteParameter puts non-finite values deep in two
// large gradients (past the first worker's share) and checks that the
// error names the first of them and that nothing moved.
func TestStepNamesFirstNonFiniteParameter(t *testing.T) {
	rng := tensor.NewRNG(4)
	var ps []*nn.Param
	for i, n := range []int{100, 60000, 5, 80000} {
		q := nn.NewParam(fmt.Sprintf("p%d", i), rng.Randn(n))
		q.V.Grad = rng.Randn(n)
		ps = append(ps, q)
	}
	ps[1].V.Grad.Data[59999] = float32(math.Inf(-1))
	ps[3].V.Grad.Data[70000] = float32(math.NaN())
	before := ps[0].V.Value.Clone()
	err := optim.NewAdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.1).Step()
	if !errors.Is(err, autograd.ErrNonFinite) || !strings.Contains(err.Error(), `"p1"`) {
		t.Fatalf("err = %v, want ErrNonFinite naming \"p1\"", err)
	}
	if !tensor.SameShape(before.Shape, ps[0].V.Value.Shape) || before.Data[0] != ps[0].V.Value.Data[0] {
		t.Errorf("a refused step moved p0")
	}
}

// TestStepNamesFirstBadParameter: the error names the first parameter
// whose gradient is non-finite or of the wrong length, whichever
// comes first in the list, for both optimisers.
func TestStepNamesFirstBadParameter(t *testing.T) {
	for _, nanFirst := range []bool{true, false} {
		rng := tensor.NewRNG(6)
		var ps []*nn.Param
		for i := range 3 {
			q := nn.NewParam(fmt.Sprintf("p%d", i), rng.Randn(50))
			q.V.Grad = rng.Randn(50)
			ps = append(ps, q)
		}
		nan, short := ps[1], ps[2]
		if !nanFirst {
			nan, short = short, nan
		}
		nan.V.Grad.Data[7] = float32(math.NaN())
		short.V.Grad = rng.Randn(49)
		first := ps[1]
		for _, opt := range []optim.Optimizer{optim.NewAdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.1), optim.NewSGD(ps, 0.1, 0.9, 0)} {
			err := opt.Step()
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", first.Name)) || errors.Is(err, autograd.ErrNonFinite) != nanFirst {
				t.Errorf("NaN first %v: err = %v, want one naming %q", nanFirst, err, first.Name)
			}
		}
	}
}

// TestAdamRefusesSharedParameters: a parameter listed twice (or two
// sharing one tensor) makes Step return an error and change nothing,
// since its one parallel loop would update that data from two workers.
func TestAdamRefusesSharedParameters(t *testing.T) {
	rng := tensor.NewRNG(7)
	p := nn.NewParam("p", rng.Randn(40000))
	q := nn.NewParam("q", rng.Randn(3))
	alias := nn.NewParam("alias", p.V.Value)
	for _, ps := range [][]*nn.Param{{p, q, p}, {p, alias}} {
		p.V.Grad, q.V.Grad, alias.V.Grad = rng.Randn(40000), rng.Randn(3), rng.Randn(40000)
		before := p.V.Value.Clone()
		err := optim.NewAdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.1).Step()
		if err == nil || !strings.Contains(err.Error(), "share") {
			t.Errorf("%d parameters, one shared: err = %v, want one saying they share their data", len(ps), err)
		}
		if !slices.Equal(before.Data, p.V.Value.Data) {
			t.Errorf("%d parameters, one shared: a refused step moved p", len(ps))
		}
	}
	if err := optim.NewAdam([]*nn.Param{p, q}, 0.1, 0.9, 0.999, 1e-8, 0).Step(); err != nil {
		t.Errorf("distinct parameters: %v", err)
	}
}
