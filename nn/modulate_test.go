package nn_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestModulateGrad(t *testing.T) {
	f := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var { return nn.Modulate(g, xs[0], xs[1], xs[2]) }
	xs := []*tensor.Tensor{gradcheck.Rand([]int{2, 3, 5}, 1), gradcheck.Rand([]int{2, 5}, 2), gradcheck.Rand([]int{2, 5}, 3)}
	gradcheck.CheckN(t, f, xs, gradcheck.Tol{})
}

func TestModulateValues(t *testing.T) {
	// B = 2, L = 2, D = 1: sequence b gets x·(1 + scale_b) + shift_b.
	x := tensor.FromData([]float32{1, 2, 3, 4}, 2, 2, 1)
	shift, scale := tensor.FromData([]float32{10, 20}, 2, 1), tensor.FromData([]float32{1, -0.5}, 2, 1)
	y := nn.Modulate(autograd.NoGrad(), autograd.NewVar(x), autograd.NewVar(shift), autograd.NewVar(scale)).Data()
	for i, want := range []float32{12, 14, 21.5, 22} {
		if y[i] != want {
			t.Errorf("y[%d] = %v, want %v", i, y[i], want)
		}
	}
	var err error
	func() {
		defer tensor.Recover(&err)
		nn.Modulate(autograd.NoGrad(), autograd.NewVar(x), autograd.NewVar(tensor.New(2, 2)), autograd.NewVar(scale))
	}()
	if err == nil {
		t.Error("shift (2, 2) for x (2, 2, 1): no error")
	}
}
