package autograd

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Add is a + b with NumPy broadcasting.
func (g *Graph) Add(a, b *Var) *Var {
	return g.binary("Add", a, b, func(x, y float32) float32 { return x + y },
		func(x, y, gr float32) (float32, float32) { return gr, gr })
}

// Sub is a − b with NumPy broadcasting.
func (g *Graph) Sub(a, b *Var) *Var {
	return g.binary("Sub", a, b, func(x, y float32) float32 { return x - y },
		func(x, y, gr float32) (float32, float32) { return gr, -gr })
}

// Mul is a·b element-wise with NumPy broadcasting.
func (g *Graph) Mul(a, b *Var) *Var {
	return g.binary("Mul", a, b, func(x, y float32) float32 { return x * y },
		func(x, y, gr float32) (float32, float32) { return gr * y, gr * x })
}

// Div is a / b element-wise with NumPy broadcasting.
func (g *Graph) Div(a, b *Var) *Var {
	return g.binary("Div", a, b, func(x, y float32) float32 { return x / y },
		func(x, y, gr float32) (float32, float32) { return gr / y, -gr * x / (y * y) })
}

// binary applies f element-wise over the broadcast of a and b; df gives
// the gradient contributions to a and b from one output element.
func (g *Graph) binary(op string, a, b *Var, f func(x, y float32) float32, df func(x, y, gr float32) (float32, float32)) *Var {
	as, bs := a.Value.Shape, b.Value.Shape
	A, B := a.Value.Data, b.Value.Data
	if tensor.SameShape(as, bs) {
		out := tensor.New(as...)
		C := out.Data
		parallel.For(len(C), 1<<14, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				C[i] = f(A[i], B[i])
			}
		})
		return g.Record(out, func(o *Var) {
			G := o.Grad.Data
			var dA, dB []float32
			if a.requiresGrad {
				dA = a.GradBuf().Data
			}
			if b.requiresGrad {
				dB = b.GradBuf().Data
			}
			parallel.For(len(G), 1<<14, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					ga, gb := df(A[i], B[i], G[i])
					if dA != nil {
						dA[i] += ga
					}
					if dB != nil {
						dB[i] += gb
					}
				}
			})
		}, a, b)
	}
	shape := broadcastShape(op, as, bs)
	ia, ib := broadcastIndex(as, shape), broadcastIndex(bs, shape)
	out := tensor.New(shape...)
	C := out.Data
	parallel.For(len(C), 1<<14, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			C[i] = f(A[ia[i]], B[ib[i]])
		}
	})
	return g.Record(out, func(o *Var) {
		G := o.Grad.Data
		var dA, dB []float32
		if a.requiresGrad {
			dA = a.GradBuf().Data
		}
		if b.requiresGrad {
			dB = b.GradBuf().Data
		}
		// Serial: several outputs add into one broadcast input element.
		for i, gr := range G {
			ga, gb := df(A[ia[i]], B[ib[i]], gr)
			if dA != nil {
				dA[ia[i]] += ga
			}
			if dB != nil {
				dB[ib[i]] += gb
			}
		}
	}, a, b)
}

// Scale is s·x.
func (g *Graph) Scale(x *Var, s float32) *Var {
	return g.unary(x, func(v float32) float32 { return s * v }, func(v, y, gr float32) float32 { return s * gr })
}

// AddScalar is x + s.
func (g *Graph) AddScalar(x *Var, s float32) *Var {
	return g.unary(x, func(v float32) float32 { return v + s }, func(v, y, gr float32) float32 { return gr })
}

// Neg is −x.
func (g *Graph) Neg(x *Var) *Var { return g.Scale(x, -1) }
