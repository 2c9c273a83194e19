package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// catCase is a GroupNormSiLUConv2dAddCat call on parts of the given
// channels; want marks the parts whose gradient is asked for.
type catCase struct {
	n, h, w, groups, cout int
	parts                 []int
	want                  []bool
}

// catCases have groups that span two parts (128 + 64 and 64 + 32 in 8
// groups: 24 and 12 channels a group, as bench-unet's decoder), groups
// that do not (128 + 128), three parts, a part of fewer channels than a
// group, and parts that want no gradient; batch 1, odd channel counts, one
// group, and batches of 5 and 9 at 7×7 (chunks of 8-sample units, the
// last one short).
var catCases = []catCase{
	{2, 7, 7, 8, 128, []int{128, 64}, []bool{true, true}},
	{3, 14, 14, 8, 64, []int{64, 32}, []bool{true, false}},
	{2, 7, 7, 8, 128, []int{128, 128}, []bool{false, true}},
	{2, 9, 11, 4, 24, []int{8, 2, 22}, []bool{true, true, true}},
	{1, 7, 7, 8, 128, []int{128, 64}, []bool{true, true}},
	{1, 14, 14, 4, 7, []int{5, 3}, []bool{true, true}},
	{5, 7, 7, 8, 128, []int{128, 64}, []bool{true, true}},
	{9, 7, 7, 8, 32, []int{64, 64}, []bool{true, false}},
	{3, 5, 3, 1, 3, []int{1, 2}, []bool{true, true}},
}

// TestGroupNormSiLUConv2dAddCatMatchesConcat checks the op on parts
// against the op on their concatenation (Concat), output and every
// gradient to the bit, on graphs that record nothing, plain and pooled,
// with F(4×4) forced (fused) and F(2×2) forced (the concatenation made),
// with many chunks.
func TestGroupNormSiLUConv2dAddCatMatchesConcat(t *testing.T) {
	for _, f4 := range []bool{true, false} {
		for i, c := range catCases {
			t.Run(fmt.Sprintf("F(4×4)=%v/%v", f4, c.parts), func(t *testing.T) {
				autograd.ForceWinograd(t, true)
				autograd.ForceWinograd4(t, f4)
				autograd.SetWinogradChunkTiles(t, 37)
				cin := 0
				for _, p := range c.parts {
					cin += p
				}
				rng := tensor.NewRNG(uint64(300 + i))
				parts := make([]*tensor.Tensor, len(c.parts))
				for k, p := range c.parts {
					parts[k] = rng.Randn(c.n, p, c.h, c.w)
				}
				nwT, nbT := rng.Randn(cin), rng.Randn(cin)
				wT := rng.Randn(c.cout, cin, 3, 3)
				for j := range wT.Data {
					wT.Data[j] *= float32(1 / math.Sqrt(float64(9*cin)))
				}
				bT, shT := rng.Randn(c.cout), rng.Randn(c.n, c.cout)
				if got := autograd.NormSiLUConvFuses(autograd.NewVar(tensor.New(c.n, cin, c.h, c.w)), c.groups, autograd.NewVar(wT), 1, 1); got != f4 {
					t.Fatalf("fuses = %v", got)
				}
				for _, mk := range []func() *autograd.Graph{autograd.NoGrad, autograd.New, autograd.NewPooled} {
					var results [2][][]float32
					for k, cat := range []bool{true, false} {
						xs := make([]*autograd.Var, len(parts))
						for j, p := range parts {
							xs[j] = autograd.NewVar(p.Clone())
							if c.want[j] {
								xs[j] = autograd.NewParam(p.Clone())
							}
						}
						nw, nb, w := autograd.NewParam(nwT.Clone()), autograd.NewParam(nbT.Clone()), autograd.NewParam(wT.Clone())
						b, shift := autograd.NewParam(bT.Clone()), autograd.NewParam(shT.Clone())
						g := mk()
						var out *autograd.Var
						if cat {
							out = g.GroupNormSiLUConv2dAddCat(xs, c.groups, nw, nb, 1e-5, w, b, 1, 1, shift, nil)
						} else {
							x := g.Concat(1, xs...)
							out = g.GroupNormSiLUConv2dAdd(x, c.groups, nw, nb, 1e-5, w, b, 1, 1, shift, nil)
							g.Evict(x)
						}
						results[k] = append(results[k], append([]float32(nil), out.Data()...))
						if !g.Recording() {
							continue
						}
						if err := g.Backward(g.Sum(g.Mul(out, out), nil, false)); err != nil {
							t.Fatal(err)
						}
						for _, v := range append(xs, nw, nb, w, b, shift) {
							if v.RequiresGrad() {
								results[k] = append(results[k], append([]float32(nil), v.Grad.Data...))
							}
						}
					}
					for j := range results[1] {
						for e, v := range results[1][j] {
							if math.Float32bits(results[0][j][e]) != math.Float32bits(v) {
								t.Fatalf("tensor %d (output, then the gradients of the parts that want one, nw, nb, w, b, shift)[%d] = %v, Concat %v",
									j, e, results[0][j][e], v)
							}
						}
					}
				}
			})
		}
	}
}

