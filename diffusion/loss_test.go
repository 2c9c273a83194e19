package diffusion

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// TestLossKnownAnswers sets pred = target + c_i for item i, so that the
// loss is mean_i w_i·c_i² with w from LossWeights.
func TestLossKnownAnswers(t *testing.T) {
	ab := []float64{0.9, 0.5, 0.02}
	c := []float64{0.5, -1, 2}
	x0 := tensor.NewRNG(1).Randn(3, 2, 5)
	eps := tensor.NewRNG(2).Randn(3, 2, 5)
	for _, target := range []Target{Eps, X0, V} {
		for _, w := range []Weighting{Uniform, SNR, MinSNR} {
			t.Run(fmt.Sprintf("%s/%s", target, w), func(t *testing.T) {
				tgt := map[Target]*tensor.Tensor{Eps: eps, X0: x0, V: VTarget(x0, eps, ab)}[target]
				pred := tgt.Clone()
				for i := range 3 {
					for j := i * 10; j < (i+1)*10; j++ {
						pred.Data[j] += float32(c[i])
					}
				}
				got, err := Loss(autograd.NoGrad(), autograd.NewVar(pred), x0, eps, ab, target, w, 5)
				if err != nil {
					t.Fatal(err)
				}
				snr := []float64{9, 1, 0.02 / 0.98}
				wt, _ := LossWeights(w, target, 5, snr)
				want := 0.0
				for i := range 3 {
					want += wt[i] * c[i] * c[i] / 3
				}
				if math.Abs(float64(got.Value.Data[0])-want) > 1e-5*max(1, want) {
					t.Errorf("Loss = %.6f, want %.6f", got.Value.Data[0], want)
				}
			})
		}
	}
}

func TestLossGrad(t *testing.T) {
	ab := []float64{0.7, 0.1}
	x0 := gradcheck.Rand([]int{2, 3, 2}, 1)
	eps := gradcheck.Rand([]int{2, 3, 2}, 2)
	for _, target := range []Target{Eps, V} {
		t.Run(string(target), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, p *autograd.Var) *autograd.Var {
				l, err := Loss(g, p, x0, eps, ab, target, MinSNR, 5)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}, gradcheck.Rand([]int{2, 3, 2}, 3), gradcheck.Tol{Rel: 1e-3})
		})
	}
}

func TestLossRejects(t *testing.T) {
	x := tensor.New(2, 3)
	p := autograd.NewVar(tensor.New(2, 3))
	g := autograd.NoGrad()
	cases := map[string]func() error{
		"shape": func() error {
			_, err := Loss(g, autograd.NewVar(tensor.New(2, 4)), x, x, []float64{0.5, 0.5}, Eps, Uniform, 0)
			return err
		},
		"alphaBars": func() error { _, err := Loss(g, p, x, x, []float64{0.5}, Eps, Uniform, 0); return err },
		"alphaBar1": func() error { _, err := Loss(g, p, x, x, []float64{0.5, 1}, Eps, Uniform, 0); return err },
		"target":    func() error { _, err := Loss(g, p, x, x, []float64{0.5, 0.5}, "score", Uniform, 0); return err },
		"weighting": func() error { _, err := Loss(g, p, x, x, []float64{0.5, 0.5}, Eps, "p2", 0); return err },
	}
	for name, f := range cases {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// vlbCase is a batch with steps 0, 1, 37 and 99 of a 100-step schedule:
// x0 on the 8-bit grid, x̂0 = x0 + noise, x_t, and v in (−1, 1).
func vlbCase() (s schedule.Schedule, ts []int, x0, xt, x0Hat, v *tensor.Tensor) {
	s = schedule.NewLinear(100, 1e-3, 0.05)
	ts = []int{0, 1, 37, 99}
	rng := tensor.NewRNG(7)
	x0 = rng.Rand(-1, 1, 4, 6)
	for i, u := range x0.Data {
		x0.Data[i] = float32(math.Round((float64(u)+1)*127.5)/127.5 - 1)
	}
	x0.Data[0], x0.Data[1] = -1, 1 // the open-ended bins
	x0Hat = x0.Clone()
	for i := range x0Hat.Data {
		x0Hat.Data[i] += float32(0.02 * rng.Normal())
	}
	xt = rng.Randn(4, 6)
	v = rng.Rand(-0.9, 0.9, 4, 6)
	return
}

// TestVLBLossClosedForm recomputes every item of L_vlb in float64 from
// NormalKL (t > 0) and DiscretizedGaussianLogLik (t = 0).
func TestVLBLossClosedForm(t *testing.T) {
	s, ts, x0, xt, x0Hat, v := vlbCase()
	got, err := VLBLoss(autograd.NoGrad(), s, ts, x0, xt, x0Hat, autograd.NewVar(v))
	if err != nil {
		t.Fatal(err)
	}
	for i, ti := range ts {
		p := Posterior(s, ti)
		want := 0.0
		for j := i * 6; j < (i+1)*6; j++ {
			f := (float64(v.Data[j]) + 1) / 2
			logVar := f*math.Log(s.Beta(ti)) + (1-f)*p.LogVariance
			if ti == 0 {
				want -= DiscretizedGaussianLogLik(float64(x0.Data[j]), float64(x0Hat.Data[j]), logVar/2)
			} else {
				// the means: CoefX0·x0 + CoefXt·x_t and CoefX0·x̂0 + CoefXt·x_t
				mq := p.CoefX0*float64(x0.Data[j]) + p.CoefXt*float64(xt.Data[j])
				mp := p.CoefX0*float64(x0Hat.Data[j]) + p.CoefXt*float64(xt.Data[j])
				want += NormalKL(mq, p.LogVariance, mp, logVar)
			}
		}
		want /= 6 * math.Ln2
		if g := float64(got.Value.Data[i]); math.Abs(g-want) > 1e-4*max(1, math.Abs(want)) {
			t.Errorf("t = %d: L_vlb = %.6f bits/dim, want %.6f", ti, g, want)
		}
	}
}

// TestVLBLossZeroKL: with x̂0 = x0 and v = −1 (logΣ = log β̃_t) the model
// equals the posterior, so every KL term is 0.
func TestVLBLossZeroKL(t *testing.T) {
	s, _, x0, xt, _, v := vlbCase()
	v.Fill(-1)
	got, err := VLBLoss(autograd.NoGrad(), s, []int{5, 1, 37, 99}, x0, xt, x0, autograd.NewVar(v))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range got.Value.Data {
		if math.Abs(float64(l)) > 1e-6 {
			t.Errorf("item %d: KL = %g, want 0", i, l)
		}
	}
}

func TestVLBLossGrad(t *testing.T) {
	s, ts, x0, xt, x0Hat, v := vlbCase()
	gradcheck.Check(t, func(g *autograd.Graph, v *autograd.Var) *autograd.Var {
		l, err := VLBLoss(g, s, ts, x0, xt, x0Hat, v)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}, v, gradcheck.Tol{Rel: 2e-3, Abs: 1e-4})
}

func TestDiscretizedGaussianNLLGrad(t *testing.T) {
	_, _, x0, _, x0Hat, _ := vlbCase()
	logScale := tensor.NewRNG(3).Rand(-4, -1.5, 4, 6) // σ from 0.018 to 0.22
	gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
		return DiscretizedGaussianNLL(g, x0, xs[0], xs[1])
	}, []*tensor.Tensor{x0Hat, logScale}, gradcheck.Tol{Rel: 2e-3, Abs: 1e-3, Step: 1e-3})
}

