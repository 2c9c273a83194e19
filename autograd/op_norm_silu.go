package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
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

// siluBackThroughNorm sets dz = dy · SiLU′(z), the gradient at the
// GroupNorm output z, from x (to recompute z exactly as the forward did)
// and the SiLU output y: with σ = y/z (½ at z = 0),
// SiLU′(z) = σ(1 + z(1 − σ)) = σ + y(1 − σ).
func siluBackThroughNorm(l normLayout, nAff int, X, W, B, Y, dY, dz []float32, mean, rstd []float64) {
	block := l.cpg * l.s
	grain := max(1, 16384/max(1, block))
	parallel.For(l.rows, grain, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			mu, rs := mean[r], rstd[r]
			a0 := affineBase(l, r, nAff)
			for c := 0; c < l.cpg; c++ {
				a, sh := rs, 0.0
				if W != nil {
					a *= float64(W[a0+c])
				}
				if B != nil {
					sh = float64(B[a0+c])
				}
				at := r*block + c*l.s
				dc := dz[at : at+l.s]
				kernels.NormAffine(dc, X[at:at+l.s], mu, a, sh) // the forward's z, bit for bit
				kernels.SiLUGradFromOutput(dc, dc, Y[at:at+l.s], dY[at:at+l.s])
			}
		}
	})
}
