package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffusego/diffusego/internal/parallel"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// gemmCase is one Gemm call to check: sizes, transposes, scalars, padding
// of the leading dimensions and start offsets of the three slices.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            [3]int // lda, ldb, ldc minus the row length
	off            [3]int // elements before A, B and C start
}

func (g gemmCase) String() string {
	return fmt.Sprintf("trans=%v,%v m=%d n=%d k=%d alpha=%g beta=%g pad=%v off=%v",
		g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.beta, g.pad, g.off)
}

// check runs fn on random inputs for case g and compares C with GemmNaive
// to within float32 rounding of the sum of |terms|, and checks that every
// element outside C (padding, before the start, after the end) is kept.
func (g gemmCase) check(t *testing.T, fn gemmFunc, r *rand.Rand) {
	t.Helper()
	ar, ac := g.m, g.k
	if g.transA {
		ar, ac = g.k, g.m
	}
	br, bc := g.k, g.n
	if g.transB {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := ac+g.pad[0], bc+g.pad[1], g.n+g.pad[2]
	aBuf := randSlice(r, g.off[0]+ar*lda+3)
	bBuf := randSlice(r, g.off[1]+br*ldb+3)
	cBuf := randSlice(r, g.off[2]+g.m*ldc+3)
	a, b := aBuf[g.off[0]:], bBuf[g.off[1]:]
	want := append([]float32(nil), cBuf...)
	GemmNaive(g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, want[g.off[2]:], ldc)
	abs := func(s []float32) []float32 {
		o := make([]float32, len(s))
		for i, v := range s {
			o[i] = float32(math.Abs(float64(v)))
		}
		return o
	}
	bound := abs(cBuf)
	GemmNaive(g.transA, g.transB, g.m, g.n, g.k, float32(math.Abs(float64(g.alpha))), abs(a), lda, abs(b), ldb,
		float32(math.Abs(float64(g.beta))), bound[g.off[2]:], ldc)
	got := append([]float32(nil), cBuf...)
	fn(g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, got[g.off[2]:], ldc)
	for i := range got {
		row, col := (i-g.off[2])/max(ldc, 1), (i-g.off[2])%max(ldc, 1)
		inC := i >= g.off[2] && row < g.m && col < g.n
		if !inC {
			if math.Float32bits(got[i]) != math.Float32bits(cBuf[i]) {
				t.Fatalf("%v: element %d outside C changed from %g to %g", g, i, cBuf[i], got[i])
			}
			continue
		}
		tol := 1e-6*float64(g.k+2)*float64(bound[i]) + 1e-30
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tol) {
			t.Fatalf("%v: C[%d,%d] = %g, want %g (tolerance %.3g)", g, row, col, got[i], want[i], tol)
		}
	}
}

// randCase draws transposes, scalars, paddings and offsets for sizes m, n, k.
func randCase(r *rand.Rand, m, n, k int) gemmCase {
	alphas := []float32{1, -0.5, float32(0.5 + r.Float64()), 0}
	betas := []float32{0, 1, -0.7, 2}
	g := gemmCase{
		transA: r.IntN(2) == 1, transB: r.IntN(2) == 1,
		m: m, n: n, k: k,
		alpha: alphas[r.IntN(len(alphas))], beta: betas[r.IntN(len(betas))],
	}
	for i := range 3 {
		g.pad[i] = []int{0, 0, 1, 3, 17}[r.IntN(5)]
		g.off[i] = r.IntN(16)
	}
	return g
}

// TestGemmPaths checks every path against GemmNaive: each of m, n and k
// runs through 1..70 (the other two random), on all four transpose
// combinations, then random sizes up to 300 and the empty cases.
func TestGemmPaths(t *testing.T) {
	for _, p := range gemmPaths() {
		t.Run(p.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var cases []gemmCase
			for s := 1; s <= 70; s++ {
				x, y := 1+r.IntN(70), 1+r.IntN(70)
				cases = append(cases, randCase(r, s, x, y), randCase(r, x, s, y), randCase(r, x, y, s))
			}
			for range 10 {
				cases = append(cases, randCase(r, 1+r.IntN(300), 1+r.IntN(300), 1+r.IntN(300)))
			}
			for _, mnk := range [][3]int{{0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {0, 0, 0}, {1, 1, 1}, {6, 16, 256}, {12, 32, 513}, {7, 4100, 3}} {
				cases = append(cases, randCase(r, mnk[0], mnk[1], mnk[2]))
			}
			for i, g := range cases {
				// Each transpose combination gets every size range.
				g.transA, g.transB = i%2 == 1, i/2%2 == 1
				g.check(t, p.fn, r)
			}
		})
	}
}

