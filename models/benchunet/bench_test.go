package benchunet_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/benchunet"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// benchBatch makes a batch like the reference benchmark's: x in [−1, 1],
// random t in 0..999, random classes with some null labels, ε ~ N(0, 1).
func benchBatch(n int, rng *tensor.RNG) (x, eps *tensor.Tensor, t []float64, y []int) {
	x = rng.Rand(-1, 1, n, 1, 28, 28)
	eps = rng.Randn(n, 1, 28, 28)
	t, y = make([]float64, n), make([]int, n)
	for i := range n {
		t[i] = float64(rng.Intn(1000))
		y[i] = rng.Intn(benchunet.NumClasses + 1)
	}
	return x, eps, t, y
}

// warmupCalls is how many training steps or forward passes run untimed
// before each benchmark's timed loop, as the peer's --warmup (2) does
// (shared/bench/UNET_SPEC.md, "Timing"). The first call touches every
// pooled buffer for the first time (page faults: about half a gigabyte at
// batch 64) and packs the sampling cache's filters; without the warm-up
// b.Loop timed it, which the peer does not.
const warmupCalls = 2

// BenchmarkTrainStep times one training step as the PyTorch peer does:
// forward, MSE loss against ε, backward and an AdamW step (lr 2e-4,
// weight decay 0.01).
func BenchmarkTrainStep(b *testing.B) {
	for _, n := range []int{64, 16} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			rng := tensor.NewRNG(0)
			m := benchunet.New(benchunet.Config{Classes: benchunet.NumClasses}, rng)
			ps := m.Params()
			x, eps, t, y := benchBatch(n, rng)
			opt := optim.NewAdamW(ps, 2e-4, 0.9, 0.999, 1e-8, 0.01)
			step := func() {
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
			for range warmupCalls {
				step()
			}
			b.ReportAllocs()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

// BenchmarkSampleForward times one denoising step's network work: a
// no-grad forward pass of the whole batch.
func BenchmarkSampleForward(b *testing.B) {
	for _, n := range []int{64, 16} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			rng := tensor.NewRNG(0)
			m := benchunet.New(benchunet.Config{Classes: benchunet.NumClasses}, rng)
			x, _, t, y := benchBatch(n, rng)
			pass := func() {
				g := autograd.NoGradPooled() // as pipeline's sampling calls do
				m.Forward(g, autograd.NewVar(x), t, y)
				g.Release(nil)
			}
			for range warmupCalls {
				pass()
			}
			b.ReportAllocs()
			for b.Loop() {
				pass()
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
