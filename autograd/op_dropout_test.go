package autograd_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestDropoutGrad(t *testing.T) {
	gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
		return g.Dropout(x, 0.3, tensor.NewRNG(17)) // the same mask on every call
	}, gradcheck.Rand([]int{3, 7, 5}, 18), gradcheck.Tol{})
}

func TestDropoutIdentity(t *testing.T) {
	x := autograd.NewParam(tensor.New(2, 3))
	g := autograd.New()
	if y := g.Dropout(x, 0, tensor.NewRNG(1)); y != x {
		t.Errorf("Dropout(p = 0) returned a new Var, want x itself")
	}
	if y := g.Dropout(x, 0.5, nil); y != x {
		t.Errorf("Dropout(rng = nil) returned a new Var, want x itself")
	}
	if g.Len() != 0 {
		t.Errorf("identity Dropout recorded %d steps, want 0", g.Len())
	}
}

func TestDropoutKeepsAndScales(t *testing.T) {
	const n, p = 20000, 0.25
	x := tensor.Full(2, n)
	y := autograd.NoGrad().Dropout(autograd.NewVar(x), p, tensor.NewRNG(19)).Data()
	kept := 0
	for _, v := range y {
		switch v {
		case 0:
		case 2 / (1 - p):
			kept++
		default:
			t.Fatalf("Dropout output %v, want 0 or %v", v, 2/(1-p))
		}
	}
	// The kept count is Binomial(n, 0.75): std ≈ 61, so ±5 std is 306.
	if frac := float64(kept) / n; math.Abs(frac-(1-p)) > 306.0/n {
		t.Errorf("Dropout kept %.4f of elements, want %.2f", frac, 1-p)
	}
}

func TestDropoutAll(t *testing.T) {
	y := autograd.NoGrad().Dropout(autograd.NewVar(tensor.Full(3, 5)), 1, tensor.NewRNG(1)).Data()
	for _, v := range y {
		if v != 0 {
			t.Fatalf("Dropout(p = 1) = %v, want zeros", y)
		}
	}
}

func TestDropoutBadProbability(t *testing.T) {
	for _, p := range []float64{-0.1, 1.5, math.NaN()} {
		var err error
		func() {
			defer tensor.Recover(&err)
			autograd.NoGrad().Dropout(autograd.NewVar(tensor.New(2)), p, tensor.NewRNG(1))
		}()
		if err == nil {
			t.Errorf("Dropout(p = %v) did not fail", p)
		}
	}
}
