package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSumPaths checks that every path gives the Go loop's bits for every
// length 0..300 at several start offsets, and that Sum is within float64
// rounding of the exact sum.
func TestSumPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	xs := randSlice(r, 320)
	for i := range xs {
		xs[i] *= float32(1 + r.IntN(1000))
	}
	for _, p := range sumPaths() {
		for n := 16; n <= 300; n += 16 {
			for _, off := range []int{0, 1, 3} {
				var got, want [16]float64
				for l := range got {
					got[l], want[l] = float64(l), float64(l)
				}
				p.fn(xs[off:off+n], &got)
				sum16Generic(xs[off:off+n], &want)
				if got != want {
					t.Fatalf("%s: n %d offset %d: %v, want %v", p.name, n, off, got, want)
				}
			}
		}
	}
	for n := range 300 {
		x := xs[:n]
		var exact, abs float64
		for _, v := range x {
			exact += float64(v)
			abs += math.Abs(float64(v))
		}
		if got := Sum(x); math.Abs(got-exact) > 1e-14*abs {
			t.Fatalf("Sum of %d values = %v, want %v", n, got, exact)
		}
	}
}

func BenchmarkSum(b *testing.B) {
	x := make([]float32, 784)
	b.SetBytes(4 * 784)
	for b.Loop() {
		Sum(x)
	}
}
