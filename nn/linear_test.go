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
		got := l.ForwardGELU(g, x).Data()
		// The reference in float64: GELU(z) = z·Φ(z), z = x·Wᵀ + b.
		w, xs := l.Weight.V.Data(), x.Data()
		for r := range 3 {
			for o := range 4 {
				z := 0.0
				if bias {
					z = float64(l.Bias.V.Data()[o])
				}
				for k := range 5 {
					z += float64(xs[r*5+k]) * float64(w[o*5+k])
				}
				want := z * 0.5 * (1 + math.Erf(z/math.Sqrt2))
				if i := r*4 + o; math.Abs(float64(got[i])-want) > 1e-5 {
					t.Fatalf("bias %v: y[%d] = %v, want z·Φ(z) = %v", bias, i, got[i], want)
				}
			}
		}
		gradcheck.Check(t, l.ForwardGELU, gradcheck.Rand([]int{2, 3, 5}, 5), gradcheck.Tol{}, vars(l.Params())...)
	}
}
