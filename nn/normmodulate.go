package nn

import "github.com/diffusego/diffusego/autograd"

// NormModulate is Modulate(g, ln.Forward(g, x), shift, scale), the
// adaptive LayerNorm of DiT blocks, for x (B, L, D) and shift, scale
// (B, D). Without affine parameters on ln (as adaLN builds it) it is one
// op that never stores the normalised x (autograd's NormModulate, the same
// bits); otherwise the two layers one after the other. Shapes that do not
// fit panic as autograd's NormModulate and Modulate do.
func NormModulate(g *autograd.Graph, ln *LayerNorm, x, shift, scale *autograd.Var) *autograd.Var {
	if ln.Weight != nil || ln.Bias != nil {
		return Modulate(g, ln.Forward(g, x), shift, scale)
	}
	return g.NormModulate(x, shift, scale, ln.Eps)
}
