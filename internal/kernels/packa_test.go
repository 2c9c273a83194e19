package kernels

import (
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
