package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/diffusego/diffusego/internal/parallel"
)

// TestGemmEpilogue checks that GemmEpilogue writes Gemm's bits and calls
// the epilogue exactly once on every element of C, at a time when the
// element already holds its final value: shapes of one and of many tiles,
// sums of one and of several slices, transposes, beta, and k = 0.
func TestGemmEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct {
		m, n, k        int
		transA, transB bool
		beta           float32
	}{
		{1, 1, 1, false, false, 0}, {7, 33, 5, false, true, 0}, {300, 1030, 600, false, true, 0},
		{145, 70, 257, true, false, 1}, {500, 64, 64, false, false, 0.5}, {13, 17, 0, false, true, 2},
	} {
		t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			a, b := randSlice(r, max(1, s.m*s.k)), randSlice(r, max(1, s.k*s.n))
			c0 := randSlice(r, s.m*s.n)
			want := append([]float32(nil), c0...)
			Gemm(s.transA, s.transB, s.m, s.n, s.k, 1.5, a, lda, b, ldb, s.beta, want, s.n)
			got := append([]float32(nil), c0...)
			seen := make([]float32, s.m*s.n) // C as the epilogue saw it
			calls := make([]int, s.m*s.n)
			var mu sync.Mutex
			GemmEpilogue(s.transA, s.transB, s.m, s.n, s.k, 1.5, a, lda, b, ldb, s.beta, got, s.n, func(i0, i1, j0, j1 int) {
				mu.Lock()
				defer mu.Unlock()
				for i := i0; i < i1; i++ {
					for j := j0; j < j1; j++ {
						calls[i*s.n+j]++
						seen[i*s.n+j] = got[i*s.n+j]
					}
				}
			})
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(seen[i]) != math.Float32bits(want[i]) || calls[i] != 1 {
					t.Fatalf("element %d: C %v, seen by the epilogue %v (%d calls), Gemm %v", i, got[i], seen[i], calls[i], want[i])
				}
			}
		})
	}
}

// epilogueRecorder is an epilogue that records, for every element of an
// m×n C (row stride ldc), how often it was called on it and the value it
// saw there, so that a test can check that each element is visited once,
// after its final value is in.
type epilogueRecorder struct {
	mu    sync.Mutex
	c     []float32
	ldc   int
	seen  []float32
	calls []int
	n     int
}

func newEpilogueRecorder(c []float32, m, n, ldc int) *epilogueRecorder {
	return &epilogueRecorder{c: c, ldc: ldc, n: n, seen: make([]float32, m*n), calls: make([]int, m*n)}
}

func (e *epilogueRecorder) epi(i0, i1, j0, j1 int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := i0; i < i1; i++ {
		for j := j0; j < j1; j++ {
			e.calls[i*e.n+j]++
			e.seen[i*e.n+j] = e.c[i*e.ldc+j]
		}
	}
}

// check fails t unless C and what the epilogue saw are want's bits and
// each element was visited once.
func (e *epilogueRecorder) check(t *testing.T, want []float32) {
	t.Helper()
	for i := range e.seen {
		r, c := i/e.n, i%e.n
		w, got := want[r*e.ldc+c], e.c[r*e.ldc+c]
		if math.Float32bits(got) != math.Float32bits(w) || math.Float32bits(e.seen[i]) != math.Float32bits(w) || e.calls[i] != 1 {
			t.Fatalf("element (%d, %d): C %v, seen by the epilogue %v (%d calls), want %v", r, c, got, e.seen[i], e.calls[i], w)
		}
	}
}

// TestGemmAEpilogue checks that GemmAEpilogue writes GemmA's bits, serial
// and parallel, and calls the epilogue once on every element of C after
// its final value is in: one and many tiles, one and several slices,
// transposed B, beta, alpha 0 (no product), and a nil epilogue.
func TestGemmAEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range []struct {
		m, n, k int
		transB  bool
		beta    float32
		alpha   float32
	}{
		{1, 1, 1, false, 0, 1.5}, {7, 33, 5, true, 0, 1.5}, {300, 1030, 600, false, 0, 1.5}, {145, 70, 257, true, 1, 1.5},
		{64, 3000, 288, false, 0.5, 1.5}, {9, 40, 17, false, 0.5, 0}, // alpha 0: C = beta·C, then the epilogue
	} {
		t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
			ldb := s.n
			if s.transB {
				ldb = s.k
			}
			ldc := s.n + 3
			var p PackedA
			p.Pack(false, s.m, s.k, randSlice(r, s.m*s.k), s.k)
			b := randSlice(r, s.k*s.n)
			c0 := randSlice(r, s.m*ldc)
			for _, serial := range []bool{false, true} {
				want := append([]float32(nil), c0...)
				GemmA(&p, s.transB, s.n, s.alpha, b, ldb, s.beta, want, ldc)
				got := append([]float32(nil), c0...)
				rec := newEpilogueRecorder(got, s.m, s.n, ldc)
				GemmAEpilogue(&p, serial, s.transB, s.n, s.alpha, b, ldb, s.beta, got, ldc, rec.epi)
				rec.check(t, want)
				plain := append([]float32(nil), c0...)
				GemmAEpilogue(&p, serial, s.transB, s.n, s.alpha, b, ldb, s.beta, plain, ldc, nil)
				checkBits(t, plain, want)
			}
		})
	}
}

