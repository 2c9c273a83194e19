package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestModulatePaths runs every path of every modulation kernel for every
// length 0..257 at offsets 0..15, against the Go loops bit for bit, and
// checks that nothing past the length is written.
func TestModulatePaths(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	f64 := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = r.NormFloat64() * 10
		}
		return s
	}
	same32 := func(a, b []float32) bool {
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return true
	}
	same64 := func(a, b []float64) bool {
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				return false
			}
		}
		return true
	}
	for _, k := range modPaths() {
		for n := 0; n <= 257; n++ {
			for off := 0; off < 16; off++ {
				x, a, b := randSlice(r, off+n), randSlice(r, off+n), randSlice(r, off+n)
				x, a, b = x[off:], a[off:], b[off:]
				y0 := randSlice(r, n+1)

				want, got := append([]float32(nil), y0...), append([]float32(nil), y0...)
				mulAddGo(want[:n], x, a, b)
				k.mulAdd(got[:n], x, a, b)
				if !same32(got, want) {
					t.Fatalf("%s mulAdd, n %d, offset %d: %v, want %v", k.name, n, off, got, want)
				}
				want, got = append([]float32(nil), y0...), append([]float32(nil), y0...)
				mulAddToGo(want[:n], x, a)
				k.mulAddTo(got[:n], x, a)
				if !same32(got, want) {
					t.Fatalf("%s mulAddTo, n %d, offset %d: %v, want %v", k.name, n, off, got, want)
				}

				s0, p0 := f64(n+1), f64(n+1)
				ws, wp := append([]float64(nil), s0...), append([]float64(nil), p0...)
				gs, gp := append([]float64(nil), s0...), append([]float64(nil), p0...)
				sumProdToGo(ws[:n], wp[:n], x, a)
				k.sumProdTo(gs[:n], gp[:n], x, a)
				if !same64(gs, ws) || !same64(gp, wp) {
					t.Fatalf("%s sumProdTo, n %d, offset %d: %v %v, want %v %v", k.name, n, off, gs, gp, ws, wp)
				}
				wp, gp = append([]float64(nil), p0...), append([]float64(nil), p0...)
				prodToGo(wp[:n], x, a)
				k.prodTo(gp[:n], x, a)
				if !same64(gp, wp) {
					t.Fatalf("%s prodTo, n %d, offset %d: %v, want %v", k.name, n, off, gp, wp)
				}
			}
		}
	}
	// The exported functions check lengths and take the nil-s form.
	x := []float32{1, 2, 3}
	p := make([]float64, 3)
	SumProdTo(nil, p, x, x)
	if p[2] != 9 {
		t.Errorf("SumProdTo(nil, …): p = %v, want [1 4 9]", p)
	}
}
