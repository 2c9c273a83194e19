package diffusion_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

func TestVPDenoiserTimestepInvertsSigma(t *testing.T) {
	s := schedule.NewLinear(1000, 1e-4, 0.02)
	d := &diffusion.VPDenoiser{Schedule: s}
	for _, step := range []int{0, 1, 17, 500, 998, 999} {
		if got := d.Timestep(s.Sigma(step)); math.Abs(got-float64(step)) > 1e-9 {
			t.Errorf("Timestep(σ_%d) = %.12g, want %d", step, got, step)
		}
	}
	mid := math.Exp((math.Log(s.Sigma(10)) + math.Log(s.Sigma(11))) / 2)
	if got := d.Timestep(mid); math.Abs(got-10.5) > 1e-9 {
		t.Errorf("Timestep(geometric mean of σ_10, σ_11) = %g, want 10.5", got)
	}
	if got := d.Timestep(1e-9); got != 0 {
		t.Errorf("Timestep(below σ_min) = %g, want 0", got)
	}
	if got := d.Timestep(1e9); got != 999 {
		t.Errorf("Timestep(above σ_max) = %g, want 999", got)
	}
}

// An oracle network that knows x_0 must be turned back into exactly that x_0
// whatever it predicts (ε, x_0 or v), and must be called on the VP scale.
func TestVPDenoiserRecoversX0ForEveryTarget(t *testing.T) {
	s := schedule.NewCosine(1000, 0.008)
	rng := tensor.NewRNG(3)
	x0 := rng.Randn(4, 3)
	eps := rng.Randn(4, 3)
	const step = 400
	sigma := s.Sigma(step)
	x := tensor.New(4, 3) // VE view: x0 + σ·ε
	for i := range x.Data {
		x.Data[i] = x0.Data[i] + float32(sigma)*eps.Data[i]
	}
	ab := []float64{s.AlphaBar(step), s.AlphaBar(step), s.AlphaBar(step), s.AlphaBar(step)}
	for _, target := range []diffusion.Target{diffusion.Eps, diffusion.X0, diffusion.V} {
		net := func(xt *tensor.Tensor, ts []float64, y []int) (*tensor.Tensor, error) {
			want := diffusion.QSample(x0, eps, ab)
			for i := range want.Data {
				if math.Abs(float64(want.Data[i]-xt.Data[i])) > 1e-5 {
					t.Fatalf("%s: network saw x_t[%d] = %g, want %g", target, i, xt.Data[i], want.Data[i])
				}
			}
			if math.Abs(ts[0]-step) > 1e-6 || y[2] != 7 {
				t.Fatalf("%s: network got t %g labels %v", target, ts[0], y)
			}
			switch target {
			case diffusion.Eps:
				return eps.Clone(), nil
			case diffusion.X0:
				return x0.Clone(), nil
			}
			return diffusion.VTarget(x0, eps, ab), nil
		}
		d := &diffusion.VPDenoiser{Net: net, Schedule: s, Target: target, Labels: []int{0, 1, 7, 2}}
		got, err := d.Denoise(x, sigma)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.Data {
			if math.Abs(float64(got.Data[i]-x0.Data[i])) > 1e-4 {
				t.Errorf("%s: x0[%d] = %g, want %g", target, i, got.Data[i], x0.Data[i])
			}
		}
	}
}

func TestVPDenoiserErrors(t *testing.T) {
	s := schedule.NewLinear(10, 1e-4, 0.02)
	net := func(xt *tensor.Tensor, ts []float64, y []int) (*tensor.Tensor, error) { return tensor.New(1), nil }
	d := &diffusion.VPDenoiser{Net: net, Schedule: s, Target: diffusion.Eps}
	if _, err := d.Denoise(tensor.New(2, 3), 1); err == nil {
		t.Error("a network output of the wrong shape was accepted")
	}
	if _, err := d.DenoiseLabels(tensor.New(2, 3), 1, []int{1}); err == nil {
		t.Error("one label for two items was accepted")
	}
}
