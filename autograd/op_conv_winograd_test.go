package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// winogradBound is the stated accuracy of the Winograd path: every output
// differs from the float64 direct sum by at most this much times the sum
// of the absolute values of its terms (bias included), for F(2×2, 3×3);
// winograd4Bound is F(4×4, 3×3)'s.
const (
	winogradBound  = 1e-6
	winograd4Bound = 2e-5
)

// winoAlgos are the two Winograd algorithms as the tests force them, with
// their bounds on the output and on the gradients, and the tolerance of
// their finite-difference checks. The convolution is linear in each of
// its inputs, so a larger step costs no truncation error; F(4×4)'s takes
// 0.1, so that its rounding (about twenty times F(2×2)'s) shrinks in the
// difference quotient. With gradcheck's default step of 0.01 one element
// of TestConv2dAddWinograd missed by 3% on the pure-Go GEMM, whose
// rounding differs from the AVX-512 GEMM's.
var winoAlgos = []struct {
	name          string
	f4            bool
	bound, gbound float64
	tol           gradcheck.Tol
}{
	{"F2", false, winogradBound, 1e-5, gradcheck.Tol{}},
	{"F4", true, winograd4Bound, 1e-4, gradcheck.Tol{Step: 0.1}},
}

// winoCases are 3×3, stride-1, padding-1 convolutions of awkward sizes:
// odd and even, images smaller than a tile, a last tile row and column
// that stick out of the image, more channels out than in and fewer.
var winoCases = []convCase{
	{2, 3, 5, 7, 4, 3, 3, 1, 1, 1, true},
	{3, 2, 1, 1, 3, 3, 3, 1, 1, 1, true},
	{2, 3, 2, 3, 2, 3, 3, 1, 1, 1, false},
	{1, 5, 8, 6, 3, 3, 3, 1, 1, 1, true},
	{2, 4, 9, 4, 5, 3, 3, 1, 1, 1, true},
	{5, 2, 3, 5, 2, 3, 3, 1, 1, 1, false},
}

// naiveAbs is naiveConv2d's sum of the absolute values of the terms of
// every output, for a stride-1 convolution.
func naiveAbs(c convCase, x, w, b []float32) []float64 {
	ab := func(v []float32) []float32 {
		out := make([]float32, len(v))
		for i, e := range v {
			out[i] = float32(math.Abs(float64(e)))
		}
		return out
	}
	var bb []float32
	if b != nil {
		bb = ab(b)
	}
	return naiveConv2d(c, ab(x), ab(w), bb)
}

// winoRelErr is the largest |got − want| / scale over the elements.
func winoRelErr(got []float32, want, scale []float64) float64 {
	worst := 0.0
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i])-want[i])/max(scale[i], 1e-30))
	}
	return worst
}

func TestConv2dWinogradMatchesNaive(t *testing.T) {
	autograd.ForceWinograd(t, true)
	for _, tiles := range []int{1, 5, 1 << 20} { // many chunks, uneven chunks, one chunk
		autograd.SetWinogradChunkTiles(t, tiles)
		for _, c := range winoCases {
			for _, a := range winoAlgos {
				t.Run(fmt.Sprintf("%s/%v/chunk=%d", a.name, c, tiles), func(t *testing.T) {
					autograd.ForceWinograd4(t, a.f4)
					testWinogradMatchesNaive(t, c, a.bound)
				})
			}
		}
	}
}

// testWinogradMatchesNaive checks the no-grad output of case c against
// the float64 direct sum, within bound times the sum of |terms|.
func testWinogradMatchesNaive(t *testing.T, c convCase, bound float64) {
	ts := convInputs(c, 1)
	vs := make([]*autograd.Var, len(ts))
	for i, x := range ts {
		vs[i] = autograd.NewVar(x)
	}
	var b []float32
	if c.bias {
		b = ts[2].Data
	}
	out := conv2dOf(c)(autograd.NoGrad(), vs...)
	if want := []int{c.n, c.cout, c.h, c.w}; !tensor.SameShape(out.Shape(), want) {
		t.Fatalf("Conv2d shape = %v, want %v", out.Shape(), want)
	}
	want := naiveConv2d(c, ts[0].Data, ts[1].Data, b)
	if e := winoRelErr(out.Data(), want, naiveAbs(c, ts[0].Data, ts[1].Data, b)); e > bound {
		t.Fatalf("relative error %.3g, want ≤ %g", e, bound)
	}
}

