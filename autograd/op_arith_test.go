package autograd_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

type binOp func(g *autograd.Graph, a, b *autograd.Var) *autograd.Var

var binOps = map[string]binOp{
	"Add": (*autograd.Graph).Add, "Sub": (*autograd.Graph).Sub,
	"Mul": (*autograd.Graph).Mul, "Div": (*autograd.Graph).Div,
}

func TestBinaryGradBroadcast(t *testing.T) {
	shapes := [][2][]int{
		{{3, 5}, {3, 5}},
		{{2, 3, 4, 5}, {2, 3, 1, 1}}, // per-channel bias
		{{4, 3}, {3}},                // row bias
		{{3}, {2, 1, 3}},             // left operand stretched
		{{2, 1, 5}, {1, 4, 1}},       // both stretched
		{{1}, {7}},
		{{3, 2}, {}}, // scalar
	}
	for name, op := range binOps {
		for _, s := range shapes {
			t.Run(fmt.Sprint(name, s), func(t *testing.T) {
				a, b := gradcheck.Rand(s[0], 1), gradcheck.Rand(s[1], 2)
				if name == "Div" { // keep the divisor away from 0
					for i, v := range b.Data {
						b.Data[i] = float32(math.Copysign(1+math.Abs(float64(v)), float64(v)))
					}
				}
				gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
					return op(g, xs[0], xs[1])
				}, []*tensor.Tensor{a, b}, gradcheck.Tol{})
			})
		}
	}
}

func TestBinaryValues(t *testing.T) {
	a := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	b := autograd.NewVar(tensor.FromData([]float32{10, 20, 30}, 3))
	g := autograd.NoGrad()
	cases := map[string][]float32{
		"Add": {11, 22, 33, 14, 25, 36},
		"Sub": {-9, -18, -27, -6, -15, -24},
		"Mul": {10, 40, 90, 40, 100, 180},
	}
	for name, want := range cases {
		got := binOps[name](g, a, b).Value
		if !tensor.SameShape(got.Shape, []int{2, 3}) {
			t.Fatalf("%s shape %v, want (2, 3)", name, got.Shape)
		}
		for i := range want {
			if got.Data[i] != want[i] {
				t.Errorf("%s[%d] = %g, want %g", name, i, got.Data[i], want[i])
			}
		}
	}
}

func TestBroadcastShapeError(t *testing.T) {
	var err error
	func() {
		defer tensor.Recover(&err)
		autograd.NoGrad().Add(autograd.NewVar(tensor.New(2, 3)), autograd.NewVar(tensor.New(4)))
	}()
	if err == nil || !strings.HasPrefix(err.Error(), "Add: (2, 3) × (4,)") {
		t.Fatalf("Add (2,3)+(4): err = %v, want a shape error naming Add and both shapes", err)
	}
}

func TestUnaryGrad(t *testing.T) {
	ops := map[string]func(g *autograd.Graph, x *autograd.Var) *autograd.Var{
		"Exp": (*autograd.Graph).Exp, "Tanh": (*autograd.Graph).Tanh, "Sigmoid": (*autograd.Graph).Sigmoid,
		"SiLU": (*autograd.Graph).SiLU, "GELU": (*autograd.Graph).GELU, "ReLU": (*autograd.Graph).ReLU,
		"Neg":       (*autograd.Graph).Neg,
		"Log":       func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Log(g.AddScalar(g.Mul(x, x), 0.5)) },
		"Sqrt":      func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Sqrt(g.AddScalar(g.Mul(x, x), 0.5)) },
		"Scale":     func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Scale(x, -2.5) },
		"AddScalar": func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.AddScalar(x, 3) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			x := gradcheck.Rand([]int{3, 7}, 5)
			if name == "ReLU" { // keep inputs away from the kink at 0
				for i, v := range x.Data {
					x.Data[i] = float32(math.Copysign(0.1+math.Abs(float64(v)), float64(v)))
				}
			}
			gradcheck.Check(t, op, x, gradcheck.Tol{})
		})
	}
}

func TestUnaryValues(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.FromData([]float32{-1, 0, 2}, 3))
	cases := []struct {
		name string
		got  *autograd.Var
		want []float64
	}{
		{"SiLU", g.SiLU(x), []float64{-1 / (1 + math.E), 0, 2 / (1 + math.Exp(-2))}},
		{"GELU", g.GELU(x), []float64{-0.15865525393145707, 0, 1.9544997361036416}},
		{"ReLU", g.ReLU(x), []float64{0, 0, 2}},
		{"Tanh", g.Tanh(x), []float64{math.Tanh(-1), 0, math.Tanh(2)}},
	}
	for _, c := range cases {
		for i, w := range c.want {
			if d := math.Abs(float64(c.got.Value.Data[i]) - w); d > 1e-6 {
				t.Errorf("%s(%g) = %g, want %g", c.name, x.Value.Data[i], c.got.Value.Data[i], w)
			}
		}
	}
}
