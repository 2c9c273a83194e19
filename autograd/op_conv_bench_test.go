package autograd_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// benchConvs are the hot 3×3, padding-1 convolutions of bench-unet: a
// batch of 64 at the 28×28 level (32 channels) and at the 7×7 level (128).
var benchConvs = []struct{ n, c, hw int }{
	{64, 32, 28},
	{64, 64, 14},
	{64, 128, 7},
}

// convFlops is 2·N·Cout·OH·OW·Cin·9, the multiply-adds of one forward pass.
func convFlops(n, c, hw int) float64 { return 2 * float64(n*c*hw*hw*c*9) }

func BenchmarkConv2dForward(b *testing.B) {
	for _, bc := range benchConvs {
		b.Run(fmt.Sprintf("N%d_C%d_%dx%d", bc.n, bc.c, bc.hw, bc.hw), func(b *testing.B) {
			rng := tensor.NewRNG(1)
			x := autograd.NewVar(rng.Randn(bc.n, bc.c, bc.hw, bc.hw))
			w := autograd.NewVar(rng.Randn(bc.c, bc.c, 3, 3))
			bias := autograd.NewVar(rng.Randn(bc.c))
			g := autograd.NoGrad()
			b.ReportAllocs()
			for b.Loop() {
				g.Conv2d(x, w, bias, 1, 1, 1)
			}
			b.ReportMetric(convFlops(bc.n, bc.c, bc.hw)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConv2dBackward times the backward pass alone (input, weight
// and bias gradients: twice the forward's flops); the forward that
// records it runs with the timer stopped.
func BenchmarkConv2dBackward(b *testing.B) {
	for _, bc := range benchConvs {
		b.Run(fmt.Sprintf("N%d_C%d_%dx%d", bc.n, bc.c, bc.hw, bc.hw), func(b *testing.B) {
			rng := tensor.NewRNG(1)
			x := autograd.NewParam(rng.Randn(bc.n, bc.c, bc.hw, bc.hw))
			w := autograd.NewParam(rng.Randn(bc.c, bc.c, 3, 3))
			bias := autograd.NewParam(rng.Randn(bc.c))
			dy := rng.Randn(bc.n, bc.c, bc.hw, bc.hw)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				g := autograd.New()
				out := g.Conv2d(x, w, bias, 1, 1, 1)
				b.StartTimer()
				if err := g.BackwardWith(out, dy); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*convFlops(bc.n, bc.c, bc.hw)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
