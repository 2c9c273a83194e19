package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestCausalSoftmaxGrad(t *testing.T) {
	for _, shape := range [][]int{{2, 4, 4}, {3, 5}, {2, 1, 3, 3}, {1, 1}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.CausalSoftmax(x)
			}, gradcheck.Rand(shape, 51), gradcheck.Tol{})
		})
	}
}

// TestCausalSoftmaxValues compares with Softmax(x + M), M = −∞ on the
// future keys, and checks the first query of a square mask sees only key 0.
func TestCausalSoftmaxValues(t *testing.T) {
	g := autograd.NoGrad()
	for _, ts := range [][2]int{{5, 5}, {3, 7}} {
		tq, s := ts[0], ts[1]
		x := tensor.NewRNG(6).Randn(2, tq, s)
		m := tensor.New(tq, s)
		for i := range tq {
			for j := range s {
				if j > i+s-tq {
					m.Data[i*s+j] = float32(math.Inf(-1))
				}
			}
		}
		got := g.CausalSoftmax(autograd.NewVar(x)).Data()
		want := g.Softmax(g.Add(autograd.NewVar(x), autograd.NewVar(m)), -1).Data()
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 {
				t.Fatalf("T %d, S %d: element %d = %v, want %v", tq, s, i, got[i], want[i])
			}
		}
		if tq == s && got[0] != 1 {
			t.Errorf("query 0 gives key 0 weight %v, want 1", got[0])
		}
	}
	var err error
	func() { defer tensor.Recover(&err); g.CausalSoftmax(autograd.NewVar(tensor.New(4, 3))) }()
	if err == nil {
		t.Error("S < T: no error")
	}
}
