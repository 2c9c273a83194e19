package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// wino4RowShapes are bench-unet's F(4×4) convolution inputs: side, channels.
var wino4RowShapes = []struct{ hw, c int }{{28, 32}, {14, 64}, {7, 128}}

// BenchmarkWino4CopyRows times the row copies of Winograd4Input alone
// (every band of every channel, on the calling goroutine) and
// BenchmarkWino4RowsOut the output rows' pass of Winograd4Output (bias
// and shift set), at bench-unet's three resolutions and batch 64 and 16,
// per image element.
//
//	go test -run '^$' -bench 'Wino4(CopyRows|RowsOut)' ./internal/kernels/
func BenchmarkWino4CopyRows(b *testing.B) {
	for _, p := range wino4Paths() {
		for _, one := range []bool{false, true} {
			name := p.name
			if one {
				name += "-bands"
			}
			for _, s := range wino4RowShapes {
				for _, samples := range []int{64, 16} {
					h, w, c := s.hw, s.hw, s.c
					inSize := c * h * w
					x := randSlice(rand.New(rand.NewPCG(1, 2)), samples*inSize)
					tiles := Winograd4Tiles(h, w)
					n := samples * tiles
					tw := (w + 3) / 4
					bl := 4 * ceilDiv(n, wino4Vec) * wino4Vec
					bands := make([]float32, 12*bl)
					list := wino4InputBands(h, w, bl)
					b.Run(fmt.Sprintf("%s/%d/b%d", name, h, samples), func(b *testing.B) {
						for b.Loop() {
							for ch := range c {
								img := x[ch*h*w : (samples-1)*inSize+(ch+1)*h*w]
								if one {
									p.copyBands(bands, img, list, 4*tw, 4*w, samples, 4*tiles, inSize)
									continue
								}
								for _, d := range list {
									p.copyRows(bands[d.dst:], 4*tw, img[d.src:], 4*w, d.l, d.rows, samples, 4*tiles, inSize)
								}
							}
						}
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/elem")
					})
				}
			}
		}
	}
}

func BenchmarkWino4RowsOut(b *testing.B) {
	for _, p := range wino4Paths() {
		for _, one := range []bool{false, true} {
			name := p.name
			if one {
				name += "-bands"
			}
			for _, s := range wino4RowShapes {
				for _, samples := range []int{64, 16} {
					h, w, c := s.hw, s.hw, s.c
					outSize := c * h * w
					y := make([]float32, samples*outSize)
					tiles := Winograd4Tiles(h, w)
					n := samples * tiles
					tw := (w + 3) / 4
					bl := 4 * ceilDiv(n, wino4Vec) * wino4Vec
					rows := randSlice(rand.New(rand.NewPCG(1, 2)), 4*bl)
					b.Run(fmt.Sprintf("%s/%d/b%d", name, h, samples), func(b *testing.B) {
						for b.Loop() {
							for ch := range c {
								for s := range samples {
									plane := y[s*outSize+ch*h*w:][:h*w]
									if one {
										p.bandsOut(plane, w, rows[4*s*tiles:], 4*tw, bl, nil, w, h, 0.5, 0.25, false)
										continue
									}
									for r := range min(4, h) {
										p.rowsOut(plane[r*w:], 4*w, rows[r*bl+4*s*tiles:], 4*tw, nil, w, (h-r+3)/4, 0.5, 0.25, false)
									}
								}
							}
						}
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(y)), "ns/elem")
					})
				}
			}
		}
	}
}
