package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSetToIsAddToIntoZeros checks SetTo against AddTo into a zeroed
// buffer, bit for bit, on every length 0..70 at offsets 0..7, with −0,
// +0, infinities and NaN among the values, and that the element after the
// end is left alone.
func TestSetToIsAddToIntoZeros(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	src0 := randSlice(r, 100)
	negZero := float32(math.Copysign(0, -1))
	src0[3], src0[10], src0[17], src0[40] = negZero, 0, float32(math.Inf(-1)), negZero
	src0[41] = float32(math.NaN())
	for n := 0; n <= 70; n++ {
		for off := range 8 {
			src := src0[off : off+n]
			got := make([]float32, n+1)
			for i := range got {
				got[i] = 7 // garbage SetTo must overwrite
			}
			got[n] = -5 // a sentinel past the end
			want := make([]float32, n)
			AddTo(want, src)
			SetTo(got[:n], src)
			for i := range n {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n %d, offset %d: dst[%d] = %v (bits %08x), want %v (bits %08x)", n, off, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
				}
			}
			if got[n] != -5 {
				t.Fatalf("n %d, offset %d: element past the end written: %v", n, off, got[n])
			}
		}
	}
}
