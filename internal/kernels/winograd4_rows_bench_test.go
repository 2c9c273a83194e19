package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// wino4RowShapes are bench-unet's F(4×4) convolution inputs: side, channels.
var wino4RowShapes = []struct{ hw, c int }{{28, 32}, {14, 64}, {7, 128}}

// wino4RowCase is one benchmark case of the band passes: a path, a
// feature map of side hw with c channels, samples of them, and the band
// layout's sizes.
type wino4RowCase struct {
	p                             wino4Path
	hw, c, samples, tiles, tw, bl int
}

// eachWino4RowCase runs f for every path, bench-unet shape and batch 64
// and 16, as a sub-benchmark named path/side/bBATCH that reports ns/elem
// over elems(c) elements.
func eachWino4RowCase(b *testing.B, f func(b *testing.B, k wino4RowCase) (elems int)) {
	for _, p := range wino4Paths() {
		for _, s := range wino4RowShapes {
			for _, samples := range []int{64, 16} {
				tiles := Winograd4Tiles(s.hw, s.hw)
				k := wino4RowCase{p, s.hw, s.c, samples, tiles, (s.hw + 3) / 4, 4 * ceilDiv(samples*tiles, wino4Vec) * wino4Vec}
				b.Run(fmt.Sprintf("%s/%d/b%d", p.name, s.hw, samples), func(b *testing.B) {
					elems := f(b, k)
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(elems), "ns/elem")
				})
			}
		}
	}
}

// BenchmarkWino4CopyRows times the band copies of Winograd4Input alone
// (every channel, on the calling goroutine) and BenchmarkWino4RowsOut the
// output planes' pass of Winograd4Output (bias and shift set), at
// bench-unet's three resolutions and batch 64 and 16, per image element.
//
//	go test -run '^$' -bench 'Wino4(CopyRows|RowsOut)' ./internal/kernels/
func BenchmarkWino4CopyRows(b *testing.B) {
	eachWino4RowCase(b, func(b *testing.B, k wino4RowCase) int {
		h, w := k.hw, k.hw
		inSize := k.c * h * w
		x := randSlice(rand.New(rand.NewPCG(1, 2)), k.samples*inSize)
		bands := make([]float32, 12*k.bl)
		list := wino4InputBands(h, w, k.bl)
		for b.Loop() {
			for ch := range k.c {
				img := x[ch*h*w : (k.samples-1)*inSize+(ch+1)*h*w]
				k.p.copyBands(bands, img, list, 4*k.tw, 4*w, k.samples, 4*k.tiles, inSize)
			}
		}
		return len(x)
	})
}

func BenchmarkWino4RowsOut(b *testing.B) {
	eachWino4RowCase(b, func(b *testing.B, k wino4RowCase) int {
		h, w := k.hw, k.hw
		outSize := k.c * h * w
		y := make([]float32, k.samples*outSize)
		rows := randSlice(rand.New(rand.NewPCG(1, 2)), 4*k.bl)
		for b.Loop() {
			for ch := range k.c {
				for s := range k.samples {
					plane := y[s*outSize+ch*h*w:][:h*w]
					k.p.bandsOut(plane, w, rows[4*s*k.tiles:], 4*k.tw, k.bl, nil, w, h, 0.5, 0.25, false)
				}
			}
		}
		return len(y)
	})
}
