package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// wantParams checks the names and shapes of ps, in order.
func wantParams(t *testing.T, ps []*nn.Param, names []string, shapes [][]int) {
	t.Helper()
	if len(ps) != len(names) {
		t.Fatalf("got %d params, want %d (%v)", len(ps), len(names), names)
	}
	for i, p := range ps {
		if p.Name != names[i] {
			t.Errorf("param %d name = %q, want %q", i, p.Name, names[i])
		}
		if !tensor.SameShape(p.V.Shape(), shapes[i]) {
			t.Errorf("param %q shape = %v, want %v", p.Name, p.V.Shape(), shapes[i])
		}
		if !p.V.RequiresGrad() {
			t.Errorf("param %q does not require grad", p.Name)
		}
	}
}

// wantUniform checks that p's values lie in [−k, k] and spread over it (a
// U(−k, k) sample of a few hundred values comes within 10% of both ends).
func wantUniform(t *testing.T, p *nn.Param, k float64) {
	t.Helper()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range p.V.Data() {
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	if lo < -k || hi > k {
		t.Errorf("%s in [%.4g, %.4g], want within ±%.4g", p.Name, lo, hi, k)
	}
	if len(p.V.Data()) >= 100 && (lo > -0.9*k || hi < 0.9*k) {
		t.Errorf("%s in [%.4g, %.4g], want spread over ±%.4g", p.Name, lo, hi, k)
	}
}

// wantConst checks that every value of p is v.
func wantConst(t *testing.T, p *nn.Param, v float32) {
	t.Helper()
	for i, x := range p.V.Data() {
		if x != v {
			t.Fatalf("%s[%d] = %v, want %v", p.Name, i, x, v)
		}
	}
}

// vars are the Vars of ps, for gradcheck.
func vars(ps []*nn.Param) []*autograd.Var {
	out := make([]*autograd.Var, len(ps))
	for i, p := range ps {
		out[i] = p.V
	}
	return out
}