// checkBits fails t unless c is want's bits.
func checkBits(t *testing.T, c, want []float32) {
	t.Helper()
	for i := range c {
		if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
			t.Fatalf("C[%d] = %v, want %v", i, c[i], want[i])
		}
	}
}

// TestConvGemmEpilogue checks that ConvGemmEpilogue writes ConvGemm's
// bits, serial and parallel, and calls the epilogue once on every element
// of C after its final value is in; and that it declines what ConvGemm
// declines, calling nothing.
func TestConvGemmEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for gi, g := range []ConvGeom{
		{C: 3, H: 28, W: 28, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1},
		{C: 64, H: 7, W: 7, KH: 1, KW: 1, StrideH: 1, StrideW: 1},
		{C: 300, H: 14, W: 14, KH: 1, KW: 1, StrideH: 1, StrideW: 1},
	} {
		for _, samples := range []int{1, 3} {
			m, k, hw := 1+r.IntN(150), g.ColRows(), g.ColCols()
			n, inSize := samples*hw, g.C*g.H*g.W
			x := randSlice(r, samples*inSize)
			var p PackedA
			p.Pack(false, m, k, randSlice(r, m*k), k)
			want := make([]float32, m*n)
			ConvGemm(&p, false, g, x, inSize, samples, want, n)
			for _, serial := range []bool{false, true} {
				got := randSlice(r, m*n)
				rec := newEpilogueRecorder(got, m, n, n)
				if !ConvGemmEpilogue(&p, serial, g, x, inSize, samples, got, n, rec.epi) {
					t.Fatalf("geometry %d: declined", gi)
				}
				rec.check(t, want)
			}
		}
	}
	strided := ConvGeom{C: 2, H: 8, W: 8, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
	var p PackedA
	p.Pack(false, 3, strided.ColRows(), randSlice(r, 3*strided.ColRows()), strided.ColRows())
	c := make([]float32, 3*strided.ColCols())
	if ConvGemmEpilogue(&p, false, strided, randSlice(r, 128), 128, 1, c, strided.ColCols(), func(int, int, int, int) {
		t.Fatal("epilogue called on a declined geometry")
	}) {
		t.Fatal("strided geometry: ConvGemmEpilogue accepted it")
	}
}

// TestTilesEven checks that the tiles of the packed driver cover C's rows
// and columns in order, in whole micro-panels (pairs of B panels across),
// every one within packMC rows and packNT columns, with sizes that differ
// by at most one panel (pair of panels); and, split across workers, a
// number of tiles that the workers share evenly.
func TestTilesEven(t *testing.T) {
	workers := parallel.Workers()
	for _, s := range []struct{ m, nc, k int }{{128, 784, 128}, {1, 1, 1}, {145, 4096, 300}, {384, 392, 128}, {7, 33, 1000}, {1000, 20, 64}, {2048, 1024, 1024}, {300, 100, 100}} {
		for _, serial := range []bool{false, true} {
			j := &gemmJob{serial: serial, m: s.m, nc: s.nc, k: s.k}
			j.planTiles()
			check := func(what string, n, unit, most, tiles int, span func(int) (int, int)) {
				next, lo, hi := 0, n, 0
				for ti := range tiles {
					a, b := span(ti)
					if a != next || b <= a || (b < n && b%unit != 0) {
						t.Fatalf("%+v serial=%v: %s tile %d is [%d, %d), want from %d, whole units of %d", s, serial, what, ti, a, b, next, unit)
					}
					if b-a > most {
						t.Fatalf("%+v serial=%v: %s tile %d is [%d, %d), more than %d", s, serial, what, ti, a, b, most)
					}
					units := ceilDiv(b-a, unit) // the last tile's last unit may stop at the edge
					lo, hi = min(lo, units), max(hi, units)
					next = b
				}
				if next != n || hi-lo > 1 {
					t.Fatalf("%+v serial=%v: %s tiles end at %d of %d, from %d to %d units of %d", s, serial, what, next, n, lo, hi, unit)
				}
			}
			// Split across workers, each takes one run of as many tiles
			// as the others, where the micro-panels allow.
			if !serial && workers > 1 && s.m*s.nc*s.k >= 1<<18 && ceilDiv(s.m, packMR) >= 4*workers && j.rowT*j.colT%workers != 0 {
				t.Errorf("%+v: %d×%d tiles, not a multiple of %d workers", s, j.rowT, j.colT, workers)
			}
			check("row", s.m, packMR, packMC, j.rowT, j.tileRows)
			check("column", s.nc, 2*packNR, packNT, j.colT, j.tileCols)
		}
	}
}
