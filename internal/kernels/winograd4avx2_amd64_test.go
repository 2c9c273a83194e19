//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinograd4AVX2Specials checks the AVX2 transforms against the Go
// loops, bit for bit, on inputs where a fused multiply-add would round
// differently from the Go code's separate operations or where the
// operation order shows: huge values whose products by 4 and 8 overflow,
// infinities, NaNs, signed zeros, subnormals and values of mixed scales.
func TestWinograd4AVX2Specials(t *testing.T) {
	if !hasAVX2 {
		t.Skip("the CPU has no AVX2")
	}
	r := rand.New(rand.NewPCG(85, 86))
	specials := []float32{0, float32(math.Copysign(0, -1)), 1e38, -1e38, 3e38, float32(math.Inf(1)),
		float32(math.Inf(-1)), 1e-45, -1e-40, 1, 1 + 1.0/(1<<23), 1e8, -1e-8}
	pick := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			if r.IntN(3) == 0 {
				s[i] = specials[r.IntN(len(specials))]
			} else {
				s[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(9)-4)))
			}
		}
		return s
	}
	for _, n := range []int{1, 7, 8, 9, 24, 33} {
		v := ceilDiv(n, wino4Vec) * wino4Vec
		blk, bl := v+3, 4*v+1
		q := 6*bl + 2
		src := pick(q + 6*bl)
		want := randSlice(r, 36*blk+wino4Guard)
		got := append([]float32(nil), want...)
		wino4InGeneric(want, blk, src, bl, q, n)
		wino4AVX2.in(got, blk, src, bl, q, n)
		checkWino4Rows(t, "in", got, want, blk, n, v)

		want = randSlice(r, 36*blk+wino4Guard)
		got = append([]float32(nil), want...)
		wino4GradGeneric(want, blk, src, bl, n)
		wino4AVX2.grad(got, blk, src, bl, n)
		checkWino4Rows(t, "grad", got, want, blk, n, v)

		m := pick(36 * blk)
		rows := randSlice(r, 4*bl+wino4Guard)
		rw := append([]float32(nil), rows...)
		wino4OutGeneric(rw, bl, m, blk, n)
		wino4AVX2.out(rows, bl, m, blk, n)
		for i := range rows {
			if k := i % bl; i < 4*bl && k >= 4*n && k < 4*v {
				continue
			}
			if math.Float32bits(rows[i]) != math.Float32bits(rw[i]) && !(isNaN32(rows[i]) && isNaN32(rw[i])) {
				t.Fatalf("out, n=%d: row %d, float %d = %v, want %v", n, i/bl, i%bl, rows[i], rw[i])
			}
		}
	}
}

// isNaN32 reports whether x is a NaN.
func isNaN32(x float32) bool { return x != x }
