package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestMSEGrad(t *testing.T) {
	for _, shape := range [][]int{{3, 5}, {2, 3, 7}, {1}, {20000}} { // {20000}: several chunks
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return g.MSE(xs[0], xs[1])
			}, []*tensor.Tensor{gradcheck.Rand(shape, 23), gradcheck.Rand(shape, 24)}, gradcheck.Tol{})
		})
	}
}

func TestMSEValue(t *testing.T) {
	p := tensor.FromData([]float32{1, 2, 3, 4}, 2, 2)
	q := tensor.FromData([]float32{1, 0, 6, 3}, 2, 2)
	got := autograd.NoGrad().MSE(autograd.NewVar(p), autograd.NewVar(q))
	if len(got.Shape()) != 0 || got.Data()[0] != 3.5 { // (0 + 4 + 9 + 1)/4
		t.Fatalf("MSE = %v (shape %v), want 3.5 (shape [])", got.Data(), got.Shape())
	}
}

func TestCrossEntropyGrad(t *testing.T) {
	cases := []struct {
		shape  []int
		labels []int
	}{
		{[]int{3, 5}, []int{4, 0, 2}},
		{[]int{1, 1}, []int{0}}, // one class: loss 0, gradient 0
		{[]int{4, 7}, []int{6, 6, 1, 3}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.shape), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.CrossEntropy(x, c.labels)
			}, gradcheck.Rand(c.shape, 25), gradcheck.Tol{})
		})
	}
}

func TestCrossEntropyValues(t *testing.T) {
	g := autograd.NoGrad()
	const k = 10
	uniform := g.CrossEntropy(autograd.NewVar(tensor.Full(3.5, 4, k)), []int{0, 9, 3, 3})
	if got, want := float64(uniform.Data()[0]), math.Log(k); math.Abs(got-want) > 1e-6 || len(uniform.Shape()) != 0 {
		t.Errorf("CrossEntropy(uniform logits, K = %d) = %.7f (shape %v), want ln K = %.7f (shape [])", k, got, uniform.Shape(), want)
	}
	// Row 0: logits (0, ln 3), label 1 → −ln(3/4); row 1: label 0 → −ln(1/4).
	x := tensor.FromData([]float32{0, float32(math.Log(3)), 0, float32(math.Log(3))}, 2, 2)
	got := float64(g.CrossEntropy(autograd.NewVar(x), []int{1, 0}).Data()[0])
	if want := -(math.Log(0.75) + math.Log(0.25)) / 2; math.Abs(got-want) > 1e-6 {
		t.Errorf("CrossEntropy = %.7f, want %.7f", got, want)
	}
	// Large logits stay finite: −log softmax = 1000 for the losing class.
	big := tensor.FromData([]float32{1000, 0}, 1, 2)
	if got := g.CrossEntropy(autograd.NewVar(big), []int{1}).Data()[0]; got != 1000 {
		t.Errorf("CrossEntropy([1000 0], label 1) = %v, want 1000", got)
	}
}

func TestLossShapeErrors(t *testing.T) {
	logits := autograd.NewVar(tensor.New(2, 3))
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"mse shapes", func() { autograd.NoGrad().MSE(logits, autograd.NewVar(tensor.New(3, 2))) },
			"MSE: (2, 3) × (3, 2): prediction and target shapes differ"},
		{"label too large", func() { autograd.NoGrad().CrossEntropy(logits, []int{0, 3}) },
			"CrossEntropy: (2, 3): label 3 at row 1 outside [0, 3)"},
		{"negative label", func() { autograd.NoGrad().CrossEntropy(logits, []int{-1, 0}) },
			"CrossEntropy: (2, 3): label -1 at row 0 outside [0, 3)"},
		{"label count", func() { autograd.NoGrad().CrossEntropy(logits, []int{0}) },
			"CrossEntropy: (2, 3) × (1,): 1 labels for 2 rows"},
		{"logits rank", func() { autograd.NoGrad().CrossEntropy(autograd.NewVar(tensor.New(6)), []int{0}) },
			"CrossEntropy: (6,): logits must have shape (N, K)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer tensor.Recover(&err)
				c.f()
			}()
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
}
