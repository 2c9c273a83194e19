package autograd_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// BenchmarkGroupNormSiLU times GroupNormSiLU at bench-unet's largest
// resolution, (16, 32, 28, 28) in 8 groups: the no-grad forward as in
// sampling, and forward plus backward as in training (the leaves'
// gradients accumulate across iterations, so that their buffers are
// reused as in a training loop).
func BenchmarkGroupNormSiLU(b *testing.B) {
	rng := tensor.NewRNG(1)
	x := rng.Randn(16, 32, 28, 28)
	w, bias := rng.Rand(0.5, 1.5, 32), rng.Rand(-0.5, 0.5, 32)
	dy := rng.Randn(16, 32, 28, 28)
	b.Run("forward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g := autograd.NoGradPooled()
			g.GroupNormSiLU(autograd.NewVar(x), 8, autograd.NewVar(w), autograd.NewVar(bias), 1e-5)
			g.Release(nil)
		}
	})
	b.Run("forward+backward", func(b *testing.B) {
		xv, wv, bv := autograd.NewParam(x), autograd.NewParam(w), autograd.NewParam(bias)
		b.ReportAllocs()
		for b.Loop() {
			g := autograd.NewPooled()
			y := g.GroupNormSiLU(xv, 8, wv, bv, 1e-5)
			if err := g.BackwardWith(y, dy); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSoftmax times the attention softmax of bench-unet at 7×7:
// 16·49 rows of 49, forward only (no grad, pooled).
func BenchmarkSoftmax(b *testing.B) {
	x := tensor.NewRNG(2).Randn(16, 49, 49)
	b.ReportAllocs()
	for b.Loop() {
		g := autograd.NoGradPooled()
		g.Softmax(autograd.NewVar(x), -1)
		g.Release(nil)
	}
}
