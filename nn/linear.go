package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Linear maps the last axis of x from In to Out features: y = x·Wᵀ + b.
// Weights start as in PyTorch: U(−k, k) with k = 1/√In, for the bias too.
type Linear struct {
	In, Out int
	Weight  *Param // (Out, In)
	Bias    *Param // (Out); nil when built without bias
}

// NewLinear makes a Linear layer whose parameters are named
// name.weight and name.bias.
func NewLinear(name string, in, out int, bias bool, rng *tensor.RNG) *Linear {
	k := tensor.KaimingUniformBound(in)
	l := &Linear{In: in, Out: out, Weight: NewParam(Join(name, "weight"), rng.Rand(-k, k, out, in))}
	if bias {
		l.Bias = NewParam(Join(name, "bias"), rng.Rand(-k, k, out))
	}
	return l
}

// Forward maps x: (…, In) to (…, Out), recording on g for backward. x needs
// at least two axes (a batch of rows).
func (l *Linear) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	var b *autograd.Var
	if l.Bias != nil {
		b = l.Bias.V
	}
	return g.Linear(x, l.Weight.V, b) // x·Wᵀ + b in one op
}

// ForwardGELU is GELU(Forward(x)), the exact GELU, in one op when the
// layer has a bias (autograd's LinearGELU: the bias and GELU applied to
// each tile of the product while it is in cache).
func (l *Linear) ForwardGELU(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	if l.Bias == nil {
		return g.GELU(l.Forward(g, x))
	}
	return g.LinearGELU(x, l.Weight.V, l.Bias.V)
}

// Params lists weight, then bias.
func (l *Linear) Params() []*Param { return params(l.Weight, l.Bias) }

// params lists the non-nil ps in order.
func params(ps ...*Param) []*Param {
	out := make([]*Param, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}