// TestGroupNormSiLUConv2dAddCatGrad checks the gradients of the op on
// three parts by finite differences, with respect to every part and
// every parameter, fused (F(4×4) forced, a group spanning parts) and
// through the concatenation (F(2×2) forced).
func TestGroupNormSiLUConv2dAddCatGrad(t *testing.T) {
	for _, f4 := range []bool{true, false} {
		t.Run(fmt.Sprintf("F(4×4)=%v", f4), func(t *testing.T) {
			autograd.ForceWinograd(t, true)
			autograd.ForceWinograd4(t, f4)
			nw := autograd.NewParam(gradcheck.Rand([]int{6}, 51))
			nb := autograd.NewParam(gradcheck.Rand([]int{6}, 52))
			w := autograd.NewParam(gradcheck.Rand([]int{3, 6, 3, 3}, 53))
			b := autograd.NewParam(gradcheck.Rand([]int{3}, 54))
			shift := autograd.NewParam(gradcheck.Rand([]int{2, 3}, 55))
			res := autograd.NewParam(gradcheck.Rand([]int{2, 3, 5, 6}, 56))
			xs := []*tensor.Tensor{gradcheck.Rand([]int{2, 2, 5, 6}, 57), gradcheck.Rand([]int{2, 1, 5, 6}, 58), gradcheck.Rand([]int{2, 3, 5, 6}, 59)}
			tol := gradcheck.Tol{}
			if f4 { // as TestGroupNormSiLUConv2dAddGrad
				tol.Step = 0.05
			}
			// 2 groups of 3 channels: group 0 spans parts 0 and 1
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return g.GroupNormSiLUConv2dAddCat(xs, 2, nw, nb, 1e-5, w, b, 1, 1, shift, res)
			}, xs, tol, nw, nb, w, b, shift, res)
		})
	}
}

// TestGroupNormSiLUConv2dAddCatShapeErrors: parts that do not agree on
// every axis but the channels panic with a *tensor.ShapeError, as Concat
// does.
func TestGroupNormSiLUConv2dAddCatShapeErrors(t *testing.T) {
	w := autograd.NewVar(tensor.New(16, 16, 3, 3))
	for name, xs := range map[string][]*autograd.Var{
		"samples": {autograd.NewVar(tensor.New(2, 8, 8, 8)), autograd.NewVar(tensor.New(3, 8, 8, 8))},
		"height":  {autograd.NewVar(tensor.New(2, 8, 8, 8)), autograd.NewVar(tensor.New(2, 8, 7, 8))},
		"rank":    {autograd.NewVar(tensor.New(2, 8, 8, 8)), autograd.NewVar(tensor.New(2, 8, 64))},
		"none":    nil,
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if _, ok := recover().(*tensor.ShapeError); !ok {
					t.Errorf("parts that disagree (%s) did not panic with a *tensor.ShapeError", name)
				}
			}()
			autograd.NoGrad().GroupNormSiLUConv2dAddCat(xs, 4, nil, nil, 1e-5, w, nil, 1, 1, nil, nil)
		})
	}
}

// TestGroupNormSiLUConv2dAddCatRepeatedPart checks a part listed twice,
// Concat(1, x, x): both copies' channel gradients reach x's one buffer,
// as Concat's backward adds them, to the bit. One sample of two parts of
// 64 channels at 14×14 in 8 groups makes the norm's backward run the two
// parts' blocks, which write the same elements of x's gradient, on
// different workers.
func TestGroupNormSiLUConv2dAddCatRepeatedPart(t *testing.T) {
	autograd.ForceWinograd(t, true)
	autograd.ForceWinograd4(t, true)
	rng := tensor.NewRNG(77)
	xT := rng.Randn(1, 64, 14, 14)
	nwT, nbT := rng.Randn(128), rng.Randn(128)
	wT := rng.Randn(32, 128, 3, 3)
	for j := range wT.Data {
		wT.Data[j] *= float32(1 / math.Sqrt(9*128))
	}
	var got [2][]float32
	for k, cat := range []bool{true, false} {
		x := autograd.NewParam(xT.Clone())
		nw, nb, w := autograd.NewVar(nwT.Clone()), autograd.NewVar(nbT.Clone()), autograd.NewVar(wT.Clone())
		g := autograd.NewPooled()
		var out *autograd.Var
		if cat {
			out = g.GroupNormSiLUConv2dAddCat([]*autograd.Var{x, x}, 8, nw, nb, 1e-5, w, nil, 1, 1, nil, nil)
		} else {
			out = g.GroupNormSiLUConv2dAdd(g.Concat(1, x, x), 8, nw, nb, 1e-5, w, nil, 1, 1, nil, nil)
		}
		if err := g.Backward(g.Sum(g.Mul(out, out), nil, false)); err != nil {
			t.Fatal(err)
		}
		got[k] = append([]float32(nil), x.Grad.Data...)
	}
	for e, v := range got[1] {
		if math.Float32bits(got[0][e]) != math.Float32bits(v) {
			t.Fatalf("x's gradient[%d] = %v, through Concat %v", e, got[0][e], v)
		}
	}
}
