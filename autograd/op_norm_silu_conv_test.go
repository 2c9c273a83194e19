package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// normSiLUConvCase is one GroupNormSiLUConv2dAdd call: x (n, cin, h, w),
// cout 3×3 (or k×k) filters, and which optional operands it has.
type normSiLUConvCase struct {
	n, cin, cout, h, w, groups, k, stride int
	affine, bias, shift, res              bool
}

func (c normSiLUConvCase) operands(seed uint64) (x, nw, nb, w, b, shift, res *autograd.Var) {
	rng := tensor.NewRNG(seed)
	x = autograd.NewVar(rng.Randn(c.n, c.cin, c.h, c.w))
	if c.affine {
		nw, nb = autograd.NewVar(rng.Randn(c.cin)), autograd.NewVar(rng.Randn(c.cin))
	}
	wt := rng.Randn(c.cout, c.cin, c.k, c.k)
	for i := range wt.Data {
		wt.Data[i] *= float32(1 / math.Sqrt(float64(9*c.cin)))
	}
	w = autograd.NewVar(wt)
	if c.bias {
		b = autograd.NewVar(rng.Randn(c.cout))
	}
	oh, ow := (c.h+2*(c.k/2)-c.k)/c.stride+1, (c.w+2*(c.k/2)-c.k)/c.stride+1
	if c.shift {
		shift = autograd.NewVar(rng.Randn(c.n, c.cout))
	}
	if c.res {
		res = autograd.NewVar(rng.Randn(c.n, c.cout, oh, ow))
	}
	return
}

// TestGroupNormSiLUConv2dAddMatchesTwoSteps checks the op on graphs that
// record no backward step against GroupNormSiLU then Conv2dAdd on the
// same graph: the same bits, on shapes of bench-unet's ResBlocks (F(4×4)
// where the machine's rule picks it, forced on and off) and on shapes it
// does not fuse (stride 2, 1×1, F(2×2); with Winograd forced on every
// 3×3 stride-1 one), with many chunks and an uneven
// last one, with and without the optional operands.
func TestGroupNormSiLUConv2dAddMatchesTwoSteps(t *testing.T) {
	cases := []normSiLUConvCase{
		{2, 32, 32, 28, 28, 8, 3, 1, true, true, true, false},
		{3, 64, 128, 14, 14, 8, 3, 1, true, true, false, true},
		{3, 128, 128, 7, 7, 8, 3, 1, true, true, true, true},
		{2, 16, 24, 9, 11, 4, 3, 1, false, false, false, false},
		{2, 16, 16, 10, 10, 2, 3, 2, true, true, true, false}, // stride 2: two steps
		{2, 16, 16, 8, 8, 8, 1, 1, true, true, false, false},  // 1×1: two steps
	}
	for _, force := range []string{"rule", "F(4×4)", "F(2×2)"} {
		for _, chunks := range []int{0, 37} {
			for i, c := range cases {
				t.Run(fmt.Sprintf("%s/chunk%d/%+v", force, chunks, c), func(t *testing.T) {
					switch force {
					case "F(4×4)":
						autograd.ForceWinograd(t, true)
						autograd.ForceWinograd4(t, true)
					case "F(2×2)":
						autograd.ForceWinograd(t, true)
						autograd.ForceWinograd4(t, false)
					}
					autograd.SetWinogradChunkTiles(t, chunks)
					x, nw, nb, w, b, shift, res := c.operands(uint64(100 + i))
					fused := autograd.NormSiLUConvFuses(x, c.groups, w, c.stride, c.k/2)
					if force == "F(4×4)" && (c.stride == 1 && c.k == 3) != fused {
						t.Fatalf("fuses = %v with F(4×4) forced", fused)
					}
					if force == "F(2×2)" && fused {
						t.Fatal("fuses with F(2×2) forced")
					}
					for _, g := range []*autograd.Graph{autograd.NoGrad(), autograd.NoGradPooled(), autograd.New()} {
						got := g.GroupNormSiLUConv2dAdd(x, c.groups, nw, nb, 1e-5, w, b, c.stride, c.k/2, shift, res)
						want := g.Conv2dAdd(g.GroupNormSiLU(x, c.groups, nw, nb, 1e-5), w, b, c.stride, c.k/2, 1, shift, res)
						if !tensor.SameShape(got.Shape(), want.Shape()) {
							t.Fatalf("shape %v, want %v", got.Shape(), want.Shape())
						}
						for j, v := range want.Data() {
							if math.Float32bits(got.Data()[j]) != math.Float32bits(v) {
								t.Fatalf("fused=%v: out[%d] = %v, two steps %v", fused, j, got.Data()[j], v)
							}
						}
					}
				})
			}
		}
	}
}

