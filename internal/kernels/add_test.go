package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddToMatchesGeneric runs every path on every length 0..257 at every
// start offset 0..15 of both slices, and checks that the element after the
// end is left alone.
func TestAddToMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	src0 := randSlice(r, 300)
	dst0 := randSlice(r, 300)
	for _, p := range addPaths() {
		for n := 0; n <= 257; n++ {
			for off := 0; off < 16; off++ {
				src := src0[off : off+n]
				got := append([]float32(nil), dst0...)
				want := append([]float32(nil), dst0...)
				got[15-off+n+16] = float32(math.NaN()) // a sentinel past dst's end
				want[15-off+n+16] = got[15-off+n+16]
				p.fn(got[15-off:15-off+n], src)
				for i := range n {
					want[15-off+i] += src[i]
				}
				for i := range want {
					if got[i] != want[i] && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
						t.Fatalf("%s: n %d, offset %d: dst[%d] = %v, want %v", p.name, n, off, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func BenchmarkAddTo(b *testing.B) {
	for _, p := range addPaths() {
		b.Run(p.name, func(b *testing.B) {
			x, y := make([]float32, 1<<14), make([]float32, 1<<14)
			b.SetBytes(3 * 4 << 14)
			for b.Loop() {
				p.fn(y, x)
			}
		})
	}
}

// BenchmarkAddToRows adds rows as short as a Winograd output's image rows
// (7, 14 and 28 pixels), where the tail after the last 8 lanes is most of
// the work.
func BenchmarkAddToRows(b *testing.B) {
	for _, w := range []int{7, 14, 28} {
		b.Run(fmt.Sprintf("w=%d", w), func(b *testing.B) {
			x, y := make([]float32, 1024*w), make([]float32, 1024*w)
			b.SetBytes(int64(3 * 4 * len(x)))
			for b.Loop() {
				for r := 0; r < len(x); r += w {
					AddTo(y[r:r+w], x[r:r+w])
				}
			}
		})
	}
}
