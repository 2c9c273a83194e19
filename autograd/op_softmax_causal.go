package autograd

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// CausalSoftmax is the softmax of attention scores x (…, T, S) over keys
// (the last axis) with future keys masked: query i sees keys
// j ≤ i + S − T, the causal mask of a decoder (Vaswani et al. 2017), with
// the last query aligned to the last key (S = T: j ≤ i). It equals
// Softmax(x + M, −1) with M = −∞ above that diagonal, without forming M:
// masked weights are exactly 0 and get no gradient. S must be ≥ T, so that
// every query sees at least one key. The kept part of each row is
// softmaxed as Softmax does it.
func (g *Graph) CausalSoftmax(x *Var) *Var {
	xs := x.Value.Shape
	if len(xs) < 2 || xs[len(xs)-1] < xs[len(xs)-2] {
		tensor.Shapef("CausalSoftmax", [][]int{xs}, "scores must be (…, T, S) with S ≥ T")
	}
	t, s := xs[len(xs)-2], xs[len(xs)-1]
	rows := x.Value.Len() / max(1, s)
	seen := func(r int) int { return r%t + s - t + 1 } // keys row r sees
	out := g.allocDirty(xs...)                         // every element is written below
	X, Y := x.Value.Data, out.Data
	grain := max(1, 4096/max(1, s))
	parallel.For(rows, grain, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			n := seen(r)
			softmaxRow(Y[r*s:r*s+n], X[r*s:r*s+n], false)
			clear(Y[r*s+n : (r+1)*s])
		}
	})
	return g.recordOp(out, func(o *Var) {
		dY, dX := o.Grad.Data, x.GradBuf().Data
		parallel.For(rows, grain, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				n := seen(r)
				y, dy, dx := Y[r*s:r*s+n], dY[r*s:r*s+n], dX[r*s:r*s+n]
				var sum float64 // Σ dy·y
				for j, v := range y {
					sum += float64(dy[j]) * float64(v)
				}
				for j, v := range y { // dx = y·(dy − Σ dy·y)
					dx[j] += float32(float64(v) * (float64(dy[j]) - sum))
				}
			}
		})
	}, nil, x) // backward reads only the output
}
