package unet_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// batch makes a Fashion-MNIST-shaped batch: x in [−1, 1], t in 0..999,
// labels 0..10 (10 = null), ε ~ N(0, 1).
func batch(n int, rng *tensor.RNG) (x, eps *tensor.Tensor, t []float64, y []int) {
	x, eps = rng.Rand(-1, 1, n, 1, 28, 28), rng.Randn(n, 1, 28, 28)
	t, y = make([]float64, n), make([]int, n)
	for i := range n {
		t[i], y[i] = float64(rng.Intn(1000)), rng.Intn(11)
	}
	return x, eps, t, y
}

// BenchmarkForward times a no-grad forward pass (one sampling step's
// network work) of the tiny and small presets at batch 64 on 28×28.
func BenchmarkForward(b *testing.B) {
	for _, name := range []string{"tiny", "small"} {
		b.Run(fmt.Sprintf("%s/batch=64", name), func(b *testing.B) {
			rng := tensor.NewRNG(0)
			m := mustNew(b, mustPreset(b, name), 0)
			x, _, t, y := batch(64, rng)
			b.ReportAllocs()
			for b.Loop() {
				g := autograd.NoGradPooled() // as pipeline's sampling calls do
				m.Forward(g, autograd.NewVar(x), t, y)
				g.Release(nil)
			}
			b.ReportMetric(float64(b.N*64)/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric(float64(2*m.MACs())*float64(b.N*64)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTrainStep times forward, MSE against ε, backward and an AdamW
// step (lr 2e-4, weight decay 0.01) at batch 64 on 28×28.
func BenchmarkTrainStep(b *testing.B) {
	for _, name := range []string{"tiny", "small"} {
		b.Run(fmt.Sprintf("%s/batch=64", name), func(b *testing.B) {
			rng := tensor.NewRNG(0)
			m := mustNew(b, mustPreset(b, name), 0)
			ps := m.Params()
			x, eps, t, y := batch(64, rng)
			opt := optim.NewAdamW(ps, 2e-4, 0.9, 0.999, 1e-8, 0.01)
			b.ReportAllocs()
			for b.Loop() {
				nn.ZeroGrad(ps)
				g := autograd.NewPooled()
				out := m.Forward(g, autograd.NewVar(x), t, y)
				if err := g.Backward(g.MSE(out, autograd.NewVar(eps))); err != nil {
					b.Fatal(err)
				}
				if err := opt.Step(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*64)/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric(float64(3*2*m.MACs())*float64(b.N*64)/b.Elapsed().Seconds()/1e9, "GFLOP/s") // step = 3 forwards
		})
	}
}
