package autograd_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestMatMulGrad(t *testing.T) {
	cases := []struct {
		a, b       []int
		transA, tB bool
	}{
		{[]int{3, 5}, []int{5, 4}, false, false},
		{[]int{2, 3, 5}, []int{5, 4}, false, false},   // shared right operand
		{[]int{2, 3, 5}, []int{4, 5}, false, true},    // x·Wᵀ
		{[]int{2, 5, 3}, []int{2, 5, 4}, true, false}, // batched qᵀk
		{[]int{2, 3, 5}, []int{2, 4, 5}, false, true},
		{[]int{2, 5, 3}, []int{2, 4, 5}, true, true},
		{[]int{2, 5, 3}, []int{5, 4}, true, false}, // transposed a, shared b
		{[]int{1, 1}, []int{1, 7}, false, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return g.MatMulTrans(xs[0], xs[1], c.transA, c.tB)
			}, []*tensor.Tensor{gradcheck.Rand(c.a, 1), gradcheck.Rand(c.b, 2)}, gradcheck.Tol{})
		})
	}
}

func TestMatMulShapeError(t *testing.T) {
	var err error
	func() {
		defer tensor.Recover(&err)
		autograd.NoGrad().MatMul(autograd.NewVar(tensor.New(64, 128)), autograd.NewVar(tensor.New(64, 10)))
	}()
	want := "MatMul: (64, 128) × (64, 10): inner sizes 128 ≠ 64"
	if err == nil || err.Error() != want {
		t.Fatalf("MatMul shape error = %v, want %q", err, want)
	}
}

func TestNoGradRecordsNothing(t *testing.T) {
	g := autograd.NoGrad()
	w := autograd.NewParam(tensor.New(3, 3))
	out := g.MatMul(autograd.NewVar(tensor.New(2, 3)), w)
	if g.Len() != 0 || out.RequiresGrad() {
		t.Fatalf("NoGrad recorded %d steps (out requires grad: %v), want none", g.Len(), out.RequiresGrad())
	}
}
