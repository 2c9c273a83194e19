package autograd

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// TestConvChunkingInvariant runs convolutions with the whole batch in one
// chunk, one sample per chunk, and two per chunk (an uneven last chunk),
// and checks that the output and the input gradient are the same bits
// (each element is the same sum in the same order) and the weight and bias
// gradients agree to rounding (their sums are split differently).
func TestConvChunkingInvariant(t *testing.T) {
	for _, c := range []struct{ n, cin, h, w, cout, k, stride, pad, groups int }{
		{5, 3, 6, 7, 4, 3, 1, 1, 1},
		{5, 4, 7, 5, 6, 3, 2, 1, 2},
		{3, 6, 4, 4, 6, 1, 1, 0, 3},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			rng := tensor.NewRNG(7)
			x := rng.Randn(c.n, c.cin, c.h, c.w)
			w := rng.Randn(c.cout, c.cin/c.groups, c.k, c.k)
			b := rng.Randn(c.cout)
			run := func(cols, maxFloats int) (y, dx, dw, db *tensor.Tensor) {
				defer func(c, m int) { convChunkCols, convChunkMax = c, m }(convChunkCols, convChunkMax)
				convChunkCols, convChunkMax = cols, maxFloats
				xv, wv, bv := NewParam(x), NewParam(w), NewParam(b)
				g := New()
				out := g.Conv2d(xv, wv, bv, c.stride, c.pad, c.groups)
				dy := tensor.NewRNG(8).Randn(out.Value.Shape...)
				if err := g.BackwardWith(out, dy); err != nil {
					t.Fatal(err)
				}
				return out.Value, xv.Grad, wv.Grad, bv.Grad
			}
			y0, dx0, dw0, db0 := run(1<<20, 1<<30)
			for _, s := range []struct{ cols, max int }{{1, 1 << 30}, {1, 1}, {2 * c.h * c.w, 1 << 30}} {
				y, dx, dw, db := run(s.cols, s.max)
				same(t, fmt.Sprintf("y (chunk cols %d)", s.cols), y.Data, y0.Data, 0)
				same(t, fmt.Sprintf("dx (chunk cols %d)", s.cols), dx.Data, dx0.Data, 0)
				same(t, fmt.Sprintf("dw (chunk cols %d)", s.cols), dw.Data, dw0.Data, 1e-5)
				same(t, fmt.Sprintf("db (chunk cols %d)", s.cols), db.Data, db0.Data, 0)
			}
		})
	}
}

