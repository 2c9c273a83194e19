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

// perturb moves the affine parameters off 1 and 0 so that their gradients
// are checked away from the trivial point.
func perturb(ps []*nn.Param, seed uint64) {
	rng := tensor.NewRNG(seed)
	for _, p := range ps {
		for i := range p.V.Data() {
			p.V.Data()[i] += float32(0.5 * rng.Normal())
		}
	}
}

func TestGroupNormGrad(t *testing.T) {
	for _, c := range []struct {
		groups int
		shape  []int
	}{{2, []int{2, 6, 5, 3}}, {4, []int{1, 4, 1, 7}}, {1, []int{3, 2, 4}}} {
		t.Run(fmt.Sprint(c.groups, c.shape), func(t *testing.T) {
			gn := nn.NewGroupNorm("norm", c.groups, c.shape[1])
			perturb(gn.Params(), 3)
			gradcheck.Check(t, gn.Forward, gradcheck.Rand(c.shape, 1), gradcheck.Tol{Rel: 1e-2, Abs: 2e-3}, vars(gn.Params())...)
		})
	}
}

func TestGroupNormValue(t *testing.T) {
	gn := nn.NewGroupNorm("norm", 2, 4)
	wantParams(t, gn.Params(), []string{"norm.weight", "norm.bias"}, [][]int{{4}, {4}})
	wantConst(t, gn.Weight, 1)
	wantConst(t, gn.Bias, 0)
	if gn.Eps != 1e-5 {
		t.Errorf("eps = %g, want 1e-5", gn.Eps)
	}
	x := gradcheck.Rand([]int{3, 4, 5, 2}, 9)
	y := gn.Forward(autograd.NoGrad(), autograd.NewVar(x))
	// each (sample, group) of 2 channels × 10 positions has mean 0, variance ≈ 1
	for n := range 3 {
		for grp := range 2 {
			block := y.Data()[(n*4+grp*2)*10 : (n*4+grp*2+2)*10]
			var s, ss float64
			for _, v := range block {
				s += float64(v)
				ss += float64(v) * float64(v)
			}
			mean, variance := s/20, ss/20-(s/20)*(s/20)
			if math.Abs(mean) > 1e-5 || math.Abs(variance-1) > 1e-3 {
				t.Errorf("sample %d group %d: mean %.3g variance %.5f, want 0 and 1", n, grp, mean, variance)
			}
		}
	}
}

func TestLayerNormGrad(t *testing.T) {
	for _, shape := range [][]int{{3, 5}, {2, 3, 7}, {1, 1, 4}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			ln := nn.NewLayerNorm("ln", shape[len(shape)-1])
			perturb(ln.Params(), 4)
			gradcheck.Check(t, ln.Forward, gradcheck.Rand(shape, 1), gradcheck.Tol{Rel: 1e-2, Abs: 2e-3}, vars(ln.Params())...)
		})
	}
}

func TestLayerNormParams(t *testing.T) {
	ln := nn.NewLayerNorm("blocks.0.ln1", 64)
	wantParams(t, ln.Params(), []string{"blocks.0.ln1.weight", "blocks.0.ln1.bias"}, [][]int{{64}, {64}})
	wantConst(t, ln.Weight, 1)
	wantConst(t, ln.Bias, 0)
	ln4 := nn.NewLayerNorm("x", 4)
	y := ln4.Forward(autograd.NoGrad(), autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4}, 1, 4)))
	// mean 2.5, biased variance 1.25
	for i, v := range []float64{1, 2, 3, 4} {
		want := (v - 2.5) / math.Sqrt(1.25+1e-5)
		if math.Abs(float64(y.Data()[i])-want) > 1e-5 {
			t.Errorf("y[%d] = %.6f, want %.6f", i, y.Data()[i], want)
		}
	}
}

func TestLayerNormWithoutAffineGrad(t *testing.T) {
	for _, shape := range [][]int{{3, 5}, {2, 3, 7}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			ln := nn.NewLayerNorm("ln", shape[len(shape)-1], nn.WithoutAffine(), nn.WithEps(1e-6))
			gradcheck.Check(t, ln.Forward, gradcheck.Rand(shape, 2), gradcheck.Tol{Rel: 1e-2, Abs: 2e-3})
		})
	}
}

func TestLayerNormOptions(t *testing.T) {
	ln := nn.NewLayerNorm("norm1", 4, nn.WithoutAffine(), nn.WithEps(0.25))
	if len(ln.Params()) != 0 || ln.Eps != 0.25 {
		t.Fatalf("WithoutAffine, WithEps(0.25): %d params, eps %v; want none, 0.25", len(ln.Params()), ln.Eps)
	}
	y := ln.Forward(autograd.NoGrad(), autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4}, 1, 4)))
	for i, v := range []float64{1, 2, 3, 4} {
		want := (v - 2.5) / math.Sqrt(1.25+0.25) // mean 2.5, biased variance 1.25
		if math.Abs(float64(y.Data()[i])-want) > 1e-6 {
			t.Errorf("y[%d] = %.6f, want %.6f", i, y.Data()[i], want)
		}
	}
}
