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

func TestConv2dGrad(t *testing.T) {
	cases := []struct {
		cin, cout, k, stride, pad, groups int
		bias                              bool
		x                                 []int
	}{
		{3, 4, 3, 1, 1, 1, true, []int{2, 3, 5, 4}},
		{2, 3, 3, 2, 1, 1, true, []int{1, 2, 7, 6}}, // downsampling, odd sizes
		{4, 2, 1, 1, 0, 1, false, []int{2, 4, 3, 3}},
		{4, 6, 3, 1, 1, 2, true, []int{1, 4, 4, 5}}, // grouped
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			conv := nn.NewConv2dGroups("conv", c.cin, c.cout, c.k, c.stride, c.pad, c.groups, c.bias, tensor.NewRNG(1))
			gradcheck.Check(t, conv.Forward, gradcheck.Rand(c.x, 2), gradcheck.Tol{}, vars(conv.Params())...)
		})
	}
}

func TestConv2dShapeAndParams(t *testing.T) {
	conv := nn.NewConv2d("down.0.down.conv", 32, 32, 3, 2, 1, true, tensor.NewRNG(1))
	wantParams(t, conv.Params(), []string{"down.0.down.conv.weight", "down.0.down.conv.bias"}, [][]int{{32, 32, 3, 3}, {32}})
	k := 1 / math.Sqrt(32*9)
	wantUniform(t, conv.Weight, k)
	wantUniform(t, conv.Bias, k)
	y := conv.Forward(autograd.NoGrad(), autograd.NewVar(tensor.New(2, 32, 28, 28)))
	if !tensor.SameShape(y.Shape(), []int{2, 32, 14, 14}) {
		t.Errorf("stride-2 conv of (2, 32, 28, 28) = %v, want (2, 32, 14, 14)", y.Shape())
	}
	g := nn.NewConv2dGroups("g", 4, 6, 3, 1, 1, 2, false, tensor.NewRNG(1))
	wantParams(t, g.Params(), []string{"g.weight"}, [][]int{{6, 2, 3, 3}})
	wantUniform(t, g.Weight, 1/math.Sqrt(2*9))
}

func TestConv1dGrad(t *testing.T) {
	cases := []struct {
		cin, cout, k, stride, pad, groups int
		bias                              bool
		x                                 []int
	}{
		{3, 4, 3, 1, 1, 1, true, []int{2, 3, 7}},
		{2, 3, 5, 2, 2, 1, false, []int{1, 2, 9}},
		{4, 4, 3, 1, 1, 4, true, []int{2, 4, 5}}, // depthwise
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			conv := nn.NewConv1dGroups("conv", c.cin, c.cout, c.k, c.stride, c.pad, c.groups, c.bias, tensor.NewRNG(1))
			gradcheck.Check(t, conv.Forward, gradcheck.Rand(c.x, 2), gradcheck.Tol{}, vars(conv.Params())...)
		})
	}
}

func TestConv1dParams(t *testing.T) {
	conv := nn.NewConv1d("enc.0", 16, 8, 5, 1, 2, true, tensor.NewRNG(1))
	wantParams(t, conv.Params(), []string{"enc.0.weight", "enc.0.bias"}, [][]int{{8, 16, 5}, {8}})
	wantUniform(t, conv.Weight, 1/math.Sqrt(16*5))
	wantUniform(t, conv.Bias, 1/math.Sqrt(16*5))
}

// TestConv2dForwardNormSiLUAdd checks ForwardNormSiLUAdd against
// ForwardAdd of ForwardSiLU: the same output bits without recording (a
// ResBlock's shape, fused where the machine runs F(4×4), and a grouped
// convolution, which is not), and the same gradient bits when recording.
func TestConv2dForwardNormSiLUAdd(t *testing.T) {
	for _, c := range []struct{ cin, cout, groups, hw int }{{64, 64, 1, 14}, {8, 12, 2, 6}} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			rng := tensor.NewRNG(7)
			norm := nn.NewGroupNorm("norm", 4, c.cin)
			for i := range c.cin {
				norm.Weight.V.Value.Data[i] = float32(1 + 0.3*rng.Normal())
				norm.Bias.V.Value.Data[i] = float32(0.3 * rng.Normal())
			}
			conv := nn.NewConv2dGroups("conv", c.cin, c.cout, 3, 1, 1, c.groups, true, rng)
			x := rng.Randn(2, c.cin, c.hw, c.hw)
			shift := rng.Randn(2, c.cout)
			outs := make([][]float32, 2)
			grads := make([][]float32, 2)
			for k := range 2 {
				for _, record := range []bool{false, true} {
					g := autograd.NoGrad()
					if record {
						g = autograd.New()
					}
					xv := autograd.NewParam(x.Clone())
					var out *autograd.Var
					if k == 0 {
						out = conv.ForwardNormSiLUAdd(g, norm, xv, autograd.NewVar(shift), nil)
					} else {
						out = conv.ForwardAdd(g, norm.ForwardSiLU(g, xv), autograd.NewVar(shift), nil)
					}
					if !record {
						outs[k] = out.Data()
						continue
					}
					if err := g.Backward(g.Sum(g.Mul(out, out), nil, false)); err != nil {
						t.Fatal(err)
					}
					grads[k] = append(append([]float32(nil), xv.Grad.Data...), conv.Weight.V.Grad.Data...)
					for _, p := range append(conv.Params(), norm.Params()...) {
						p.V.ZeroGrad()
					}
				}
			}
			for i, v := range outs[1] {
				if math.Float32bits(outs[0][i]) != math.Float32bits(v) {
					t.Fatalf("out[%d] = %v, two steps %v", i, outs[0][i], v)
				}
			}
			for i, v := range grads[1] {
				if math.Float32bits(grads[0][i]) != math.Float32bits(v) {
					t.Fatalf("gradient %d = %v, two steps %v", i, grads[0][i], v)
				}
			}
		})
	}
}
