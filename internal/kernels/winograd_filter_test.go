package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinogradFilterFlippedPacked checks F(2×2)'s WinogradFilterFlipped
// bit for bit against WinogradFilter of the flipped weight W'[ci][co] =
// rot180(W[co][ci]), and WinogradFilterPacked against PackBlocks of
// either's u.
func TestWinogradFilterFlippedPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(93, 94))
	ps := newPackedAs(16)
	for _, c := range []struct{ cout, cin int }{{1, 1}, {3, 5}, {64, 2}, {13, 300}} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			w := randSlice(r, 9*c.cout*c.cin)
			rot := make([]float32, len(w))
			flipFilters(rot, w, c.cout, c.cin)
			blk := c.cout * c.cin
			plain, flipped := make([]float32, 16*blk), make([]float32, 16*blk)
			WinogradFilter(plain, w, c.cout, c.cin)
			WinogradFilter(flipped, rot, c.cin, c.cout)
			got := make([]float32, 16*blk)
			WinogradFilterFlipped(got, w, c.cout, c.cin)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(flipped[i]) {
					t.Fatalf("flipped u[%d] = %v, want %v", i, got[i], flipped[i])
				}
			}
			for _, f := range []bool{false, true} {
				m, k, u := c.cout, c.cin, plain
				if f {
					m, k, u = c.cin, c.cout, flipped
				}
				want := newPackedAs(16)
				PackBlocks(want, m, k, u, blk)
				WinogradFilterPacked(ps, w, c.cout, c.cin, f)
				checkSamePacked(t, fmt.Sprintf("flipped=%v ", f), ps, want)
			}
		})
	}
}

// flipFilters sets rot (cin × cout × 3 × 3) to the flipped filters of the
// input gradient of w (cout × cin × 3 × 3), rot[ci][co] = rot180(w[co][ci]):
// the copy the flipped transforms, which read w in place, are checked
// against.
func flipFilters(rot, w []float32, cout, cin int) {
	for co := range cout {
		for ci := range cin {
			for e := range 9 {
				rot[9*(ci*cout+co)+e] = w[9*(co*cin+ci)+8-e]
			}
		}
	}
}
