package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestModulateGrad(t *testing.T) {
	for _, s := range [][3]int{{2, 3, 5}, {1, 1, 4}, {3, 7, 2}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			xs := []*tensor.Tensor{gradcheck.Rand(s[:], 1), gradcheck.Rand([]int{s[0], s[2]}, 2), gradcheck.Rand([]int{s[0], s[2]}, 3)}
			gradcheck.CheckN(t, func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var {
				return g.Modulate(v[0], v[1], v[2])
			}, xs, gradcheck.Tol{})
		})
	}
}

func TestGatedAddGrad(t *testing.T) {
	for _, s := range [][3]int{{2, 3, 5}, {1, 1, 4}, {3, 7, 2}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			xs := []*tensor.Tensor{gradcheck.Rand(s[:], 1), gradcheck.Rand(s[:], 2), gradcheck.Rand([]int{s[0], s[2]}, 3)}
			gradcheck.CheckN(t, func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var {
				return g.GatedAdd(v[0], v[1], v[2])
			}, xs, gradcheck.Tol{})
		})
	}
}

// TestModulateMatchesOps: the fused ops give the bits of the unfused
// broadcasting ops they replace.
func TestModulateMatchesOps(t *testing.T) {
	g := autograd.NoGrad()
	rng := tensor.NewRNG(9)
	x, h := autograd.NewVar(rng.Randn(3, 5, 8)), autograd.NewVar(rng.Randn(3, 5, 8))
	shift, scale := autograd.NewVar(rng.Randn(3, 8)), autograd.NewVar(rng.Randn(3, 8))
	k := g.AddScalar(g.Reshape(scale, 3, 1, 8), 1)
	want := g.Add(g.Mul(x, k), g.Reshape(shift, 3, 1, 8)).Data()
	wantGate := g.Add(x, g.Mul(h, g.Reshape(scale, 3, 1, 8))).Data()
	got, gotGate := g.Modulate(x, shift, scale).Data(), g.GatedAdd(x, h, scale).Data()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(gotGate[i]) != math.Float32bits(wantGate[i]) {
			t.Fatalf("element %d: Modulate %v, ops %v; GatedAdd %v, ops %v", i, got[i], want[i], gotGate[i], wantGate[i])
		}
	}
	var err error
	func() { defer tensor.Recover(&err); g.Modulate(x, shift, autograd.NewVar(tensor.New(3, 5))) }()
	if err == nil {
		t.Error("scale (3, 5) for x (3, 5, 8): no error")
	}
}
