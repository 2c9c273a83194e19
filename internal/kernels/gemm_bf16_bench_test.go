package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/diffusego/diffusego/internal/cputime"
)

// BenchmarkGemmBF16 is BenchmarkGemm for the precisions this machine can
// run: square products C = A·B through GemmForward at fp32 and bf16,
// GFLOP/s and GFLOP per CPU-second of the process (2n³ flops either way).
func BenchmarkGemmBF16(b *testing.B) {
	defer forwardPrecision.Store(forwardPrecision.Load())
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{256, 512, 1024, 2048} {
		x, y, z := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
		for _, p := range []Precision{FP32, BF16} {
			b.Run(fmt.Sprintf("%s/%d", p, n), func(b *testing.B) {
				if err := SetPrecision(p); err != nil {
					b.Skip(err)
				}
				b.ReportAllocs()
				c0 := cputime.Seconds()
				for b.Loop() {
					GemmForward(false, false, n, n, n, 1, x, n, y, n, 0, z, n)
				}
				flops := 2 * float64(n*n*n) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if c := cputime.Seconds() - c0; c > 0 {
					b.ReportMetric(flops/c/1e9, "GFLOP/cpu-s")
				}
			})
		}
	}
}

// BenchmarkGemmBF16MicroKernel reports GFLOP/s and GFLOP per CPU-second
// of the 12×32 kernels, fp32 and bf16, on cache-resident packed panels
// (kc = 256); with GOMAXPROCS=1, one core's.
func BenchmarkGemmBF16MicroKernel(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	a1, a2 := randSlice(r, packMR*packKC), randSlice(r, packMR*packKC)
	b1, b2 := randSlice(r, packNR*packKC), randSlice(r, packNR*packKC)
	pairsA(a1, packKC)
	pairsA(a2, packKC)
	pairsBGeneric(b1, packKC)
	pairsBGeneric(b2, packKC)
	c := make([]float32, 2*packMR*2*packNR)
	for _, k := range []microKernelPath{{"fp32", gemmPackedKernel}, {"bf16", bf16Kernel}} {
		b.Run(k.name, func(b *testing.B) {
			if k.kern == nil || k.kern.big == nil {
				b.Skip("no 12×32 kernel on this machine")
			}
			c0 := cputime.Seconds()
			for b.Loop() {
				k.kern.big(packKC, 2*packMR, a1, a2, b1, b2, c, 2*packNR, 1, 1)
			}
			flops := 2 * 2 * packMR * 2 * packNR * packKC * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if c := cputime.Seconds() - c0; c > 0 {
				b.ReportMetric(flops/c/1e9, "GFLOP/cpu-s")
			}
		})
	}
}