// same fails t unless got and want agree within rel (relative to 1 + |want|).
func same(t *testing.T, what string, got, want []float32, rel float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > rel*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestSpan checks that span cuts every batch into chunks that cover it
// in order and differ by at most one sample (parallel's tests check the
// chunk counts).
func TestSpan(t *testing.T) {
	for _, n := range []int{1, 3, 16, 17, 64} {
		for nch := 1; nch <= n; nch++ {
			c := &convChunks{n: n, nch: nch, s: (n + nch - 1) / nch}
			next := 0
			for ch := range nch {
				lo, m := c.span(ch)
				if lo != next || m < n/nch || m > c.s {
					t.Fatalf("n %d, %d chunks: chunk %d is samples [%d, %d), want from %d, %d to %d of them",
						n, nch, ch, lo, lo+m, next, n/nch, c.s)
				}
				next = lo + m
			}
			if next != n {
				t.Fatalf("n %d, %d chunks: the chunks end at %d", n, nch, next)
			}
		}
	}
}

// TestRotate checks rotate against its definition, W'[ci, co, a, b] =
// W[co, ci, KH−1−a, KW−1−b] per group, for 3×3 kernels (the unrolled
// path) and others, with and without groups, on rows enough to be split
// across workers.
func TestRotate(t *testing.T) {
	for _, s := range []struct{ cout, cin, kh, kw, groups int }{
		{4, 6, 3, 3, 1}, {6, 4, 3, 3, 2}, {3, 5, 1, 3, 1}, {4, 4, 5, 5, 4}, {64, 300, 3, 3, 1}, {2, 2, 1, 1, 1},
	} {
		rng := tensor.NewRNG(9)
		w := rng.Randn(s.cout, s.cin/s.groups, s.kh, s.kw)
		x := NewVar(rng.Randn(1, s.cin, 5, 5))
		c := newConvChunks(x, NewVar(w), 1, kernels.ConvGeom{C: s.cin, H: 5, W: 5, KH: s.kh, KW: s.kw, StrideH: 1, StrideW: 1}, s.groups)
		sh := c.rotatedShape()
		wr := make([]float32, s.groups*sh.m*sh.k)
		c.rotate(wr)
		cinG, coutG := s.cin/s.groups, s.cout/s.groups
		for gi := range s.groups {
			for co := range coutG {
				for ci := range cinG {
					for a := range s.kh {
						for b := range s.kw {
							got := wr[gi*sh.m*sh.k+ci*sh.k+(co*s.kh+a)*s.kw+b]
							want := w.Data[(((gi*coutG+co)*cinG+ci)*s.kh+s.kh-1-a)*s.kw+s.kw-1-b]
							if got != want {
								t.Fatalf("%+v: W'[group %d][%d, %d, %d, %d] = %v, want %v", s, gi, ci, co, a, b, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestWinoChunks checks the chunking of bench-unet's Winograd
// convolutions at batch 16 and 64 (and 1, 3, 9, 17): one chunk, or a multiple of the
// workers (of four per worker above that), so that no worker idles at the
// end of a call; spans that cover the batch in order, each at most s
// samples and starting at a multiple of the unit u; chunks that stay near
// winoChunkFloats (half a unit over, from rounding, or one unit where one
// is larger, a unit at most three times the chunk aimed for); and, where
// the batch has a whole number of the units whose tiles fill winoGemmCols
// columns, at least one per worker, and such a unit is not too large, GEMMs
// whose columns (the chunk's tiles) are a multiple of winoGemmCols; on
// any number of workers.
func TestWinoChunks(t *testing.T) {
	workers := parallel.Workers()
	for _, sh := range []struct{ cin, cout, h int }{
		{32, 32, 28}, {32, 64, 14}, {64, 64, 14}, {64, 128, 7}, {128, 128, 7}, {256, 128, 7}, {192, 64, 14}, {96, 32, 28},
	} {
		for _, n := range []int{1, 3, 9, 16, 17, 64} {
			geom := kernels.ConvGeom{C: sh.cin, H: sh.h, W: sh.h, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
			c := &convChunks{geom: geom, n: n, groups: 1, cout: sh.cout}
			for _, a := range []*winoAlgo{wino2, wino4} {
				p := c.winoChunks(a)
				what := fmt.Sprintf("%s, %d→%d channels, %d×%d, batch %d: %d chunks of up to %d", a.name, sh.cin, sh.cout, sh.h, sh.h, n, p.chunks, p.s)
				if p.chunks < 1 || p.chunks > n {
					t.Fatalf("%s: want 1 to %d chunks", what, n)
				}
				// A count below the units' is rounded up to balance the
				// workers; one above is capped at a chunk a unit.
				units := (n + p.u - 1) / p.u
				if step := workers; p.chunks > 1 && p.chunks < units && workers > 1 {
					if p.chunks > 4*workers {
						step = 4 * workers
					}
					if p.chunks%step != 0 {
						t.Errorf("%s: not a multiple of %d", what, step)
					}
				}
				// The unit whose tiles fill the kernel's 32 columns, kept
				// where it is not too large and the batch has one per worker.
				u0 := winoGemmCols / gcd(p.tiles, winoGemmCols)
				want := winoChunkFloats / (a.blocks * max(sh.cin, sh.cout))
				full := u0 > 1 && u0*p.tiles <= 3*want && n%u0 == 0 && n/u0 >= workers
				if full && p.u != u0 {
					t.Errorf("%s: a unit of %d samples, want %d", what, p.u, u0)
				}
				next := 0
				for ch := range p.chunks {
					lo, m := p.span(ch)
					if lo != next || m < 1 || m > p.s || lo%p.u != 0 {
						t.Fatalf("%s: chunk %d is samples [%d, %d), want from %d, 1 to %d of them", what, ch, lo, lo+m, next, p.s)
					}
					if full && m*p.tiles%winoGemmCols != 0 {
						t.Errorf("%s: chunk %d has %d tiles, want a multiple of %d", what, ch, m*p.tiles, winoGemmCols)
					}
					next = lo + m
				}
				if next != n {
					t.Fatalf("%s: the chunks end at %d", what, next)
				}
				sample := a.blocks * max(sh.cin, sh.cout) * p.tiles
				if unit := p.u * sample; p.s > p.u && p.s*sample > winoChunkFloats+unit/2 {
					t.Errorf("%s: %d floats a chunk, want at most %d", what, p.s*sample, winoChunkFloats+unit/2)
				}
				if p.u*sample > 3*winoChunkFloats {
					t.Errorf("%s: a unit of %d samples is %d floats, want at most %d", what, p.u, p.u*sample, 3*winoChunkFloats)
				}
			}
		}
	}
}

// TestSameFloatBits checks the Winograd filter cache's comparison of a
// weight with the copy its filters were made from, on weights of one to
// several parallel parts: equal bits (NaN included) are the same, and one
// changed bit anywhere (a first, middle or last element, +0 against −0)
// or a different length is not.
func TestSameFloatBits(t *testing.T) {
	for _, n := range []int{1, 100, sameFloatBitsGrain, 5*sameFloatBitsGrain + 3} {
		a := tensor.NewRNG(uint64(n)).Randn(n).Data
		a[n/2] = float32(math.NaN())
		if !sameFloatBits(a, append([]float32(nil), a...)) {
			t.Fatalf("n %d: a copy is not the same", n)
		}
		if sameFloatBits(a, a[:n-1]) {
			t.Fatalf("n %d: a shorter slice is the same", n)
		}
		for _, i := range []int{0, n / 3, n - 1} {
			b := append([]float32(nil), a...)
			b[i] = math.Float32frombits(math.Float32bits(b[i]) ^ 1)
			if sameFloatBits(a, b) {
				t.Fatalf("n %d: a changed bit at %d is the same", n, i)
			}
			a[i], b[i] = 0, float32(math.Copysign(0, -1))
			if sameFloatBits(a, b) {
				t.Fatalf("n %d: +0 and −0 at %d are the same", n, i)
			}
		}
	}
}
