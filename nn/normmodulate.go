package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// NormModulate is Modulate(g, ln.Forward(g, x), shift, scale), the
// adaptive LayerNorm of DiT blocks, for x (B, L, D) and shift, scale
// (B, D). Without affine parameters on ln (as adaLN builds it) it is one
// op that never stores the normalised x (autograd's NormModulate, the same
// bits); otherwise the two layers one after the other.
func NormModulate(g *autograd.Graph, ln *LayerNorm, x, shift, scale *autograd.Var) *autograd.Var {
	if ln.Weight != nil || ln.Bias != nil {
		return Modulate(g, ln.Forward(g, x), shift, scale)
	}
	xs, ss, ks := x.Shape(), shift.Shape(), scale.Shape()
	if len(xs) != 3 || !tensor.SameShape(ss, []int{xs[0], xs[2]}) || !tensor.SameShape(ks, ss) {
		tensor.Shapef("NormModulate", [][]int{xs, ss, ks}, "want x (B, L, D), shift and scale (B, D)")
	}
	return g.NormModulate(x, shift, scale, ln.Eps)
}
