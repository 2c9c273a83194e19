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

// naiveDilated is the defining sum of DilatedConv1d in float64.
func naiveDilated(c *nn.DilatedConv1d, x *tensor.Tensor) []float64 {
	n, l := x.Dim(0), x.Dim(2)
	w := c.Weight.V.Value.Data
	out := make([]float64, n*c.Cout*l)
	half := (c.Kernel - 1) / 2
	for b := range n {
		for o := range c.Cout {
			for t := range l {
				s := 0.0
				if c.Bias != nil {
					s = float64(c.Bias.V.Value.Data[o])
				}
				for ci := range c.Cin {
					for j := range c.Kernel {
						u := t + c.Dilation*(j-half)
						if u < 0 || u >= l {
							continue
						}
						s += float64(w[(o*c.Cin+ci)*c.Kernel+j]) * float64(x.Data[(b*c.Cin+ci)*l+u])
					}
				}
				out[(b*c.Cout+o)*l+t] = s
			}
		}
	}
	return out
}

func TestDilatedConv1dMatchesSum(t *testing.T) {
	cases := []struct{ cin, cout, k, d, l int }{
		{3, 4, 3, 1, 7},
		{2, 5, 3, 4, 9},  // the dilation reaches past both ends for some t
		{4, 2, 5, 2, 6},  // wider kernel
		{2, 3, 3, 16, 5}, // padding longer than the signal: only the centre tap sees data
		{3, 3, 1, 8, 4},  // 1×1 ignores the dilation
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			conv := nn.NewDilatedConv1d("conv", c.cin, c.cout, c.k, c.d, true, tensor.NewRNG(3))
			x := gradcheck.Rand([]int{2, c.cin, c.l}, 5)
			got := conv.Forward(autograd.NoGrad(), autograd.NewVar(x)).Value
			if !tensor.SameShape(got.Shape, []int{2, c.cout, c.l}) {
				t.Fatalf("shape %v, want (2, %d, %d)", got.Shape, c.cout, c.l)
			}
			want := naiveDilated(conv, x)
			for i, w := range want {
				if math.Abs(float64(got.Data[i])-w) > 1e-5*(1+math.Abs(w)) {
					t.Fatalf("y[%d] = %.7f, want %.7f", i, got.Data[i], w)
				}
			}
		})
	}
}

func TestDilatedConv1dGrad(t *testing.T) {
	cases := []struct {
		cin, cout, k, d int
		bias            bool
		x               []int
	}{
		{3, 4, 3, 2, true, []int{2, 3, 7}},
		{2, 3, 3, 5, false, []int{1, 2, 9}},
		{2, 2, 5, 1, true, []int{2, 2, 6}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			conv := nn.NewDilatedConv1d("conv", c.cin, c.cout, c.k, c.d, c.bias, tensor.NewRNG(1))
			gradcheck.Check(t, conv.Forward, gradcheck.Rand(c.x, 2), gradcheck.Tol{}, vars(conv.Params())...)
		})
	}
}

func TestDilatedConv1dParams(t *testing.T) {
	conv := nn.NewDilatedConv1d("res.3.dilated", 8, 16, 3, 4, true, tensor.NewRNG(1))
	wantParams(t, conv.Params(), []string{"res.3.dilated.weight", "res.3.dilated.bias"}, [][]int{{16, 8, 3}, {16}})
	wantUniform(t, conv.Weight, 1/math.Sqrt(8*3))
}
