package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPackB16MatchesGeneric runs every path for every depth 0..257 at
// start offsets 0..15 and row strides 16..19, and checks that nothing
// past the kc·16 packed values is written.
func TestPackB16MatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	b := randSlice(r, 16+258*19+16)
	for name, fn := range packB16Paths() {
		for kc := 0; kc <= 257; kc++ {
			for off := 0; off < 16; off++ {
				ldb := 16 + (kc+off)%4
				want := make([]float32, kc*16+1)
				got := make([]float32, kc*16+1)
				want[kc*16], got[kc*16] = float32(math.NaN()), float32(math.NaN())
				packB16Generic(want, b[off:], ldb, kc)
				fn(got, b[off:], ldb, kc)
				for i := range kc * 16 {
					if got[i] != want[i] {
						t.Fatalf("%s: kc %d, offset %d, ldb %d: dst[%d] = %v, want %v", name, kc, off, ldb, i, got[i], want[i])
					}
				}
				if !math.IsNaN(float64(got[kc*16])) {
					t.Fatalf("%s: kc %d, offset %d: wrote past the panel", name, kc, off)
				}
			}
		}
	}
}

// TestPackBTrans16MatchesGeneric runs every path for every depth 0..257
// at start offsets 0..15 and several row strides, and checks that nothing
// past the kc·16 packed values is written.
func TestPackBTrans16MatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	b := randSlice(r, 16*300+16)
	for name, fn := range packBTrans16Paths() {
		for kc := 0; kc <= 257; kc++ {
			for off := 0; off < 16; off++ {
				ldb := kc + off%5
				want := make([]float32, kc*16+1)
				got := make([]float32, kc*16+1)
				want[kc*16], got[kc*16] = float32(math.NaN()), float32(math.NaN())
				packBTrans16Generic(want, b, off, ldb, kc)
				fn(got, b, off, ldb, kc)
				for i := range kc * 16 {
					if got[i] != want[i] {
						t.Fatalf("%s: kc %d, offset %d, ldb %d: dst[%d] = %v, want %v", name, kc, off, ldb, i, got[i], want[i])
					}
				}
				if !math.IsNaN(float64(got[kc*16])) {
					t.Fatalf("%s: kc %d, offset %d: wrote past the panel", name, kc, off)
				}
			}
		}
	}
}