// TestConv2dWinogradGrad is the finite-difference check of the Winograd
// path's input, weight and bias gradients.
func TestConv2dWinogradGrad(t *testing.T) {
	autograd.ForceWinograd(t, true)
	autograd.SetWinogradChunkTiles(t, 5)
	for _, a := range winoAlgos {
		for _, c := range winoCases {
			t.Run(a.name+"/"+c.String(), func(t *testing.T) {
				autograd.ForceWinograd4(t, a.f4)
				gradcheck.CheckN(t, conv2dOf(c), convInputs(c, 3), a.tol)
			})
		}
	}
}

// TestConv2dAddWinograd checks the shift and residual of Conv2dAdd on the
// Winograd path against the direct one, and their gradients.
func TestConv2dAddWinograd(t *testing.T) {
	for _, a := range winoAlgos {
		t.Run(a.name, func(t *testing.T) {
			autograd.ForceWinograd4(t, a.f4)
			testConv2dAddWinograd(t, a.gbound, a.tol)
		})
	}
}

func testConv2dAddWinograd(t *testing.T, rel float64, tol gradcheck.Tol) {
	autograd.ForceWinograd(t, true)
	autograd.SetWinogradChunkTiles(t, 7)
	rng := tensor.NewRNG(4)
	n, cin, cout, h, w := 3, 4, 5, 5, 6
	x, wt, b := rng.Randn(n, cin, h, w), rng.Randn(cout, cin, 3, 3), rng.Randn(cout)
	shift, res := rng.Randn(n, cout), rng.Randn(n, cout, h, w)
	f := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
		return g.Conv2dAdd(xs[0], xs[1], xs[2], 1, 1, 1, xs[3], xs[4])
	}
	gradcheck.CheckN(t, f, []*tensor.Tensor{x, wt, b, shift, res}, tol)
	run := func(on bool) []float32 {
		autograd.ForceWinograd(t, on)
		vs := []*autograd.Var{autograd.NewVar(x), autograd.NewVar(wt), autograd.NewVar(b), autograd.NewVar(shift), autograd.NewVar(res)}
		return f(autograd.NoGrad(), vs...).Data()
	}
	same(t, "Conv2dAdd", run(true), run(false), rel)
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

// TestWinogradUNetShapes measures the Winograd path's error on random
// inputs of bench-unet's 3×3 convolutions (one sample each) and checks it
// against the stated bound: the output against the float64 direct sum
// (every 4th output channel, to keep the test short), and the input and
// weight gradients against the direct path's (relative to their largest
// magnitude).
func TestWinogradUNetShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("measures every bench-unet shape by both algorithms; about two seconds")
	}
	for _, a := range winoAlgos {
		t.Run(a.name, func(t *testing.T) {
			autograd.ForceWinograd4(t, a.f4)
			testWinogradUNetShapes(t, a.bound, a.gbound)
		})
	}
}

// testWinogradUNetShapes is TestWinogradUNetShapes for the algorithm in
// force, with bounds on the output and on the gradients.
func testWinogradUNetShapes(t *testing.T, bound, gbound float64) {
	worstY, worstG := 0.0, 0.0
	for _, s := range []struct{ cin, cout, hw int }{
		{32, 32, 28}, {64, 32, 28}, {96, 32, 28},
		{32, 64, 14}, {64, 64, 14}, {128, 64, 14}, {192, 64, 14},
		{64, 128, 7}, {128, 128, 7}, {256, 128, 7},
	} {
		c := convCase{1, s.cin, s.hw, s.hw, s.cout, 3, 3, 1, 1, 1, true}
		ts := convInputs(c, uint64(s.cin+s.cout+s.hw))
		dy := gradcheck.Rand([]int{c.n, c.cout, c.h, c.w}, 11)
		run := func(on bool) (y, dx, dw []float32) {
			autograd.ForceWinograd(t, on)
			x, w, b := autograd.NewParam(ts[0]), autograd.NewParam(ts[1]), autograd.NewParam(ts[2])
			g := autograd.New()
			out := g.Conv2d(x, w, b, 1, 1, 1)
			if err := g.BackwardWith(out, dy); err != nil {
				t.Fatal(err)
			}
			return out.Data(), x.Grad.Data, w.Grad.Data
		}
		y, dx, dw := run(true)
		_, dx0, dw0 := run(false)
		ey := directErr(c, y, ts[0].Data, ts[1].Data, ts[2].Data, 4)
		eg := max(normErr(dx, dx0), normErr(dw, dw0))
		t.Logf("%d→%d at %d×%d: output %.3g, gradients %.3g", s.cin, s.cout, s.hw, s.hw, ey, eg)
		worstY, worstG = max(worstY, ey), max(worstG, eg)
	}
	t.Logf("worst: output %.3g (bound %g), gradients %.3g (bound %g)", worstY, bound, worstG, gbound)
	if worstY > bound || worstG > gbound {
		t.Fatalf("Winograd error: output %.3g (want ≤ %g), gradients %.3g (want ≤ %g)", worstY, bound, worstG, gbound)
	}
}

