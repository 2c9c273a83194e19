package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkWinogradTransforms times the input, output and output-gradient
// transforms of F(2×2) and F(4×4) on one chunk of 64 channels at bench-unet's
// three resolutions, on the calling goroutine, per image pixel and channel.
//
//	go test -run '^$' -bench WinogradTransforms ./internal/kernels/
func BenchmarkWinogradTransforms(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct{ hw, samples int }{{28, 1}, {14, 4}, {7, 8}} {
		c, hw := 64, s.hw
		size := c * hw * hw
		x := randSlice(r, s.samples*size)
		for _, f4 := range []bool{false, true} {
			tiles, blocks := WinogradTiles(hw, hw), 16
			name := "F2"
			if f4 {
				tiles, blocks, name = Winograd4Tiles(hw, hw), 36, "F4"
			}
			ld := s.samples*tiles + WinogradPad
			v := make([]float32, blocks*c*ld+WinogradPad)
			y := make([]float32, len(x))
			px := float64(s.samples * size)
			b.Run(fmt.Sprintf("%s/%d/in", name, hw), func(b *testing.B) {
				for b.Loop() {
					if f4 {
						Winograd4Input(v, c*ld, ld, x, size, s.samples, c, hw, hw, false)
					} else {
						WinogradInput(v, c*ld, ld, x, size, s.samples, c, hw, hw, false)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/px, "ns/px")
			})
			b.Run(fmt.Sprintf("%s/%d/out", name, hw), func(b *testing.B) {
				adds := &WinogradAdds{Bias: x[:c]}
				for b.Loop() {
					if f4 {
						Winograd4Output(y, size, false, adds, v, c*ld, ld, s.samples, c, hw, hw, false)
					} else {
						WinogradOutput(y, size, false, adds, v, c*ld, ld, s.samples, c, hw, hw, false)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/px, "ns/px")
			})
			b.Run(fmt.Sprintf("%s/%d/grad", name, hw), func(b *testing.B) {
				for b.Loop() {
					if f4 {
						Winograd4OutputGrad(v, c*ld, ld, x, size, s.samples, c, hw, hw, false)
					} else {
						WinogradOutputGrad(v, c*ld, ld, x, size, s.samples, c, hw, hw, false)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/px, "ns/px")
			})
		}
	}
}
