package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
)

// NormModulate is Modulate(LayerNorm(x), shift, scale) with a LayerNorm
// without affine parameters, in one op: for sequences x (B, L, D) and one
// shift and scale (B, D) per sequence,
//
//	x̂ = (x − mean)/√(var + eps) over the last axis,  y = x̂·(1 + scale) + shift,
//
// the adaptive LayerNorm of DiT (Peebles & Xie 2023). It gives the bits of
// the two ops, value and gradients, with the same kernels in the same
// order, but x̂ is never stored: forward writes y straight from each row
// of x while the row is in cache, and backward recomputes x̂ from x and
// the kept row statistics, so neither the (B·L, D) normalised tensor nor
// its gradient is formed. Backward, per sequence and row,
//
//	dshift = Σ_l dy,  dscale = Σ_l dy·x̂,  g = dy·(1 + scale),
//	dx = rstd·(g − mean(g) − x̂·mean(g·x̂)),
//
// the sums over positions in float64 as Modulate's, the input gradient as
// LayerNorm's. Shapes that do not fit panic as Modulate's do.
func (g *Graph) NormModulate(x, shift, scale *Var, eps float64) *Var {
	b, l, d := seqRowsCheck("NormModulate", x, shift, scale)
	X, S, K := x.Value.Data, shift.Value.Data, scale.Value.Data
	out := g.allocDirty(b, l, d) // every element is written below
	Y := out.Data
	rows := b * l
	stats := getFloat64s(2 * rows)
	mean, rstd := (*stats)[:rows], (*stats)[rows:]
	parallel.For(rows, max(1, grainElems/max(1, d)), func(lo, hi int) {
		buf, _ := takeDirty(d)
		defer give(buf)
		k1 := buf.Data
		for r, n := lo, -1; r < hi; r++ {
			if r/l != n { // 1 + scale, once per sequence
				n = r / l
				onePlus(k1, K[n*d:(n+1)*d])
			}
			xr, yr := X[r*d:(r+1)*d], Y[r*d:(r+1)*d]
			if d == 0 {
				continue
			}
			mean[r], rstd[r] = rowStats(xr, eps)
			kernels.NormAffine(yr, xr, mean[r], rstd[r], negZero) // x̂, as LayerNorm writes it
			kernels.MulAdd(yr, yr, k1, S[n*d:(n+1)*d])            // as Modulate
		}
	})
	if !g.Needs(x, shift, scale) {
		putFloat64s(stats)
		return g.recordOp(out, nil, nil)
	}
	return g.recordOp(out, func(o *Var) {
		defer putFloat64s(stats) // backward runs once
		dY := o.Grad.Data
		var dX, dS, dK []float32
		if x.requiresGrad {
			dX = x.GradBuf().Data
		}
		if shift.requiresGrad {
			dS = shift.GradBuf().Data
		}
		if scale.requiresGrad {
			dK = scale.GradBuf().Data
		}
		parallel.For(b, 1, func(lo, hi int) {
			ss, sk := make([]float64, d), make([]float64, d) // Σ_l dy, Σ_l dy·x̂
			scratch := make([]float32, 3*d)
			k1, xh, gr := scratch[:d], scratch[d:2*d], scratch[2*d:]
			for n := lo; n < hi; n++ {
				clear(ss)
				clear(sk)
				onePlus(k1, K[n*d:(n+1)*d])
				for p := range l {
					r := n*l + p
					dy, xr := dY[r*d:(r+1)*d], X[r*d:(r+1)*d]
					if d == 0 {
						continue
					}
					mu, rs := mean[r], rstd[r]
					kernels.NormAffine(xh, xr, mu, rs, negZero)
					kernels.SumProdTo(ss, sk, dy, xh)
					if dX == nil {
						continue
					}
					// g = dy·(1 + scale) as Modulate adds it into a
					// cleared gradient, then LayerNorm's backward.
					clear(gr)
					kernels.MulAddTo(gr, dy, k1)
					m1, m2 := kernels.NormGradSums(gr, xr, mu)
					m1 /= float64(d)
					m2 *= rs / float64(d)
					kernels.NormGradApply(dX[r*d:(r+1)*d], gr, xr, mu, rs, 1, m1, m2)
				}
				addSeqSum(dS, n, ss)
				addSeqSum(dK, n, sk)
			}
		})
	}, pins{x, scale}, x, shift, scale) // X and K, read in backward
}

// rowStats is the mean and 1/√(var + eps) of one non-empty row (or
// normalisation block), the biased variance, from float64 sums shifted by
// the first element: the shift keeps E[x²] − E[x]² accurate when |mean| ≫
// std. normalize and NormModulate both take their statistics here.
func rowStats(xr []float32, eps float64) (mu, rs float64) {
	k := float64(xr[0])
	s1, s2 := kernels.NormSums(xr, k)
	m := s1 / float64(len(xr))
	v := max(s2/float64(len(xr))-m*m, 0)
	return k + m, 1 / math.Sqrt(v+eps)
}
