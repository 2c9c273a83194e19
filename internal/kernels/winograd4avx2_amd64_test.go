//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestWinograd4RowsAVX2 checks the AVX2 row copy and output rows' pass
// against the Go loops, bit for bit, whatever DIFFUSEGO_KERNELS selects:
// every length up to 40 (whole vectors of 8, a rest of 4, single
// floats), odd strides and plane offsets, the three modes of the output
// pass, and that nothing past the rows' l floats is read or written (the
// source slices end at the last float; the destinations have 20 more that
// must not change).
func TestWinograd4RowsAVX2(t *testing.T) {
	if !hasAVX2 {
		t.Skip("the CPU has no AVX2")
	}
	r := rand.New(rand.NewPCG(83, 84))
	for l := 1; l <= 40; l++ {
		for _, rows := range []int{1, 2, 5} {
			planes := 1 + r.IntN(3)
			ds, ss := l+r.IntN(5), l+r.IntN(5)
			dp, sp := rows*ds+r.IntN(4), rows*ss+r.IntN(4)
			src := randSlice(r, (planes-1)*sp+(rows-1)*ss+l)
			want := randSlice(r, (planes-1)*dp+(rows-1)*ds+l+20)
			got := append([]float32(nil), want...)
			wino4CopyRowsGeneric(want, ds, src, ss, l, rows, planes, dp, sp)
			wino4CopyRowsVec2(got, ds, src, ss, l, rows, planes, dp, sp)
			wino4SameBits(t, "copy", l, rows, got, want)

			for mode := range 3 {
				src := randSlice(r, (rows-1)*ss+l)
				var res []float32
				if mode == 1 {
					res = randSlice(r, (rows-1)*ds+l)
				}
				b, sh := r.Float32(), r.Float32()
				want := randSlice(r, (rows-1)*ds+l+20)
				got := append([]float32(nil), want...)
				wino4RowsOutGeneric(want, ds, src, ss, res, l, rows, b, sh, mode == 2)
				wino4RowsOutVec2(got, ds, src, ss, res, l, rows, b, sh, mode == 2)
				wino4SameBits(t, []string{"set", "residual", "add"}[mode], l, rows, got, want)
			}
		}
	}
}

// wino4SameBits fails t unless got and want hold the same bits.
func wino4SameBits(t *testing.T, what string, l, rows int, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s, l=%d rows=%d: dst[%d] = %v, want %v", what, l, rows, i, got[i], want[i])
		}
	}
}

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
