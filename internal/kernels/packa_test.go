package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffusego/diffusego/internal/cputime"
)

// TestPackA6MatchesGeneric runs every packA6 and packAT6 path for every
// depth 0..257 at start offsets 0..15 and several row strides, against
// the Go loops, and checks that nothing past the kc·6 packed values is
// written.
func TestPackA6MatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	plain, trans := packA6Paths()
	for _, c := range []struct {
		name  string
		paths map[string]packA6Func
		want  packA6Func
		lda   func(kc, off int) int // the row stride for depth kc
	}{
		{"packA6", plain, packA6Generic, func(kc, off int) int { return kc + off%5 }},
		{"packAT6", trans, packAT6Generic, func(kc, off int) int { return 6 + off%7 }},
	} {
		for name, fn := range c.paths {
			for kc := 0; kc <= 257; kc++ {
				for off := 0; off < 16; off++ {
					lda := c.lda(kc, off)
					// Exactly as long as the last element read: the
					// bounds checks before the assembly must pass.
					var n int
					if c.name == "packA6" {
						n = off + 5*lda + kc
					} else {
						n = off + max(0, kc-1)*lda + packMR
					}
					a := randSlice(r, n)
					want := make([]float32, kc*packMR+1)
					got := make([]float32, kc*packMR+1)
					want[kc*packMR], got[kc*packMR] = float32(math.NaN()), float32(math.NaN())
					if kc > 0 {
						c.want(want, a, off, lda, kc)
						fn(got, a, off, lda, kc)
					}
					for i := range kc * packMR {
						if got[i] != want[i] {
							t.Fatalf("%s %s: kc %d, offset %d, lda %d: dst[%d] = %v, want %v", c.name, name, kc, off, lda, i, got[i], want[i])
						}
					}
					if !math.IsNaN(float64(got[kc*packMR])) {
						t.Fatalf("%s %s: kc %d, offset %d: wrote past the panel", c.name, name, kc, off)
					}
				}
			}
		}
	}
}

// BenchmarkPackA6 times every path on one 256-deep panel of a matrix
// with rows of 1024 floats: ns per packed float by wall time and by the
// process's CPU time (run it with GOMAXPROCS=1 for the latter).
func BenchmarkPackA6(b *testing.B) {
	const kc, lda = 256, 1024
	r := rand.New(rand.NewPCG(25, 26))
	a := randSlice(r, kc*lda)
	dst := make([]float32, kc*packMR)
	plain, trans := packA6Paths()
	for _, c := range []struct {
		name  string
		paths map[string]packA6Func
	}{{"plain", plain}, {"trans", trans}} {
		for name, fn := range c.paths {
			b.Run(c.name+"/"+name, func(b *testing.B) {
				cpu0 := cputime.Process()
				for b.Loop() {
					fn(dst, a, 0, lda, kc)
				}
				floats := float64(b.N * kc * packMR)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/floats, "ns/float")
				b.ReportMetric(float64((cputime.Process()-cpu0).Nanoseconds())/floats, "cpu-ns/float")
			})
		}
	}
}

// TestPackRowsMatchesGeneric runs every packAT6Rows and packB16Rows path
// for every depth 0..257 at start offsets 0..15, with 1, 2 and 5 panels and
// rows longer than the panels, against the Go loops, and checks that
// nothing past the np panels is written.
func TestPackRowsMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	at6, b16 := packRowsPaths()
	for _, c := range []struct {
		name  string
		paths map[string]packRowsFunc
		want  packRowsFunc
		w     int // values per step of a panel
	}{{"packAT6Rows", at6, packAT6RowsGeneric, packMR}, {"packB16Rows", b16, packB16RowsGeneric, packNR}} {
		lda := 5*c.w + 3
		a := randSlice(r, 16+258*lda)
		for name, fn := range c.paths {
			for kc := 0; kc <= 257; kc++ {
				for _, np := range []int{1, 2, 5} {
					off := (kc + np) % 16
					n := np * kc * c.w
					want, got := make([]float32, n+1), make([]float32, n+1)
					want[n], got[n] = float32(math.NaN()), float32(math.NaN())
					src := a[:off+max(0, kc-1)*lda+np*c.w] // the bounds checks must pass
					c.want(want, src, off, lda, kc, np)
					fn(got, src, off, lda, kc, np)
					for i := range n {
						if got[i] != want[i] {
							t.Fatalf("%s %s: kc %d, %d panels, offset %d: dst[%d] = %v, want %v", c.name, name, kc, np, off, i, got[i], want[i])
						}
					}
					if !math.IsNaN(float64(got[n])) {
						t.Fatalf("%s %s: kc %d, %d panels: wrote past the panels", c.name, name, kc, np)
					}
				}
			}
		}
	}
}

// BenchmarkGemmWeightGrad times the weight-gradient products of
// bench-text's Linear layers at batch 32, dW = dCᵀ·X with 8192 rows (A
// transposed, B not): qkv (768×256), MLP up (1024×256) and down
// (256×1024), in GFLOP per CPU-second of the process.
func BenchmarkGemmWeightGrad(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{768, 256, 8192}, {1024, 256, 8192}, {256, 1024, 8192}} {
		m, n, k := s[0], s[1], s[2]
		dc, x, c := randSlice(r, k*m), randSlice(r, k*n), make([]float32, m*n)
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			cpu0 := cputime.Process()
			for b.Loop() {
				Gemm(true, false, m, n, k, 1, dc, m, x, n, 1, c, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/(cputime.Process()-cpu0).Seconds()/1e9, "GFLOP/cpu-s")
		})
	}
}
