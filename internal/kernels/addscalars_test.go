package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddScalarsMatchesGeneric runs every path on every length 0..100 at
// several start offsets, out of place and in place, and checks the bits
// against the defining loop and that the element after the end is kept.
func TestAddScalarsMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	src0 := randSlice(r, 140)
	src0[3] = float32(math.Copysign(0, -1))
	src0[5] = float32(math.Inf(1))
	for _, p := range addScalarsPaths() {
		for _, bs := range [][2]float32{{0.5, -1.25}, {1e-3, NegZero}, {NegZero, 7}, {3, 1e8}} {
			for n := 0; n <= 100; n++ {
				for _, off := range []int{0, 1, 5, 13} {
					src := src0[off : off+n]
					want := make([]float32, n+1)
					for i, v := range src {
						want[i] = (v + bs[0]) + bs[1]
					}
					want[n] = 42
					got := make([]float32, n+1)
					got[n] = 42
					p.fn(got[:n], src, bs[0], bs[1])
					in := append([]float32(nil), src...)
					p.fn(in, in, bs[0], bs[1])
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %v: n %d, offset %d: dst[%d] = %v, want %v", p.name, bs, n, off, i, got[i], want[i])
						}
						if i < n && math.Float32bits(in[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %v in place: n %d, offset %d: dst[%d] = %v, want %v", p.name, bs, n, off, i, in[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestNegZeroLeavesValues checks that adding NegZero changes no value,
// −0 and +0 included, so that AddScalars(d, s, b, NegZero) is s + b bit
// for bit.
func TestNegZeroLeavesValues(t *testing.T) {
	for _, v := range []float32{0, NegZero, 1, -1, float32(math.Inf(-1)), math.SmallestNonzeroFloat32} {
		if got := v + NegZero; math.Float32bits(got) != math.Float32bits(v) {
			t.Errorf("%v + NegZero = %v (bits %x), want bits %x", v, got, math.Float32bits(got), math.Float32bits(v))
		}
	}
	if math.Signbit(float64(NegZero)) != true || NegZero != 0 {
		t.Errorf("NegZero = %v, want −0", NegZero)
	}
}

func BenchmarkAddScalars(b *testing.B) {
	for _, p := range addScalarsPaths() {
		b.Run(p.name, func(b *testing.B) {
			x, y := make([]float32, 784), make([]float32, 784)
			b.SetBytes(2 * 4 * 784)
			for b.Loop() {
				p.fn(y, x, 0.5, 0.25)
			}
		})
	}
}