func TestGemmBetaZeroIgnoresNaN(t *testing.T) {
	for _, p := range gemmPaths() {
		a := []float32{1, 2}
		b := []float32{3, 4}
		c := []float32{float32(math.NaN())}
		p.fn(false, false, 1, 1, 2, 1, a, 2, b, 1, 0, c, 1)
		if c[0] != 11 {
			t.Errorf("%s: Gemm with beta 0 over NaN: got %g, want 11", p.name, c[0])
		}
		// Large enough for full and edge micro-tiles and several k slices.
		m, n, k := 50, 70, 300
		r := rand.New(rand.NewPCG(3, 4))
		a, b = randSlice(r, m*k), randSlice(r, k*n)
		c = make([]float32, m*n)
		for i := range c {
			c[i] = float32(math.NaN())
		}
		p.fn(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		for i, v := range c {
			if math.IsNaN(float64(v)) {
				t.Fatalf("%s: beta 0 over NaN: C[%d] is NaN", p.name, i)
			}
		}
		// alpha 0 with beta 0 clears C without reading A or B.
		p.fn(false, false, m, n, k, 0, a, k, b, n, 0, c, n)
		for i, v := range c {
			if v != 0 {
				t.Fatalf("%s: alpha 0, beta 0: C[%d] = %g, want 0", p.name, i, v)
			}
		}
	}
}

// TestGemmTilingIndependent checks that each element of C has the same
// bits whatever tile it falls in: the full product, computed in parallel
// tiles, equals single elements computed alone, and a second run.
func TestGemmTilingIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m, n, k := 150, 140, 600
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	for _, p := range gemmPaths() {
		if p.name == "generic" {
			continue // the reference loop splits rows only; not tile-exact
		}
		c := make([]float32, m*n)
		p.fn(false, false, m, n, k, 1.5, a, k, b, n, 0, c, n)
		again := make([]float32, m*n)
		p.fn(false, false, m, n, k, 1.5, a, k, b, n, 0, again, n)
		for i := range c {
			if math.Float32bits(c[i]) != math.Float32bits(again[i]) {
				t.Fatalf("%s: two runs differ at %d: %g vs %g", p.name, i, c[i], again[i])
			}
		}
		for _, ij := range [][2]int{{0, 0}, {7, 33}, {149, 139}, {66, 17}} {
			i, j := ij[0], ij[1]
			var one [1]float32
			p.fn(false, false, 1, 1, k, 1.5, a[i*k:], k, b[j:], n, 0, one[:], 1)
			if math.Float32bits(one[0]) != math.Float32bits(c[i*n+j]) {
				t.Errorf("%s: C[%d,%d] alone = %g, in the full product %g", p.name, i, j, one[0], c[i*n+j])
			}
		}
	}
}

// TestGemmNoAllocs checks that a repeated single-tile call reuses its
// buffers. (Bigger calls allocate only parallel.For's task per phase.)
func TestGemmNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m, n, k := 20, 30, 40
	a, b, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
	for _, p := range gemmPaths() {
		p.fn(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
		if got := testing.AllocsPerRun(20, func() { p.fn(false, true, m, n, k, 1, a, k, b, k, 0, c, n) }); got != 0 && p.name != "generic" {
			t.Errorf("%s: %v allocations per call, want 0", p.name, got)
		}
	}
}

// TestGemmSerialMatchesGemm checks that GemmSerial gives Gemm's bits on
// products that Gemm splits across workers, in every transpose.
func TestGemmSerialMatchesGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, s := range [][3]int{{32, 784, 288}, {150, 1100, 300}, {7, 3000, 50}, {1, 1, 1}} {
		m, n, k := s[0], s[1], s[2]
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			lda, ldb := k, n
			if tr[0] {
				lda = m
			}
			if tr[1] {
				ldb = k
			}
			want, got := randSlice(r, m*n), make([]float32, m*n)
			copy(got, want)
			Gemm(tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, 0.5, want, n)
			GemmSerial(tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, 0.5, got, n)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("GemmSerial(%v, %v, %d, %d, %d)[%d] = %v, Gemm gives %v", tr[0], tr[1], m, n, k, i, got[i], want[i])
				}
			}
		}
	}
}

