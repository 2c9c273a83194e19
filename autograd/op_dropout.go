package autograd

import "github.com/diffusego/diffusego/tensor"

// Dropout zeroes each element of x with probability p and scales the kept
// ones by 1/(1 − p), so that the expectation is unchanged (inverted
// dropout, as PyTorch in training mode). With p == 0 or a nil rng it is
// the identity and returns x itself; pass a nil rng at evaluation time.
// p == 1 drops everything. p outside [0, 1] panics.
func (g *Graph) Dropout(x *Var, p float64, rng *tensor.RNG) *Var {
	if !(p >= 0 && p <= 1) {
		tensor.Shapef("Dropout", [][]int{x.Value.Shape}, "probability %v outside [0, 1]", p)
	}
	if p == 0 || rng == nil {
		return x
	}
	scale := float32(0)
	if p < 1 {
		scale = float32(1 / (1 - p))
	}
	// Draws are sequential so that the mask depends only on rng's state,
	// not on how work is split; the rng advances by one draw per element.
	mask := make([]float32, x.Value.Len()) // 0 or 1/(1 − p)
	for i := range mask {
		if rng.Uniform() >= p {
			mask[i] = scale
		}
	}
	out := g.allocDirty(x.Value.Shape...) // every element is written below
	for i, v := range x.Value.Data {
		out.Data[i] = v * mask[i]
	}
	return g.recordOp(out, func(o *Var) {
		if !x.requiresGrad {
			return
		}
		dX := x.GradBuf().Data
		for i, dy := range o.Grad.Data {
			dX[i] += dy * mask[i]
		}
	}, nil, x)
}
