package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/diffusego/diffusego/internal/cputime"
)

// BenchmarkGemm reports GFLOP/s of square products C = A·B (2n³ flops),
// and GFLOP per CPU-second of the process (user + system time, all
// threads), which a machine shared with other work disturbs far less: with
// GOMAXPROCS=1 it is one core's speed.
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{256, 512, 1024, 2048} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			x, y, z := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
			b.ReportAllocs()
			c0 := cputime.Seconds()
			for b.Loop() {
				Gemm(false, false, n, n, n, 1, x, n, y, n, 0, z, n)
			}
			flops := 2 * float64(n*n*n) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if c := cputime.Seconds() - c0; c > 0 {
				b.ReportMetric(flops/c/1e9, "GFLOP/cpu-s")
			}
		})
	}
}

// BenchmarkGemmMicroKernel reports one core's GFLOP/s for each
// micro-kernel on cache-resident packed panels (kc = 256): the ceiling
// that the packed path approaches on big products.
func BenchmarkGemmMicroKernel(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	ap, bp := randSlice(r, packMR*packKC), randSlice(r, packNR*packKC)
	c := make([]float32, packMR*packNR)
	for _, k := range microKernels() {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				k.kern.tile(packKC, packMR, ap, bp, c, packNR, 1, 1)
			}
			b.ReportMetric(2*packMR*packNR*packKC*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemmMicroKernelBig reports one core's rate for each
// micro-kernel's big form (2MR×2NR tiles) on packed panels of kc = 256,
// as the packed path runs it on large products: a row block of
// rows = 120 (A, 120 KiB, in L2) swept against one pair of B panels
// (32 KiB, in L1), ten calls of 12 rows. GFLOP/s and GFLOP per
// CPU-second of the process; run it with GOMAXPROCS=1. On a CPU whose
// FMA peak is known (2 FMA pipes × 16 floats × 2 flops × clock), the
// ratio to it is how much the packed path can still gain in its kernel.
func BenchmarkGemmMicroKernelBig(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const rows = 10 * 2 * packMR
	ap := randSlice(r, rows*packKC)
	b1, b2 := randSlice(r, packNR*packKC), randSlice(r, packNR*packKC)
	c := make([]float32, rows*2*packNR)
	for _, k := range microKernels() {
		if k.kern.big == nil {
			continue
		}
		b.Run(k.name, func(b *testing.B) {
			c0 := cputime.Seconds()
			for b.Loop() {
				for ir := 0; ir < rows; ir += 2 * packMR {
					a1 := ap[ir*packKC : (ir+packMR)*packKC]
					a2 := ap[(ir+packMR)*packKC : (ir+2*packMR)*packKC]
					k.kern.big(packKC, 2*packMR, a1, a2, b1, b2, c[ir*2*packNR:], 2*packNR, 1, 1)
				}
			}
			flops := 2 * float64(rows*2*packNR*packKC) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if s := cputime.Seconds() - c0; s > 0 {
				b.ReportMetric(flops/s/1e9, "GFLOP/cpu-s")
			}
		})
	}
}

// BenchmarkGemmTrans reports GFLOP/s of 1024² products with transposed
// operands, which the packing absorbs (2n³ flops).
func BenchmarkGemmTrans(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 1024
	x, y, z := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
	for _, tr := range []struct {
		name   string
		ta, tb bool
	}{{"NN", false, false}, {"TN", true, false}, {"NT", false, true}, {"TT", true, true}} {
		b.Run(tr.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Gemm(tr.ta, tr.tb, n, n, n, 1, x, n, y, n, 0, z, n)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemmAConvShapes reports GFLOP/s of the serial products a
// bench-unet convolution runs per chunk of samples (weight packed once,
// columns packed per call): 32, 64 and 128 output channels at 28×28, 14×14
// and 7×7. Run it with GOMAXPROCS=1 to compare with the micro-kernel.
func BenchmarkGemmAConvShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{32, 1568, 288}, {64, 392, 576}, {128, 196, 1152}} {
		m, n, k := s[0], s[1], s[2]
		x, y, z := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
		var p PackedA
		p.Pack(false, m, k, x, k)
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			for b.Loop() {
				GemmASerial(&p, false, n, 1, y, n, 0, z, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
