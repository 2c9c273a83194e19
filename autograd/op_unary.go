package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
)

// unary applies an element-wise function to x. fwd sets every element of
// y from x over one chunk (y is not zeroed first); bwd adds into dx the
// gradient for one chunk, given the output gradient gr, the input x and
// the output y. Both run on chunks of equal length, in parallel, so their
// loops have no call per element. readsX says whether bwd reads x: then
// x is pinned (Graph.Evict); otherwise bwd is given nil for it.
func (g *Graph) unary(x *Var, readsX bool, fwd func(y, x []float32), bwd func(dx, gr, x, y []float32)) *Var {
	out := g.allocDirty(x.Value.Shape...) // fwd sets every element
	X, Y := x.Value.Data, out.Data
	parallel.For(len(X), grainElems, func(lo, hi int) { fwd(Y[lo:hi], X[lo:hi]) })
	var pinned pins
	if readsX {
		pinned = pins{x}
	} else {
		X = nil
	}
	return g.recordOp(out, func(o *Var) {
		G, dX := o.Grad.Data, x.GradBuf().Data
		parallel.For(len(G), grainElems, func(lo, hi int) {
			var xs []float32
			if X != nil {
				xs = X[lo:hi]
			}
			bwd(dX[lo:hi], G[lo:hi], xs, Y[lo:hi])
		})
	}, pinned, x)
}

// Exp is eˣ; its derivative is the output itself.
func (g *Graph) Exp(x *Var) *Var {
	return g.unary(x, false, func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Exp(float64(v)))
		}
	}, func(dx, gr, _, y []float32) {
		for i, v := range gr {
			dx[i] += v * y[i]
		}
	})
}

// Log is the natural logarithm ln x (NaN below 0, −Inf at 0).
func (g *Graph) Log(x *Var) *Var {
	return g.unary(x, true, func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Log(float64(v)))
		}
	}, func(dx, gr, x, _ []float32) {
		for i, v := range gr {
			dx[i] += v / x[i]
		}
	})
}

// Sqrt is √x; its derivative is 1/(2√x).
func (g *Graph) Sqrt(x *Var) *Var {
	return g.unary(x, false, func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Sqrt(float64(v)))
		}
	}, func(dx, gr, _, y []float32) {
		for i, v := range gr {
			dx[i] += v / (2 * y[i])
		}
	})
}

// Tanh is the hyperbolic tangent; its derivative is 1 − tanh²x.
func (g *Graph) Tanh(x *Var) *Var {
	return g.unary(x, false, func(y, x []float32) {
		for i, v := range x {
			y[i] = float32(math.Tanh(float64(v)))
		}
	}, func(dx, gr, _, y []float32) {
		for i, v := range gr {
			dx[i] += v * (1 - y[i]*y[i])
		}
	})
}

// Sigmoid is σ(x) = 1/(1 + e⁻ˣ); its derivative is σ(x)(1 − σ(x)). The
// forward pass is kernels.Sigmoid: a float32 exp, within a few ulps.
func (g *Graph) Sigmoid(x *Var) *Var {
	return g.unary(x, false, kernels.Sigmoid, func(dx, gr, _, y []float32) {
		for i, v := range gr {
			dx[i] += v * y[i] * (1 - y[i])
		}
	})
}

// SiLU is x·σ(x) (swish, the activation of diffusion U-Nets); its
// derivative is σ(x)(1 + x(1 − σ(x))). The forward pass is kernels.SiLU:
// a float32 exp, within a few ulps, vectorised where the CPU allows.
func (g *Graph) SiLU(x *Var) *Var {
	return g.unary(x, true, kernels.SiLU, func(dx, gr, x, y []float32) {
		// σ(x) = y/x from the saved output, so backward needs no exp;
		// σ(x)(1 + x(1 − σ(x))) = σ + y(1 − σ).
		for i, v := range gr {
			s := float32(0.5)
			if x[i] != 0 {
				s = y[i] / x[i]
			}
			dx[i] += v * (s + y[i]*(1-s))
		}
	})
}

// GELU is x·Φ(x) = 0.5·x·(1 + erf(x/√2)), the exact form (PyTorch's
// default, Hendrycks & Gimpel 2016); its derivative is Φ(x) + x·φ(x).
// Both passes are kernels.GELU and kernels.GELUGrad: a float32 Chebyshev
// erfc, vectorised where the CPU allows, within a few ulps of the exact
// values.
func (g *Graph) GELU(x *Var) *Var {
	return g.unary(x, true, kernels.GELU, func(dx, gr, x, _ []float32) { kernels.GELUGrad(dx, gr, x) })
}

// ReLU is max(x, 0); its gradient at 0 is taken as 0, like PyTorch.
func (g *Graph) ReLU(x *Var) *Var {
	return g.unary(x, true, func(y, x []float32) {
		for i, v := range x {
			y[i] = max(v, 0)
		}
	}, func(dx, gr, x, _ []float32) {
		for i, v := range gr {
			if x[i] > 0 {
				dx[i] += v
			}
		}
	})
}
