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

func TestLinearGrad(t *testing.T) {
	for _, shape := range [][]int{{3, 5}, {2, 3, 5}, {1, 5}} {
		for _, bias := range []bool{true, false} {
			t.Run(fmt.Sprint(shape, bias), func(t *testing.T) {
				l := nn.NewLinear("fc", 5, 4, bias, tensor.NewRNG(1))
				gradcheck.Check(t, l.Forward, gradcheck.Rand(shape, 2), gradcheck.Tol{}, vars(l.Params())...)
			})
		}
	}
}

func TestLinearValue(t *testing.T) {
	l := nn.NewLinear("fc", 2, 3, true, tensor.NewRNG(1))
	copy(l.Weight.V.Data(), []float32{1, 2, 3, 4, 5, 6})
	copy(l.Bias.V.Data(), []float32{0.5, -1, 2})
	y := l.Forward(autograd.NoGrad(), autograd.NewVar(tensor.FromData([]float32{1, -1}, 1, 2)))
	want := []float32{-0.5, -2, 1} // (1−2)+0.5, (3−4)−1, (5−6)+2
	for i, w := range want {
		if y.Data()[i] != w {
			t.Errorf("y[%d] = %v, want %v", i, y.Data()[i], w)
		}
	}
}

func TestLinearParams(t *testing.T) {
	l := nn.NewLinear("temb.fc1", 32, 128, true, tensor.NewRNG(3))
	wantParams(t, l.Params(), []string{"temb.fc1.weight", "temb.fc1.bias"}, [][]int{{128, 32}, {128}})
	k := 1 / math.Sqrt(32)
	wantUniform(t, l.Weight, k)
	wantUniform(t, l.Bias, k)
	nb := nn.NewLinear("head", 4, 2, false, tensor.NewRNG(3))
	wantParams(t, nb.Params(), []string{"head.weight"}, [][]int{{2, 4}})
}

// TestLinearForwardGELU checks ForwardGELU against GELU(Forward), with and
// without a bias, and its gradients by finite differences.
func TestLinearForwardGELU(t *testing.T) {
	for _, bias := range []bool{true, false} {
		l := nn.NewLinear("fc", 5, 4, bias, tensor.NewRNG(1))
		x := autograd.NewVar(gradcheck.Rand([]int{3, 5}, 4))
		g := autograd.NoGrad()
		got, want := l.ForwardGELU(g, x).Data(), g.GELU(l.Forward(g, x)).Data()
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 {
				t.Fatalf("bias %v: y[%d] = %v, GELU(Forward) %v", bias, i, got[i], want[i])
			}
		}
		gradcheck.Check(t, l.ForwardGELU, gradcheck.Rand([]int{2, 3, 5}, 5), gradcheck.Tol{}, vars(l.Params())...)
	}
}
