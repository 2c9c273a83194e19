package mlp

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

var (
	_ sampler.Denoiser       = (*Model)(nil)
	_ diffusion.CondDenoiser = (*Model)(nil)
)

// TestForwardGrad checks the gradient of F with respect to its input and
// every parameter on a tiny conditional model, with distinct noise levels
// per row (the training path) and with one shared level (the broadcast
// sampling path).
func TestForwardGrad(t *testing.T) {
	m, err := New(Config{Dim: 3, Width: 5, Blocks: 2, EmbedDim: 4, Classes: 2}, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	var params []*autograd.Var
	for _, p := range m.Params() {
		params = append(params, p.V)
	}
	cases := map[string]struct {
		cNoise []float64
		y      []int
	}{
		"per-row levels": {[]float64{-0.9, 0.1, 0.6, -0.2}, []int{0, 2, 1, 0}},
		"shared level":   {[]float64{0.3, 0.3, 0.3, 0.3}, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return m.Forward(g, x, c.cNoise, c.y) }
			gradcheck.Check(t, f, gradcheck.Rand([]int{4, 3}, 2), gradcheck.Tol{Rel: 2e-2, Abs: 2e-3}, params...)
		})
	}
}

// TestPrecond checks the EDM coefficients against their definitions, the
// unit-variance property of the training target, and that D(x; σ) → x as
// σ → 0 (c_skip → 1, c_out → 0).
func TestPrecond(t *testing.T) {
	m, _ := New(Config{SigmaData: 0.5}, tensor.NewRNG(1))
	for _, sigma := range []float64{0.002, 0.3, 1, 80} {
		cSkip, cOut, cIn, cNoise := m.Precond(sigma)
		r := sigma*sigma + 0.25
		checks := map[string][2]float64{
			"c_skip":  {cSkip, 0.25 / r},
			"c_out":   {cOut, sigma * 0.5 / math.Sqrt(r)},
			"c_in":    {cIn, 1 / math.Sqrt(r)},
			"c_noise": {cNoise, math.Log(sigma) / 4},
			// The target (x0 − c_skip·x)/c_out has unit variance for data of
			// variance σ_d²: (1−c_skip)²σ_d² + c_skip²σ² = c_out².
			"unit target": {math.Pow(1-cSkip, 2)*0.25 + cSkip*cSkip*sigma*sigma, cOut * cOut},
		}
		for name, c := range checks {
			if math.Abs(c[0]-c[1]) > 1e-12*math.Max(1, math.Abs(c[1])) {
				t.Errorf("σ=%v: %s = %v, want %v", sigma, name, c[0], c[1])
			}
		}
	}
	x := tensor.FromData([]float32{0.3, -1.2, 2, 0.5}, 2, 2)
	x0, err := m.Denoise(x, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.Data {
		if math.Abs(float64(x0.Data[i]-x.Data[i])) > 1e-4 {
			t.Errorf("D(x; σ=1e-6)[%d] = %v, want ≈ x = %v", i, x0.Data[i], x.Data[i])
		}
	}
}

// TestDenoiseSharedLevelMatchesPerRow: the broadcast path (one σ for the
// batch) gives the same x0 as the per-row path of training.
func TestDenoiseSharedLevelMatchesPerRow(t *testing.T) {
	m, _ := New(Config{Classes: 3}, tensor.NewRNG(4))
	x := tensor.NewRNG(5).Randn(6, 2)
	y := []int{0, 1, 2, 3, 1, 0}
	const sigma = 0.7
	got, err := m.DenoiseLabels(x, sigma, y)
	if err != nil {
		t.Fatal(err)
	}
	// Per-row path: each row alone next to a dummy row at another level, so
	// the noise levels differ and the embedding is computed per row.
	cSkip, cOut, cIn, cNoise := m.Precond(sigma)
	for i := range 6 {
		u := tensor.FromData([]float32{x.Data[2*i] * float32(cIn), x.Data[2*i+1] * float32(cIn), 0, 0}, 2, 2)
		f := m.Forward(autograd.NoGrad(), autograd.NewVar(u), []float64{cNoise, cNoise + 1}, []int{y[i], 0}).Value
		for j := range 2 {
			want := cSkip*float64(x.Data[2*i+j]) + cOut*float64(f.Data[j])
			if math.Abs(float64(got.Data[2*i+j])-want) > 1e-5 {
				t.Errorf("row %d axis %d: shared-level x0 %v, per-row %v", i, j, got.Data[2*i+j], want)
			}
		}
	}
}

func TestDenoiseErrors(t *testing.T) {
	uncond, _ := New(Config{}, tensor.NewRNG(1))
	cond, _ := New(Config{Classes: 2}, tensor.NewRNG(1))
	x := tensor.New(3, 2)
	cases := map[string]func() error{
		"wrong dim":        func() error { _, err := uncond.Denoise(tensor.New(3, 4), 1); return err },
		"sigma 0":          func() error { _, err := uncond.Denoise(x, 0); return err },
		"labels to uncond": func() error { _, err := uncond.DenoiseLabels(x, 1, []int{0, 0, 0}); return err },
		"label count":      func() error { _, err := cond.DenoiseLabels(x, 1, []int{0, 1}); return err },
		"label range":      func() error { _, err := cond.DenoiseLabels(x, 1, []int{0, 3, 1}); return err },
	}
	for name, f := range cases {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := New(Config{EmbedDim: 3}, tensor.NewRNG(1)); err == nil {
		t.Error("New with odd EmbedDim: no error")
	}
	if _, err := cond.DenoiseLabels(x, 1, []int{0, 2, 1}); err != nil {
		t.Errorf("null label 2 refused: %v", err)
	}
}

// TestTrainSeeded: the same seed gives the same bits, and 150 steps lower
// the loss (mean of the last 50 steps below the first 50).
func TestTrainSeeded(t *testing.T) {
	x := tensor.NewRNG(1).Randn(300, 2)
	run := func() (*Model, []float64) {
		m, _ := New(Config{Width: 16, Blocks: 1, Classes: 2}, tensor.NewRNG(2))
		y := make([]int, 300)
		for i := range y {
			y[i] = i % 2
		}
		losses, err := Train(context.Background(), m, x, y, TrainConfig{Steps: 150, Batch: 32, LabelDropout: 0.2, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		return m, losses
	}
	a, la := run()
	b, lb := run()
	for i := range la {
		if la[i] != lb[i] {
			t.Fatalf("same seed: loss %d is %v then %v", i, la[i], lb[i])
		}
	}
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		for j := range pa[i].V.Value.Data {
			if pa[i].V.Value.Data[j] != pb[i].V.Value.Data[j] {
				t.Fatalf("same seed: %s[%d] differs", pa[i].Name, j)
			}
		}
	}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	if first, last := mean(la[:50]), mean(la[100:]); !(last < first) {
		t.Errorf("loss did not fall: first 50 steps %.4f, last 50 %.4f", first, last)
	}
	if _, err := Train(context.Background(), a, tensor.New(10, 3), nil, TrainConfig{Steps: 1}); err == nil {
		t.Error("Train on (10, 3) points for a 2-D model: no error")
	}
}

func BenchmarkDenoise(b *testing.B) {
	m, _ := New(Config{}, tensor.NewRNG(1))
	x := tensor.NewRNG(2).Randn(1000, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Denoise(x, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}
