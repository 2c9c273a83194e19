package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestGELUGrad(t *testing.T) {
	gradcheck.Check(t, nn.GELU{}.Forward, gradcheck.Rand([]int{3, 7}, 3), gradcheck.Tol{})
}

func TestGELUValues(t *testing.T) {
	x := tensor.FromData([]float32{-2, 0, 1, 3}, 4)
	y := nn.GELU{}.Forward(autograd.NoGrad(), autograd.NewVar(x)).Data()
	for i, v := range x.Data {
		xv := float64(v)
		want := xv * 0.5 * math.Erfc(-xv/math.Sqrt2) // x·Φ(x)
		if math.Abs(float64(y[i])-want) > 1e-6 {
			t.Errorf("GELU(%v) = %.7f, want %.7f", v, y[i], want)
		}
	}
	if len(nn.GELU{}.Params()) != 0 {
		t.Error("GELU has parameters")
	}
}