// TestGemmSliceGroups checks every path against GemmNaive on a product
// taller than it is wide (so not cut into column strips) whose slices of
// the sum fill more than one group of packed B panels (packBGroup, made
// small here), so that the parallel path packs several slices at once and
// runs its tiles through each group in turn; and that GemmSerial, which
// packs one slice at a time, gives the same bits.
func TestGemmSliceGroups(t *testing.T) {
	defer func(g int) { packBGroup = g }(packBGroup)
	packBGroup = 1 << 16
	const m, n, k = 150, 100, 1100
	depth := sliceDepth(k)
	per := packBGroup / (ceilDiv(n, packNR) * packNR * depth)
	if slices := ceilDiv(k, depth); per < 2 || slices <= per || useStrips(false, nil, m, n, k) {
		t.Fatalf("m, n, k = %d, %d, %d: %d slices, %d per group, strips %v; want several groups of several slices, no strips",
			m, n, k, slices, per, useStrips(false, nil, m, n, k))
	}
	r := rand.New(rand.NewPCG(15, 16))
	for _, p := range gemmPaths() {
		t.Run(p.name, func(t *testing.T) {
			g := randCase(r, m, n, k)
			g.alpha, g.beta = 1.5, -0.7
			g.check(t, p.fn, r)
		})
	}
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	want, got := randSlice(r, m*n), make([]float32, m*n)
	copy(got, want)
	Gemm(false, false, m, n, k, 1, a, k, b, n, 0.5, want, n)
	GemmSerial(false, false, m, n, k, 1, a, k, b, n, 0.5, got, n)
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("GemmSerial(%d, %d, %d)[%d] = %v, Gemm gives %v", m, n, k, i, got[i], want[i])
		}
	}
}

// TestGemmStrips checks every path against GemmNaive on products that
// the parallel path cuts into column strips (wider than tall, or with
// few rows), in every transpose, with strips that end in partial panels.
func TestGemmStrips(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, s := range [][3]int{{70, 203, 77}, {6, 1000, 50}, {129, 129, 300}} {
		m, n, k := s[0], s[1], s[2]
		if parallel.Workers() > 1 && !useStrips(false, nil, m, n, k) {
			t.Fatalf("m, n, k = %d, %d, %d: not cut into strips", m, n, k)
		}
		for _, p := range gemmPaths() {
			for tr := range 4 {
				g := randCase(r, m, n, k)
				g.transA, g.transB = tr%2 == 1, tr/2 == 1
				g.check(t, p.fn, r)
			}
		}
	}
}

// TestStripsRule checks which products go to column strips: wide ones,
// and thin strips only where the A each worker packs is small or packed
// already, so that many workers do not each pack a large A.
func TestStripsRule(t *testing.T) {
	var pa PackedA
	for _, c := range []struct {
		w, m, n, k int
		packed     bool
		want       bool
	}{
		{2, 1024, 1024, 1024, false, true},
		{16, 1024, 1024, 1024, false, false}, // 64 columns a worker, A of 2^20
		{16, 1024, 1024, 1024, true, true},   // A packed already
		{16, 1024, 4096, 1024, false, true},
		{2, 256, 256, 8192, false, true},
		{2, 64, 128, 128, false, true}, // small A
		{2, 2048, 1024, 1024, false, false},
		{2, 1024, 100, 1024, true, false}, // strips too thin for the wide kernel
		{1, 1024, 1024, 1024, false, false},
		{2, 16, 16, 16, false, false}, // not worth splitting
	} {
		p := (*PackedA)(nil)
		if c.packed {
			p = &pa
		}
		if got := stripsOn(c.w, false, p, c.m, c.n, c.k); got != c.want {
			t.Errorf("%d workers, m, n, k = %d, %d, %d, A packed %v: strips %v, want %v", c.w, c.m, c.n, c.k, c.packed, got, c.want)
		}
		if stripsOn(c.w, true, p, c.m, c.n, c.k) {
			t.Errorf("%d workers, m, n, k = %d, %d, %d: strips on the serial path", c.w, c.m, c.n, c.k)
		}
	}
}
