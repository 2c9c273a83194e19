package benchunet_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/models/benchunet"
	"github.com/diffusego/diffusego/tensor"
)

// BenchmarkSamplePrecision is BenchmarkSampleForward at each forward
// precision (kernels.SetPrecision): fp32, and bf16 where the CPU runs it.
// It reports images/s and images per CPU-second of the process (user +
// system, all threads), the steadier number on a shared machine.
func BenchmarkSamplePrecision(b *testing.B) {
	defer func() {
		if err := kernels.SetPrecision(kernels.FP32); err != nil {
			b.Fatal(err)
		}
	}()
	for _, p := range []kernels.Precision{kernels.FP32, kernels.BF16} {
		for _, n := range []int{64, 16} {
			b.Run(fmt.Sprintf("%s/batch=%d", p, n), func(b *testing.B) {
				if err := kernels.SetPrecision(p); err != nil {
					b.Skip(err)
				}
				rng := tensor.NewRNG(0)
				m := benchunet.New(benchunet.Config{Classes: benchunet.NumClasses}, rng)
				x, _, t, y := benchBatch(n, rng)
				g := autograd.NoGradPooled() // a warm-up pass: buffers and packed weights
				m.Forward(g, autograd.NewVar(x), t, y)
				g.Release(nil)
				b.ReportAllocs()
				c0 := cputime.Seconds()
				for b.Loop() {
					g := autograd.NoGradPooled()
					m.Forward(g, autograd.NewVar(x), t, y)
					g.Release(nil)
				}
				b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "images/s")
				if c := cputime.Seconds() - c0; c > 0 {
					b.ReportMetric(float64(b.N*n)/c, "images/cpu-s")
				}
			})
		}
	}
}
