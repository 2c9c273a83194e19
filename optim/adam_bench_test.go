package optim_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// unetSizes are parameter sizes shaped like bench-unet's: 3×3 filters of
// 32 to 128 channels, norms, biases and the embedding MLP, 3.9 M floats.
func unetSizes() []int {
	var sizes []int
	for _, c := range []int{32, 64, 128} {
		for _, cin := range []int{c, c, c / 2, 2 * c, c} {
			for range 2 {
				sizes = append(sizes, c*cin*9, c, c, c, c*128) // filter, bias, norm weight and bias, time projection
			}
		}
	}
	for range 8 {
		sizes = append(sizes, 128*128*9, 128, 128, 128)
	}
	return append(sizes, 128*512, 512, 512*512, 512, 11*128)
}

// BenchmarkAdamWStep times one AdamW step over bench-unet-like parameters
// (memory-bound: p, g, m and v read, three written).
func BenchmarkAdamWStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	var ps []*nn.Param
	n := 0
	for i, s := range unetSizes() {
		p := nn.NewParam(fmt.Sprintf("p%d", i), rng.Randn(s))
		p.V.Grad = rng.Randn(s)
		ps = append(ps, p)
		n += s
	}
	opt := optim.NewAdamW(ps, 2e-4, 0.9, 0.999, 1e-8, 0.01)
	b.ReportAllocs()
	for b.Loop() {
		if err := opt.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/1e6, "Mparams")
}
