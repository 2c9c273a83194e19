package nn_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestSequentialGrad(t *testing.T) {
	rng := tensor.NewRNG(1)
	s := nn.NewSequential(
		nn.NewLinear("mlp.0", 4, 6, true, rng),
		nn.Func((*autograd.Graph).SiLU),
		nn.NewLayerNorm("mlp.2", 6),
		nn.NewLinear("mlp.3", 6, 3, true, rng),
	)
	wantParams(t, s.Params(),
		[]string{"mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias", "mlp.3.weight", "mlp.3.bias"},
		[][]int{{6, 4}, {6}, {6}, {6}, {3, 6}, {3}})
	gradcheck.Check(t, s.Forward, gradcheck.Rand([]int{5, 4}, 2), gradcheck.Tol{Abs: 2e-3}, vars(s.Params())...)
}

func TestSequentialEmpty(t *testing.T) {
	x := autograd.NewVar(tensor.FromData([]float32{1, 2}, 2))
	if y := nn.NewSequential().Forward(autograd.NoGrad(), x); y != x {
		t.Errorf("empty Sequential changed its input")
	}
	if len(nn.NewSequential().Params()) != 0 {
		t.Errorf("empty Sequential has parameters")
	}
}
