package autograd_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/tensor"
)

// unetConvs are bench-unet's 3×3, stride-1, padding-1 convolutions: input
// channels, output channels, resolution (the up path's inputs are
// concatenated with skips, hence 96, 192 and 256).
var unetConvs = []struct{ cin, cout, hw int }{
	{32, 32, 28}, {64, 32, 28}, {96, 32, 28},
	{32, 64, 14}, {64, 64, 14}, {128, 64, 14}, {192, 64, 14},
	{64, 128, 7}, {128, 128, 7}, {256, 128, 7},
}

// BenchmarkConvPaths times the forward pass (fwd) and the backward pass
// (bwd: input, weight and bias gradients) of every bench-unet 3×3
// convolution at batch N, through Winograd F(2×2, 3×3) (wino), Winograd
// F(4×4, 3×3) (wino4) and the implicit GEMM (gemm), and reports GFLOP per
// CPU-second of the process (the
// direct convolution's 2·N·Cout·H·W·Cin·9 per pass, twice that backward),
// which a shared machine disturbs far less than wall time.
//
//	go test -run '^$' -bench ConvPaths -benchtime 20x ./autograd/
func BenchmarkConvPaths(b *testing.B) {
	for _, n := range []int{64, 16} {
		for _, s := range unetConvs {
			for _, pass := range []string{"fwd", "bwd"} {
				for _, path := range []string{"gemm", "wino", "wino4"} {
					name := fmt.Sprintf("N%d/%d-%d@%d/%s/%s", n, s.cin, s.cout, s.hw, pass, path)
					b.Run(name, func(b *testing.B) {
						autograd.ForceWinograd(b, path != "gemm")
						autograd.ForceWinograd4(b, path == "wino4")
						benchConvPass(b, n, s.cin, s.cout, s.hw, pass == "bwd")
					})
				}
			}
		}
	}
}

func benchConvPass(b *testing.B, n, cin, cout, hw int, backward bool) {
	rng := tensor.NewRNG(1)
	x := autograd.NewParam(rng.Randn(n, cin, hw, hw))
	w := autograd.NewParam(rng.Randn(cout, cin, 3, 3))
	bias := autograd.NewParam(rng.Randn(cout))
	dy := rng.Randn(n, cout, hw, hw)
	flops := 2 * float64(n*cout*hw*hw*cin*9)
	if backward {
		flops *= 2
	}
	var cpu float64
	for b.Loop() {
		if !backward {
			c0 := cputime.Seconds()
			autograd.NoGrad().Conv2d(x, w, bias, 1, 1, 1)
			cpu += cputime.Seconds() - c0
			continue
		}
		g := autograd.New()
		out := g.Conv2d(x, w, bias, 1, 1, 1)
		c0 := cputime.Seconds()
		if err := g.BackwardWith(out, dy); err != nil {
			b.Fatal(err)
		}
		cpu += cputime.Seconds() - c0
	}
	b.ReportMetric(flops*float64(b.N)/cpu/1e9, "GFLOP/cpu-s")
}
