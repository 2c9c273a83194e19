//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGELU512MatchesAVX2 checks that the AVX-512 GELU and GELUGrad give
// the AVX2 path's bits exactly (the same instructions on each lane), for
// every length 0..100 at offsets 0..3, on normal values, values past the
// flush cut, zeros, infinities and NaN.
func TestGELU512MatchesAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512F on this CPU")
	}
	r := rand.New(rand.NewPCG(7, 8))
	special := []float32{0, float32(math.Copysign(0, -1)), 13, -13, 13.5, -13.5, 40, -40,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-30, -1e-30}
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b) }
	buf := make([]float32, 104)
	for n := 0; n <= 100; n++ {
		for off := 0; off < 4; off++ {
			for i := range buf {
				buf[i] = float32(r.NormFloat64() * 5)
				if r.IntN(8) == 0 {
					buf[i] = special[r.IntN(len(special))]
				}
			}
			x := buf[off : off+n]
			dy := make([]float32, n)
			for i := range dy {
				dy[i] = float32(r.NormFloat64())
			}
			ya, yb := make([]float32, n), make([]float32, n)
			geluVec(ya, x)
			geluVec512(yb, x)
			da, db := make([]float32, n), make([]float32, n)
			for i := range da {
				da[i] = float32(i) / 7
				db[i] = da[i]
			}
			geluGradVec(da, dy, x)
			geluGradVec512(db, dy, x)
			for i := range x {
				if !same(ya[i], yb[i]) || !same(da[i], db[i]) {
					t.Fatalf("n=%d off=%d x=%v: avx2 %v / %v, avx512 %v / %v", n, off, x[i], ya[i], da[i], yb[i], db[i])
				}
			}
		}
	}
}
