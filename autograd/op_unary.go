package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// unary applies f element-wise; df(x, y, grad) is the gradient for input x
// with output y = f(x).
func (g *Graph) unary(x *Var, f func(v float32) float32, df func(v, y, gr float32) float32) *Var {
	out := tensor.New(x.Value.Shape...)
	X, Y := x.Value.Data, out.Data
	parallel.For(len(X), 1<<14, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			Y[i] = f(X[i])
		}
	})
	return g.Record(out, func(o *Var) {
		G, dX := o.Grad.Data, x.GradBuf().Data
		parallel.For(len(G), 1<<14, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dX[i] += df(X[i], Y[i], G[i])
			}
		})
	}, x)
}

// Exp is eˣ.
func (g *Graph) Exp(x *Var) *Var {
	return g.unary(x, func(v float32) float32 { return float32(math.Exp(float64(v))) },
		func(v, y, gr float32) float32 { return gr * y })
}

// Log is the natural logarithm.
func (g *Graph) Log(x *Var) *Var {
	return g.unary(x, func(v float32) float32 { return float32(math.Log(float64(v))) },
		func(v, y, gr float32) float32 { return gr / v })
}

// Sqrt is √x.
func (g *Graph) Sqrt(x *Var) *Var {
	return g.unary(x, func(v float32) float32 { return float32(math.Sqrt(float64(v))) },
		func(v, y, gr float32) float32 { return gr / (2 * y) })
}

// Tanh is the hyperbolic tangent.
func (g *Graph) Tanh(x *Var) *Var {
	return g.unary(x, func(v float32) float32 { return float32(math.Tanh(float64(v))) },
		func(v, y, gr float32) float32 { return gr * (1 - y*y) })
}

// Sigmoid is σ(x) = 1 / (1 + e⁻ˣ).
func (g *Graph) Sigmoid(x *Var) *Var {
	return g.unary(x, sigmoid, func(v, y, gr float32) float32 { return gr * y * (1 - y) })
}

// SiLU is x·σ(x) (also called swish).
func (g *Graph) SiLU(x *Var) *Var {
	return g.unary(x, func(v float32) float32 { return v * sigmoid(v) },
		func(v, y, gr float32) float32 {
			s := sigmoid(v)
			return gr * s * (1 + v*(1-s))
		})
}

// GELU is x·Φ(x) = 0.5·x·(1 + erf(x/√2)), the exact form (PyTorch's default).
func (g *Graph) GELU(x *Var) *Var {
	return g.unary(x, func(v float32) float32 {
		return float32(0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2)))
	}, func(v, y, gr float32) float32 {
		x := float64(v)
		cdf := 0.5 * (1 + math.Erf(x/math.Sqrt2))
		pdf := math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi)
		return gr * float32(cdf+x*pdf)
	})
}

// ReLU is max(x, 0); its gradient at 0 is 0.
func (g *Graph) ReLU(x *Var) *Var {
	return g.unary(x, func(v float32) float32 { return max(v, 0) },
		func(v, y, gr float32) float32 {
			if v > 0 {
				return gr
			}
			return 0
		})
}

func sigmoid(v float32) float32 {
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}
