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

// benchAddConvs are bench-unet's convolutions that do not go through
// Winograd, with the additions a ResBlock folds into them: the stem, a
// strided downsample, 1×1 skips and the attention's qkv and proj, a 3×3
// at 7×7 with 64 input channels (with time shift and residual), the last
// layer; batch 64.
var benchAddConvs = []struct {
	name                        string
	n, cin, cout, hw, k, stride int
	shift, res                  bool
}{
	{"stem", 64, 1, 32, 28, 3, 1, false, false},
	{"down14", 64, 64, 64, 14, 3, 2, false, false},
	{"skip14", 64, 96, 64, 14, 1, 1, false, false},
	{"qkv7", 64, 128, 384, 7, 1, 1, false, false},
	{"proj7", 64, 128, 128, 7, 1, 1, false, true},
	{"conv7", 64, 64, 128, 7, 3, 1, true, true},
	{"out", 64, 32, 1, 28, 3, 1, false, false},
}

// BenchmarkConv2dAddForward times Conv2dAdd's forward pass (no gradient
// recorded) on benchAddConvs.
func BenchmarkConv2dAddForward(b *testing.B) {
	for _, bc := range benchAddConvs {
		b.Run(bc.name, func(b *testing.B) {
			rng := tensor.NewRNG(1)
			x := autograd.NewVar(rng.Randn(bc.n, bc.cin, bc.hw, bc.hw))
			w := autograd.NewVar(rng.Randn(bc.cout, bc.cin, bc.k, bc.k))
			bias := autograd.NewVar(rng.Randn(bc.cout))
			oh := (bc.hw+2*(bc.k/2)-bc.k)/bc.stride + 1
			var shift, res *autograd.Var
			if bc.shift {
				shift = autograd.NewVar(rng.Randn(bc.n, bc.cout))
			}
			if bc.res {
				res = autograd.NewVar(rng.Randn(bc.n, bc.cout, oh, oh))
			}
			g := autograd.NoGrad()
			b.ReportAllocs()
			for b.Loop() {
				g.Conv2dAdd(x, w, bias, bc.stride, bc.k/2, 1, shift, res)
			}
		})
	}
}
