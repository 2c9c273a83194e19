package nn_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// TestConv2dForwardCatGrad checks ForwardCat's gradients by finite
// differences, with respect to every part and the parameters: a 1×1
// convolution over two parts (a decoder ResBlock's skip), a 3×3 one over
// three, and a grouped one (which makes the concatenation).
func TestConv2dForwardCatGrad(t *testing.T) {
	for _, c := range []struct {
		k, pad, groups, cout int
		parts                []int
	}{{1, 0, 1, 5, []int{3, 2}}, {3, 1, 1, 4, []int{2, 1, 3}}, {3, 1, 2, 4, []int{2, 2}}} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			cin := 0
			var xs []*tensor.Tensor
			for k, p := range c.parts {
				cin += p
				xs = append(xs, gradcheck.Rand([]int{2, p, 4, 5}, uint64(10+k)))
			}
			conv := nn.NewConv2dGroups("conv", cin, c.cout, c.k, 1, c.pad, c.groups, true, tensor.NewRNG(3))
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return conv.ForwardCat(g, xs)
			}, xs, gradcheck.Tol{}, vars(conv.Params())...)
		})
	}
}

// TestConv2dForwardCatMatchesConcat: ForwardCat equals Forward of the
// concatenation up to the rounding of its term-by-term sum (a few ulps
// of the largest term), the bits themselves for one part and for a
// grouped convolution, at a decoder skip's shape.
func TestConv2dForwardCatMatchesConcat(t *testing.T) {
	rng := tensor.NewRNG(5)
	h, skip := rng.Randn(3, 128, 7, 7), rng.Randn(3, 64, 7, 7)
	for _, groups := range []int{1, 2} {
		conv := nn.NewConv2dGroups("skip", 192, 128, 1, 1, 0, groups, true, rng)
		g := autograd.NoGrad()
		got := conv.ForwardCat(g, []*autograd.Var{autograd.NewVar(h), autograd.NewVar(skip)}).Value
		want := conv.Forward(g, g.Concat(1, autograd.NewVar(h), autograd.NewVar(skip))).Value
		for i, v := range want.Data {
			if groups != 1 && math.Float32bits(got.Data[i]) != math.Float32bits(v) {
				t.Fatalf("groups %d: out[%d] = %v, Concat %v", groups, i, got.Data[i], v)
			}
			if d := math.Abs(float64(got.Data[i] - v)); d > 1e-5*(1+math.Abs(float64(v))) {
				t.Fatalf("groups %d: out[%d] = %v, Concat %v", groups, i, got.Data[i], v)
			}
		}
	}
	conv := nn.NewConv2d("c", 6, 4, 3, 1, 1, true, rng)
	x := rng.Randn(2, 6, 5, 5)
	got := conv.ForwardCat(autograd.NoGrad(), []*autograd.Var{autograd.NewVar(x)}).Value
	want := conv.Forward(autograd.NoGrad(), autograd.NewVar(x)).Value
	for i, v := range want.Data {
		if math.Float32bits(got.Data[i]) != math.Float32bits(v) {
			t.Fatalf("one part: out[%d] = %v, Forward %v", i, got.Data[i], v)
		}
	}
}

// TestConv2dForwardCatShapeError: parts whose channels do not add up to
// the weight's panic with a *tensor.ShapeError.
func TestConv2dForwardCatShapeError(t *testing.T) {
	conv := nn.NewConv2d("c", 6, 4, 1, 1, 0, true, tensor.NewRNG(1))
	defer func() {
		if _, ok := recover().(*tensor.ShapeError); !ok {
			t.Error("5 channels for a 6-channel weight did not panic with a *tensor.ShapeError")
		}
	}()
	conv.ForwardCat(autograd.NoGrad(), []*autograd.Var{autograd.NewVar(tensor.New(1, 3, 2, 2)), autograd.NewVar(tensor.New(1, 2, 2, 2))})
}

// TestConv2dForwardNormSiLUAddCat checks ForwardNormSiLUAddCat against
// ForwardNormSiLUAdd of the concatenation: the same output and gradient
// bits, for a ResBlock's shape (fused where the machine runs F(4×4)) and
// a grouped convolution (which makes the concatenation).
func TestConv2dForwardNormSiLUAddCat(t *testing.T) {
	for _, c := range []struct{ parts, cout, groups, hw int }{{48, 32, 1, 14}, {12, 12, 2, 6}} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			rng := tensor.NewRNG(9)
			cin := c.parts * 2
			norm := nn.NewGroupNorm("norm", 8, cin)
			for i := range cin {
				norm.Weight.V.Value.Data[i] = float32(1 + 0.3*rng.Normal())
				norm.Bias.V.Value.Data[i] = float32(0.3 * rng.Normal())
			}
			conv := nn.NewConv2dGroups("conv", cin, c.cout, 3, 1, 1, c.groups, true, rng)
			a, b := rng.Randn(2, c.parts, c.hw, c.hw), rng.Randn(2, c.parts, c.hw, c.hw)
			var results [2][][]float32
			for k := range 2 {
				g := autograd.NewPooled()
				av, bv := autograd.NewParam(a.Clone()), autograd.NewParam(b.Clone())
				var out *autograd.Var
				if k == 0 {
					out = conv.ForwardNormSiLUAddCat(g, norm, []*autograd.Var{av, bv}, nil, nil)
				} else {
					x := g.Concat(1, av, bv)
					out = conv.ForwardNormSiLUAdd(g, norm, x, nil, nil)
				}
				results[k] = append(results[k], append([]float32(nil), out.Data()...))
				if err := g.Backward(g.Sum(g.Mul(out, out), nil, false)); err != nil {
					t.Fatal(err)
				}
				results[k] = append(results[k], append([]float32(nil), av.Grad.Data...), append([]float32(nil), bv.Grad.Data...),
					append([]float32(nil), conv.Weight.V.Grad.Data...), append([]float32(nil), norm.Weight.V.Grad.Data...))
				for _, p := range append(conv.Params(), norm.Params()...) {
					p.V.ZeroGrad()
				}
			}
			for j := range results[1] {
				for i, v := range results[1][j] {
					if math.Float32bits(results[0][j][i]) != math.Float32bits(v) {
						t.Fatalf("tensor %d (output, gradients of the parts, conv weight, norm weight)[%d] = %v, Concat %v", j, i, results[0][j][i], v)
					}
				}
			}
		})
	}
}
