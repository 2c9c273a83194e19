package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAttnRowPaths runs every path of RowMax and SoftmaxGradRow for
// lengths 0..257 at offsets 0..15: the maximum of a one-by-one scan (NaNs
// ignored, −Inf for none; rowMaxGo's four running maxima are one of the
// paths) and the bits of the Go loop, nothing written past the row.
func TestAttnRowPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, p := range attnRowPaths() {
		for n := 0; n <= 257; n++ {
			off := n % 16
			x := randSlice(r, off+n)[off:]
			for _, special := range []float32{0, nan, -inf, inf} {
				if n > 0 && special != 0 {
					x[r.IntN(n)] = special
				}
				got, want := p.rowMax(x), rowMaxNaive(x)
				if got != want && !(math.IsNaN(float64(got)) && math.IsNaN(float64(want))) {
					t.Fatalf("%s RowMax, n %d, with %v: %v, want %v", p.name, n, special, got, want)
				}
			}
			allNaN := make([]float32, n)
			for i := range allNaN {
				allNaN[i] = nan
			}
			if got := p.rowMax(allNaN); !math.IsInf(float64(got), -1) {
				t.Fatalf("%s RowMax of %d NaNs: %v, want -Inf", p.name, n, got)
			}

			e := randSlice(r, off+n)[off:]
			ds0 := randSlice(r, off+n+1)[off:]
			want, got := append([]float32(nil), ds0...), append([]float32(nil), ds0...)
			softmaxGradRowGo(want[:n], e, 0.3, 1.7)
			p.softmaxGrad(got[:n], e, 0.3, 1.7)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s SoftmaxGradRow, n %d: ds[%d] = %v, want %v", p.name, n, i, got[i], want[i])
				}
			}
		}
	}
}

// rowMaxNaive is RowMax's definition, one element at a time.
func rowMaxNaive(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}
