package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// WeightedCrossEntropy is Σ_i w_i·CE(logits_i, labels_i), a scalar of
// shape [], over the N rows of logits (N, K), where
// CE(x, y) = −log softmax(x)[y] = log Σ_j exp(x_j) − x_y. Rows with
// weight 0 cost nothing: they are skipped, their labels are not read (so
// they may hold any value, an ignore index say) and their gradient is 0.
// The gradient of row i is w_i·(softmax(logits_i) − onehot(labels_i)).
//
// It is the masked-diffusion loss of MDLM (Sahoo et al. 2024) with
// w_i = mask_i/(t_i·B·L), and plain CrossEntropy with every w_i = 1/N.
// Each row's log-sum-exp is float64 over float32 exponentials; the row
// terms are summed per chunk and the chunks added in order, so the result
// does not depend on scheduling. len(labels) and len(weights) must be N,
// and a label outside [0, K) on a row of nonzero weight panics with a
// *tensor.ShapeError.
func (g *Graph) WeightedCrossEntropy(logits *Var, labels []int, weights []float32) *Var {
	ls := logits.Value.Shape
	if len(ls) != 2 {
		tensor.Shapef("WeightedCrossEntropy", [][]int{ls}, "logits must have shape (N, K)")
	}
	n, k := ls[0], ls[1]
	if len(labels) != n || len(weights) != n {
		tensor.Shapef("WeightedCrossEntropy", [][]int{ls, {len(labels)}, {len(weights)}}, "%d labels and %d weights for %d rows", len(labels), len(weights), n)
	}
	for i, y := range labels {
		if weights[i] != 0 && (y < 0 || y >= k) {
			tensor.Shapef("WeightedCrossEntropy", [][]int{ls}, "label %d at row %d outside [0, %d)", y, i, k)
		}
	}
	// The caller may reuse its slices.
	labels = append([]int(nil), labels...)
	weights = append([]float32(nil), weights...)
	X := logits.Value.Data
	lse := make([]float64, n) // log Σ exp(logits[i]) of rows with weight ≠ 0, kept for backward
	grain := max(1, 4096/max(1, k))
	part := make([]float64, parallel.Chunks(n, grain))
	parallel.ForChunks(n, grain, func(ch, lo, hi int) {
		e := make([]float32, k) // exponentials of one row
		var s float64
		for i := lo; i < hi; i++ {
			if weights[i] == 0 {
				continue
			}
			row := X[i*k : (i+1)*k]
			m := kernels.RowMax(row)
			lse[i] = float64(m) + math.Log(kernels.ExpShift(e, row, m))
			s += float64(weights[i]) * (lse[i] - float64(row[labels[i]]))
		}
		part[ch] = s
	})
	var s float64
	for _, v := range part { // chunk order: deterministic
		s += v
	}
	out := tensor.Scalar(float32(s))
	return g.recordOp(out, func(o *Var) {
		if !logits.requiresGrad {
			return
		}
		up := float64(o.Grad.Data[0])
		dX := logits.GradBuf().Data
		parallel.For(n, grain, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if weights[i] == 0 {
					continue
				}
				w := up * float64(weights[i])
				row, d := X[i*k:(i+1)*k], dX[i*k:(i+1)*k]
				for j, v := range row {
					p := math.Exp(float64(v) - lse[i])
					if j == labels[i] {
						p--
					}
					d[j] += float32(w * p)
				}
			}
		})
	}, pins{logits}, logits) // X, read in backward
}
