package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Modulate is the adaptive layer norm's affine map of DiT (Peebles & Xie
// 2023, "adaLN"): x·(1 + scale) + shift, with one shift and one scale per
// sequence broadcast over its positions. x is (B, L, D), shift and scale
// (B, D); the result is (B, L, D). Usually x is a LayerNorm WithoutAffine
// and shift, scale are slices of a Linear map of the conditioning.
func Modulate(g *autograd.Graph, x, shift, scale *autograd.Var) *autograd.Var {
	xs, ss, ks := x.Shape(), shift.Shape(), scale.Shape()
	if len(xs) != 3 || !tensor.SameShape(ss, []int{xs[0], xs[2]}) || !tensor.SameShape(ks, ss) {
		tensor.Shapef("Modulate", [][]int{xs, ss, ks}, "want x (B, L, D), shift and scale (B, D)")
	}
	return g.Modulate(x, shift, scale) // one fused pass each way
}