// TestHybridLoss checks L_hybrid = L_simple + λ·mean(L_vlb) and the stop-
// gradient: ε̂ receives only L_simple's gradient 2(ε̂ − ε)/n.
func TestHybridLoss(t *testing.T) {
	s, ts, x0, _, _, v := vlbCase()
	eps := tensor.NewRNG(8).Randn(4, 6)
	epsPred := eps.Clone()
	for i := range epsPred.Data {
		epsPred.Data[i] += float32(0.1 * math.Sin(float64(i)))
	}
	g := autograd.New()
	ep, vv := autograd.NewParam(epsPred), autograd.NewParam(v)
	h, err := HybridLoss(g, s, ts, x0, eps, ep, vv, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	ab := make([]float64, 4)
	for i, ti := range ts {
		ab[i] = s.AlphaBar(ti)
	}
	xt := QSample(x0, eps, ab)
	vlb, _ := VLBLoss(autograd.NoGrad(), s, ts, x0, xt, EpsToX0(xt, epsPred, ab), autograd.NewVar(v))
	simple, mean := 0.0, 0.0
	for i := range eps.Data {
		d := float64(epsPred.Data[i] - eps.Data[i])
		simple += d * d / 24
	}
	for _, l := range vlb.Value.Data {
		mean += float64(l) / 4
	}
	if want := simple + 0.001*mean; math.Abs(float64(h.Value.Data[0])-want) > 1e-6 {
		t.Errorf("L_hybrid = %.8f, want %.8f", h.Value.Data[0], want)
	}
	if err := g.Backward(h); err != nil {
		t.Fatal(err)
	}
	for i := range eps.Data {
		want := 2 * (epsPred.Data[i] - eps.Data[i]) / 24
		if math.Abs(float64(ep.Grad.Data[i]-want)) > 1e-7 {
			t.Fatalf("∂L/∂ε̂[%d] = %g, want %g (L_simple only)", i, ep.Grad.Data[i], want)
		}
	}
	if vv.Grad == nil {
		t.Error("v received no gradient")
	}
}

func TestVLBLossRejects(t *testing.T) {
	s, ts, x0, xt, x0Hat, v := vlbCase()
	g := autograd.NoGrad()
	if _, err := VLBLoss(g, s, ts[1:], x0, xt, x0Hat, autograd.NewVar(v)); err == nil {
		t.Error("3 steps for 4 items: no error")
	}
	if _, err := VLBLoss(g, s, []int{0, 1, 2, 100}, x0, xt, x0Hat, autograd.NewVar(v)); err == nil {
		t.Error("t = 100 of 100 steps: no error")
	}
	if _, err := VLBLoss(g, s, ts, x0, xt, x0Hat, autograd.NewVar(tensor.New(4, 5))); err == nil {
		t.Error("v: (4, 5) for x0: (4, 6): no error")
	}
}