// normErr is max |got − want| / max |want|.
func normErr(got, want []float32) float64 {
	var d, m float64
	for i := range want {
		d = max(d, math.Abs(float64(got[i]-want[i])))
		m = max(m, math.Abs(float64(want[i])))
	}
	return d / m
}

// TestWinogradFilterCache checks that no-grad calls, which reuse the
// transformed filters of earlier calls, see a weight changed in place:
// the result after the change is that of a fresh weight with the same
// values, and calls with an unchanged weight give the same bits.
func TestWinogradFilterCache(t *testing.T) {
	for _, a := range winoAlgos {
		t.Run(a.name, func(t *testing.T) {
			autograd.ForceWinograd4(t, a.f4)
			testWinogradFilterCache(t)
		})
	}
}

func testWinogradFilterCache(t *testing.T) {
	autograd.ForceWinograd(t, true)
	c := convCase{2, 3, 6, 5, 4, 3, 3, 1, 1, 1, true}
	ts := convInputs(c, 21)
	x, w, b := autograd.NewVar(ts[0]), autograd.NewVar(ts[1]), autograd.NewVar(ts[2])
	first := autograd.NoGrad().Conv2d(x, w, b, 1, 1, 1).Data()
	again := autograd.NoGrad().Conv2d(x, w, b, 1, 1, 1).Data()
	same(t, "unchanged weight", again, first, 0)
	for i := range ts[1].Data { // an optimizer step, in place
		ts[1].Data[i] *= -0.5
	}
	got := autograd.NoGrad().Conv2d(x, w, b, 1, 1, 1).Data()
	fresh := autograd.NewVar(ts[1].Clone())
	want := autograd.NoGrad().Conv2d(x, fresh, b, 1, 1, 1).Data()
	same(t, "weight changed in place", got, want, 0)
	if got[0] == first[0] && got[1] == first[1] {
		t.Fatal("the output did not change with the weight")
	}
}

// TestWinogradFilterCacheAlgorithms checks that the filter cache keeps
// the two algorithms' transformed filters apart: the same weight through
// F(2×2), then F(4×4), then F(2×2) again gives each algorithm's own result.
func TestWinogradFilterCacheAlgorithms(t *testing.T) {
	autograd.ForceWinograd(t, true)
	c := convCase{2, 3, 6, 5, 4, 3, 3, 1, 1, 1, true}
	ts := convInputs(c, 22)
	x, w, b := autograd.NewVar(ts[0]), autograd.NewVar(ts[1]), autograd.NewVar(ts[2])
	want := naiveConv2d(c, ts[0].Data, ts[1].Data, ts[2].Data)
	abs := naiveAbs(c, ts[0].Data, ts[1].Data, ts[2].Data)
	var first []float32
	for i, a := range []int{0, 1, 0} { // winoAlgos: F2, F4, F2
		autograd.ForceWinograd4(t, winoAlgos[a].f4)
		got := autograd.NoGrad().Conv2d(x, w, b, 1, 1, 1).Data()
		if e := winoRelErr(got, want, abs); e > winoAlgos[a].bound {
			t.Fatalf("call %d (%s): relative error %.3g, want ≤ %g", i, winoAlgos[a].name, e, winoAlgos[a].bound)
		}
		if i == 0 {
			first = got
		}
		if i == 2 {
			same(t, "F2 after F4", got, first, 0)
		}
	}
}

// directErr is the largest error of y (a stride-1, padding-1 3×3
// convolution c of x, w, b) against the float64 direct sum, relative to
// the sum of the absolute values of its terms, over every every-th output
// channel.
func directErr(c convCase, y, x, w, b []float32, every int) float64 {
	worst := 0.0
	for n := range c.n {
		for o := 0; o < c.cout; o += every {
			for oy := range c.h {
				for ox := range c.w {
					s, abs := float64(b[o]), math.Abs(float64(b[o]))
					for ci := range c.cin {
						for ki := range 3 {
							iy := oy + ki - 1
							if iy < 0 || iy >= c.h {
								continue
							}
							xr := x[((n*c.cin+ci)*c.h+iy)*c.w:][:c.w]
							wr := w[((o*c.cin+ci)*3+ki)*3:][:3]
							for kj := range 3 {
								if ix := ox + kj - 1; ix >= 0 && ix < c.w {
									p := float64(xr[ix]) * float64(wr[kj])
									s += p
									abs += math.Abs(p)
								}
							}
						}
					}
					got := float64(y[((n*c.cout+o)*c.h+oy)*c.w+ox])
					worst = max(worst, math.Abs(got-s)/max(abs, 1e-30))
				}
			}
		}
	}
	return worst
}
