package optim

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/nn"
)

// ClipGradNorm rescales the gradients of params so that their global L2
// norm (all gradients taken as one vector) is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_ does: when the norm total exceeds
// maxNorm every gradient is multiplied by maxNorm/(total + 1e-6). It
// returns total, the norm before clipping; parameters without a gradient
// are skipped.
//
// The sum of squares is taken in float64 in a fixed order, so the result
// does not depend on timing. A NaN or infinite total is returned without
// touching the gradients; Step then refuses them.
func ClipGradNorm(params []*nn.Param, maxNorm float64) (total float64) {
	sum := 0.0
	for _, p := range params {
		if p.V.Grad != nil {
			sum += sumSquares(p.V.Grad.Data)
		}
	}
	total = math.Sqrt(sum)
	if !(total > maxNorm) || math.IsInf(total, 0) {
		return total // also NaN, which compares false
	}
	scale := float32(maxNorm / (total + 1e-6))
	for _, p := range params {
		if p.V.Grad == nil {
			continue
		}
		gd := p.V.Grad.Data
		parallel.For(len(gd), grain, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				gd[j] *= scale
			}
		})
	}
	return total
}

// sumSquares is Σ x² in float64, with per-chunk partial sums added in
// chunk order.
func sumSquares(x []float32) float64 {
	partial := make([]float64, parallel.Chunks(len(x), grain))
	parallel.ForChunks(len(x), grain, func(c, lo, hi int) {
		s := 0.0
		for _, v := range x[lo:hi] {
			s += float64(v) * float64(v)
		}
		partial[c] = s
	})
	s := 0.0
	for _, v := range partial {
		s += v
	}
	return s
}
