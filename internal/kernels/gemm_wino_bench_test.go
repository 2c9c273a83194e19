package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/diffusego/diffusego/internal/cputime"
)

// BenchmarkGemmAWinoShapes reports the rate of the transform-domain
// products of a Winograd F(4×4, 3×3) convolution: 36 products
// M_ξ = U_ξ·V_ξ of Cout × Cin by Cin × n (n tiles of a chunk), one after
// another on the calling goroutine as winoConv runs them, each U_ξ a
// different packed matrix (the 36 together are 0.6 to 4.7 MB: they do not
// all stay in L2). GFLOP per CPU-second of the process; run it with
// GOMAXPROCS=1 for one core's rate:
//
//	GOMAXPROCS=1 go test -run '^$' -bench GemmAWinoShapes ./internal/kernels/
func BenchmarkGemmAWinoShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const blocks = 36
	for _, s := range [][2]int{{32, 32}, {32, 96}, {64, 64}, {64, 192}, {128, 128}, {128, 256}} {
		cout, cin := s[0], s[1]
		us := make([]*PackedA, blocks)
		w := randSlice(r, blocks*cout*cin)
		for xi := range us {
			us[xi] = new(PackedA)
		}
		PackBlocks(us, cout, cin, w, cout*cin)
		for _, n := range []int{16, 32, 49, 64, 98, 128, 196, 256} {
			ld := n + WinogradPad
			v := randSlice(r, blocks*cin*ld)
			m := make([]float32, blocks*cout*ld)
			b.Run(fmt.Sprintf("%dx%d/n=%d", cout, cin, n), func(b *testing.B) {
				c0 := cputime.Seconds()
				for b.Loop() {
					for xi := range blocks {
						GemmASerial(us[xi], false, n, 1, v[xi*cin*ld:], ld, 0, m[xi*cout*ld:], ld)
					}
				}
				flops := 2 * float64(blocks*cout*cin*n) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if c := cputime.Seconds() - c0; c > 0 {
					b.ReportMetric(flops/c/1e9, "GFLOP/cpu-s")
				}
			})
		}
	}
}