// TestGroupNormSiLUConv2dAddGrad checks the op's gradients by finite
// differences, with respect to x and every parameter, fused (F(4×4)
// forced) and as the two ops (F(2×2) forced).
func TestGroupNormSiLUConv2dAddGrad(t *testing.T) {
	for _, f4 := range []bool{true, false} {
		t.Run(fmt.Sprintf("F(4×4)=%v", f4), func(t *testing.T) {
			autograd.ForceWinograd(t, true)
			autograd.ForceWinograd4(t, f4)
			nw := autograd.NewParam(gradcheck.Rand([]int{4}, 41))
			nb := autograd.NewParam(gradcheck.Rand([]int{4}, 42))
			w := autograd.NewParam(gradcheck.Rand([]int{3, 4, 3, 3}, 43))
			b := autograd.NewParam(gradcheck.Rand([]int{3}, 44))
			shift := autograd.NewParam(gradcheck.Rand([]int{2, 3}, 45))
			res := autograd.NewParam(gradcheck.Rand([]int{2, 3, 5, 6}, 46))
			x := gradcheck.Rand([]int{2, 4, 5, 6}, 47)
			if got := autograd.NormSiLUConvFuses(autograd.NewVar(x), 2, w, 1, 1); got != f4 {
				t.Fatalf("fuses = %v", got)
			}
			tol := gradcheck.Tol{}
			if f4 { // F(4×4) rounds further from the exact sum: a longer step (0.01 fails on rounding, 0.1 on the curvature)
				tol.Step = 0.05
			}
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.GroupNormSiLUConv2dAdd(x, 2, nw, nb, 1e-5, w, b, 1, 1, shift, res)
			}, x, tol, nw, nb, w, b, shift, res)
		})
	}
}

