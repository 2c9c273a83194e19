package autograd

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Embedding looks up rows of weight (V, D): row i of the result
// (len(idx), D) is weight[idx[i]]. Backward adds each row's gradient into
// the looked-up row of weight's gradient (repeated indices add up). An
// index outside [0, V) panics with a *tensor.ShapeError.
func (g *Graph) Embedding(weight *Var, idx []int) *Var {
	ws := weight.Value.Shape
	if len(ws) != 2 {
		tensor.Shapef("Embedding", [][]int{ws}, "weight must have shape (V, D)")
	}
	v, d := ws[0], ws[1]
	for i, k := range idx {
		if k < 0 || k >= v {
			tensor.Shapef("Embedding", [][]int{ws}, "index %d at position %d outside [0, %d)", k, i, v)
		}
	}
	idx = append([]int(nil), idx...) // the caller may reuse its slice
	out := g.allocDirty(len(idx), d) // (len(idx), D); every row is copied below
	W, Y := weight.Value.Data, out.Data
	parallel.For(len(idx), max(1, 4096/max(1, d)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			copy(Y[i*d:(i+1)*d], W[idx[i]*d:(idx[i]+1)*d])
		}
	})
	return g.recordOp(out, func(o *Var) {
		if !weight.requiresGrad {
			return
		}
		dY, dW := o.Grad.Data, weight.GradBuf().Data
		// Split over columns, not rows: repeated indices then never write
		// the same element from two workers, and the order of additions
		// is fixed.
		parallel.For(d, max(1, 4096/max(1, len(idx))), func(lo, hi int) {
			for i, k := range idx {
				src, dst := dY[i*d:(i+1)*d], dW[k*d:(k+1)*d]
				for j := lo; j < hi; j++ {
					dst[j] += src[j]
				}
			}
		})
	}, nil, weight)
}
