package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// GroupNormSiLU is SiLU(GroupNorm(x, groups, weight, bias, eps)), the
// pre-activation of a ResBlock (Ho et al., 2020; Nichol & Dhariwal, 2021),
// in one pass per (sample, group): each block is normalised and activated
// while it is in cache. Only x, its statistics and the output are kept for
// backward; the normalised values z are recomputed there, and σ(z) is
// read off the output as y/z, so backward needs no exp.
func (g *Graph) GroupNormSiLU(x *Var, groups int, weight, bias *Var, eps float64) *Var {
	xs := x.Value.Shape
	if len(xs) < 2 {
		tensor.Shapef("GroupNormSiLU", [][]int{xs}, "input needs shape (N, C, …)")
	}
	c := xs[1]
	if groups < 1 || c%groups != 0 {
		tensor.Shapef("GroupNormSiLU", [][]int{xs}, "%d channels do not split into %d groups", c, groups)
	}
	checkAffine("GroupNormSiLU", xs, c, weight, bias)
	l := normLayout{rows: xs[0] * groups, cpg: c / groups, s: tensor.Numel(xs[2:]), silu: true}
	return g.normalize(x, weight, bias, l, eps)
}

// siluBack is what normBackward needs to take a gradient back through the
// SiLU of GroupNormSiLU: the affine parameters (nil when absent) and the
// forward's output.
type siluBack struct{ W, B, Y []float32 }

// block sets dz = dy · SiLU′(z) for block r, the gradient at the GroupNorm
// output z, from the block's x (to recompute z exactly as the forward did),
// its upstream gradient dy and the SiLU output y: with σ = y/z (½ at
// z = 0), SiLU′(z) = σ(1 + z(1 − σ)) = σ + y(1 − σ).
func (sb *siluBack) block(l normLayout, nAff, r int, xb, dy, dz []float32, mu, rs float64) {
	a0 := affineBase(l, r, nAff)
	yb := sb.Y[r*l.cpg*l.s:]
	for c := 0; c < l.cpg; c++ {
		a, sh := channelAffine(sb.W, sb.B, a0+c, rs)
		lo, hi := c*l.s, (c+1)*l.s
		// z as the forward made it, bit for bit, then dz, in one pass
		kernels.NormAffineSiLUGrad(dz[lo:hi], xb[lo:hi], yb[lo:hi], dy[lo:hi], mu, a, sh)
	}
}
