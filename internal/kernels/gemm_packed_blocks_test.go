package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPackBlocks checks PackBlocks against Pack of each block: the same
// panels bit for bit, and the same products through GemmA, for row counts
// that are and are not whole panels, one and two slices of the sum, one
// and many blocks, PackedAs fresh and reused at another size.
func TestPackBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(91, 92))
	ps := newPackedAs(36)
	for _, c := range []struct{ blocks, m, k int }{{1, 1, 1}, {36, 7, 5}, {16, 12, 300}, {36, 64, 64}, {3, 13, 513}, {36, 6, 1}} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			blk := c.m*c.k + r.IntN(3)
			a := randSlice(r, c.blocks*blk)
			PackBlocks(ps[:c.blocks], c.m, c.k, a, blk)
			n := 9
			b := randSlice(r, c.k*n)
			for xi := range c.blocks {
				var want PackedA
				want.Pack(false, c.m, c.k, a[xi*blk:], c.k)
				got := ps[xi]
				if got.mPad != want.mPad || len(got.buf) < want.mPad*c.k {
					t.Fatalf("block %d: %d rows padded, %d floats; want %d, %d", xi, got.mPad, len(got.buf), want.mPad, want.mPad*c.k)
				}
				for i := range want.mPad * c.k {
					if math.Float32bits(got.buf[i]) != math.Float32bits(want.buf[i]) {
						t.Fatalf("block %d: panel float %d = %v, want %v", xi, i, got.buf[i], want.buf[i])
					}
				}
				cg, cw := make([]float32, c.m*n), make([]float32, c.m*n)
				GemmA(got, false, n, 1, b, n, 0, cg, n)
				GemmA(&want, false, n, 1, b, n, 0, cw, n)
				for i := range cg {
					if math.Float32bits(cg[i]) != math.Float32bits(cw[i]) {
						t.Fatalf("block %d: C[%d] = %v, want %v", xi, i, cg[i], cw[i])
					}
				}
			}
		})
	}
}

// newPackedAs returns n empty PackedAs.
func newPackedAs(n int) []*PackedA {
	ps := make([]*PackedA, n)
	for i := range ps {
		ps[i] = new(PackedA)
	}
	return ps
}

// checkSamePacked fails t unless got[ξ] records the matrix shape, kernel
// and layout of want[ξ] and holds the same panels, bit for bit, for every
// ξ of want; what starts the messages.
func checkSamePacked(t *testing.T, what string, got, want []*PackedA) {
	t.Helper()
	for xi, wa := range want {
		g := got[xi]
		if g.m != wa.m || g.k != wa.k || g.mPad != wa.mPad || g.transA != wa.transA || g.kern != wa.kern {
			t.Fatalf("%sblock %d: m %d k %d mPad %d transA %v; want %d %d %d %v", what, xi, g.m, g.k, g.mPad, g.transA, wa.m, wa.k, wa.mPad, wa.transA)
		}
		for i := range wa.mPad * wa.k {
			if math.Float32bits(g.buf[i]) != math.Float32bits(wa.buf[i]) {
				t.Fatalf("%sblock %d: panel float %d = %v, want %v", what, xi, i, g.buf[i], wa.buf[i])
			}
		}
	}
}
