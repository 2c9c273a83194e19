package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

var unaryOps = map[string]func(g *autograd.Graph, x *autograd.Var) *autograd.Var{
	"Exp": (*autograd.Graph).Exp, "Log": (*autograd.Graph).Log, "Sqrt": (*autograd.Graph).Sqrt,
	"Tanh": (*autograd.Graph).Tanh, "Sigmoid": (*autograd.Graph).Sigmoid, "SiLU": (*autograd.Graph).SiLU,
	"GELU": (*autograd.Graph).GELU, "ReLU": (*autograd.Graph).ReLU,
}

func TestUnaryGrad(t *testing.T) {
	for name, op := range unaryOps {
		for _, shape := range [][]int{{3, 7}, {2, 1, 5}, {}} {
			t.Run(fmt.Sprint(name, shape), func(t *testing.T) {
				x := gradcheck.Rand(shape, 5)
				switch name {
				case "Log", "Sqrt": // the domain: x in [0.5, ∞)
					for i, v := range x.Data {
						x.Data[i] = 0.5 + float32(math.Abs(float64(v)))
					}
				case "ReLU": // keep inputs away from the kink at 0
					for i, v := range x.Data {
						x.Data[i] = float32(math.Copysign(0.1+math.Abs(float64(v)), float64(v)))
					}
				}
				gradcheck.Check(t, op, x, gradcheck.Tol{})
			})
		}
	}
}

// TestUnaryGradLarge checks every op over more elements than one worker
// takes, so the chunked loops are covered.
func TestUnaryGradLarge(t *testing.T) {
	x := tensor.NewRNG(9).Rand(0.2, 3, 40000)
	up := gradcheck.Rand([]int{40000}, 10)
	for name, op := range unaryOps {
		t.Run(name, func(t *testing.T) {
			v := autograd.NewParam(x.Clone())
			g := autograd.New()
			out := op(g, v)
			if err := g.BackwardWith(out, up); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < x.Len(); i += 997 {
				xi := float64(x.Data[i])
				want := unaryDeriv(name, xi) * float64(up.Data[i])
				if d := math.Abs(float64(v.Grad.Data[i]) - want); d > 1e-5*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s'(%g)·%g = %g, want %g", name, xi, up.Data[i], v.Grad.Data[i], want)
				}
			}
		})
	}
}

// unaryDeriv is the closed-form derivative of each op at x (x > 0).
func unaryDeriv(name string, x float64) float64 {
	s := 1 / (1 + math.Exp(-x))
	switch name {
	case "Exp":
		return math.Exp(x)
	case "Log":
		return 1 / x
	case "Sqrt":
		return 0.5 / math.Sqrt(x)
	case "Tanh":
		return 1 - math.Tanh(x)*math.Tanh(x)
	case "Sigmoid":
		return s * (1 - s)
	case "SiLU":
		return s + x*s*(1-s)
	case "GELU":
		return 0.5*(1+math.Erf(x/math.Sqrt2)) + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi)
	case "ReLU":
		return 1
	}
	panic(name)
}

func TestUnaryValues(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.FromData([]float32{-1, 0, 2}, 3))
	pos := autograd.NewVar(tensor.FromData([]float32{0.25, 1, 4}, 3))
	cases := []struct {
		name string
		got  *autograd.Var
		want []float64
	}{
		{"Exp", g.Exp(x), []float64{1 / math.E, 1, math.E * math.E}},
		{"Log", g.Log(pos), []float64{-2 * math.Ln2, 0, 2 * math.Ln2}},
		{"Sqrt", g.Sqrt(pos), []float64{0.5, 1, 2}},
		{"Tanh", g.Tanh(x), []float64{-0.7615941559557649, 0, 0.9640275800758169}},
		{"Sigmoid", g.Sigmoid(x), []float64{0.2689414213699951, 0.5, 0.8807970779778823}},
		{"SiLU", g.SiLU(x), []float64{-0.2689414213699951, 0, 1.7615941559557646}},
		// PyTorch: torch.nn.functional.gelu(torch.tensor([-1., 0., 2.]))
		{"GELU", g.GELU(x), []float64{-0.15865525393145707, 0, 1.9544997361036416}},
		{"ReLU", g.ReLU(x), []float64{0, 0, 2}},
	}
	for _, c := range cases {
		for i, w := range c.want {
			if d := math.Abs(float64(c.got.Data()[i]) - w); d > 1e-6 {
				t.Errorf("%s element %d = %.9g, want %.9g", c.name, i, c.got.Data()[i], w)
			}
		}
	}
}

// TestSigmoidExtremes checks that large |x| saturates without NaN.
func TestSigmoidExtremes(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.FromData([]float32{-1000, 1000}, 2))
	if y := g.Sigmoid(x).Data(); y[0] != 0 || y[1] != 1 {
		t.Errorf("Sigmoid(∓1000) = %v, want [0 1]", y)
	}
	if y := g.SiLU(x).Data(); y[0] != 0 || y[1] != 1000 {
		t.Errorf("SiLU(∓1000) = %v, want [0 1000]", y)
	}
}

// TestReLUGradAtZero checks the convention ReLU'(0) = 0.
func TestReLUGradAtZero(t *testing.T) {
	x := autograd.NewParam(tensor.FromData([]float32{-1, 0, 1}, 3))
	g := autograd.New()
	if err := g.BackwardWith(g.ReLU(x), tensor.Full(1, 3)); err != nil {
		t.Fatal(err)
	}
	if d := x.Grad.Data; d[0] != 0 || d[1] != 0 || d[2] != 1 {
		t.Errorf("ReLU gradient at [-1 0 1] = %v, want [0 0 1]", d)
	}
}