// TestGroupNormSiLUConv2dAddGradMatchesTwoSteps checks that a recording
// graph gives the two ops' output and gradients, bit for bit, on
// bench-unet's shapes with many chunks, on plain and pooled graphs (where
// the two ops' activation is evicted and made again): the fused backward
// makes the activation as the two ops' recomputation does.
func TestGroupNormSiLUConv2dAddGradMatchesTwoSteps(t *testing.T) {
	cases := []normSiLUConvCase{
		{2, 32, 32, 28, 28, 8, 3, 1, true, true, true, false},
		{3, 64, 128, 7, 7, 8, 3, 1, true, true, true, true},
		{2, 16, 24, 9, 11, 4, 3, 1, false, false, false, true},
	}
	for _, chunks := range []int{0, 37} {
		for i, c := range cases {
			t.Run(fmt.Sprintf("chunk%d/%+v", chunks, c), func(t *testing.T) {
				autograd.ForceWinograd(t, true)
				autograd.ForceWinograd4(t, true)
				autograd.SetWinogradChunkTiles(t, chunks)
				for _, pooled := range []bool{false, true} {
					var results [2][][]float32
					for k, fused := range []bool{true, false} {
						x, nw, nb, w, b, shift, res := c.operands(uint64(200 + i))
						vs := []*autograd.Var{x, nw, nb, w, b, shift, res}
						for j, v := range vs {
							if v != nil {
								vs[j] = autograd.NewParam(v.Value)
							}
						}
						x, nw, nb, w, b, shift, res = vs[0], vs[1], vs[2], vs[3], vs[4], vs[5], vs[6]
						if fused && !autograd.NormSiLUConvFuses(x, c.groups, w, 1, 1) {
							t.Fatal("does not fuse with F(4×4) forced")
						}
						g := autograd.New()
						if pooled {
							g = autograd.NewPooled()
						}
						var out *autograd.Var
						if fused {
							out = g.GroupNormSiLUConv2dAdd(x, c.groups, nw, nb, 1e-5, w, b, 1, 1, shift, res)
						} else {
							a := g.GroupNormSiLU(x, c.groups, nw, nb, 1e-5)
							out = g.Conv2dAdd(a, w, b, 1, 1, 1, shift, res)
							g.Evict(a)
						}
						results[k] = append(results[k], append([]float32(nil), out.Data()...))
						if err := g.Backward(g.Sum(g.Mul(out, out), nil, false)); err != nil {
							t.Fatal(err)
						}
						for _, v := range vs {
							if v != nil {
								results[k] = append(results[k], append([]float32(nil), v.Grad.Data...))
							}
						}
					}
					for j := range results[1] {
						for e, v := range results[1][j] {
							if math.Float32bits(results[0][j][e]) != math.Float32bits(v) {
								t.Fatalf("pooled=%v: tensor %d (output, then gradients of x, nw, nb, w, b, shift, res present)[%d] = %v, two steps %v",
									pooled, j, e, results[0][j][e], v)
							}
						}
					}
				}
			})
		}
	}
}

// TestGroupNormSiLUConv2dAddShapeErrors checks that bad operands panic
// with a *tensor.ShapeError on the fused path (a wrong norm weight, bias,
// shift or res: x and w fuse) as on the two steps (groups that do not
// divide the channels, a weight of other input channels).
func TestGroupNormSiLUConv2dAddShapeErrors(t *testing.T) {
	autograd.ForceWinograd(t, true)
	autograd.ForceWinograd4(t, true)
	x := autograd.NewVar(tensor.New(2, 16, 8, 8))
	w := autograd.NewVar(tensor.New(16, 16, 3, 3))
	if !autograd.NormSiLUConvFuses(x, 4, w, 1, 1) {
		t.Fatal("x and w do not fuse with F(4×4) forced")
	}
	for name, f := range map[string]func(){
		"norm weight": func() {
			autograd.NoGrad().GroupNormSiLUConv2dAdd(x, 4, autograd.NewVar(tensor.New(8)), nil, 1e-5, w, nil, 1, 1, nil, nil)
		},
		"groups": func() { autograd.NoGrad().GroupNormSiLUConv2dAdd(x, 3, nil, nil, 1e-5, w, nil, 1, 1, nil, nil) },
		"bias": func() {
			autograd.NoGrad().GroupNormSiLUConv2dAdd(x, 4, nil, nil, 1e-5, w, autograd.NewVar(tensor.New(3)), 1, 1, nil, nil)
		},
		"shift": func() {
			autograd.NoGrad().GroupNormSiLUConv2dAdd(x, 4, nil, nil, 1e-5, w, nil, 1, 1, autograd.NewVar(tensor.New(2, 3)), nil)
		},
		"res": func() {
			autograd.NoGrad().GroupNormSiLUConv2dAdd(x, 4, nil, nil, 1e-5, w, nil, 1, 1, nil, autograd.NewVar(tensor.New(2, 16, 8, 7)))
		},
		"cin": func() {
			autograd.NoGrad().GroupNormSiLUConv2dAdd(x, 4, nil, nil, 1e-5, autograd.NewVar(tensor.New(16, 8, 3, 3)), nil, 1, 1, nil, nil)
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if _, ok := recover().(*tensor.ShapeError); !ok {
					t.Errorf("a wrong %s did not panic with a *tensor.ShapeError", name)
				}
			}()
			f()
		})
	}
}
