package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// MSE is the mean squared error mean((pred − target)²) over all elements,
// a scalar of shape []. pred and target must have the same shape; both
// receive gradients (±2(pred − target)/n) when they want them.
func (g *Graph) MSE(pred, target *Var) *Var {
	ps, ts := pred.Value.Shape, target.Value.Shape
	if !tensor.SameShape(ps, ts) {
		tensor.Shapef("MSE", [][]int{ps, ts}, "prediction and target shapes differ")
	}
	P, T := pred.Value.Data, target.Value.Data
	n := len(P)
	const grain = 8192
	part := make([]float64, parallel.Chunks(n, grain))
	parallel.ForChunks(n, grain, func(ch, lo, hi int) {
		var s float64
		for i := lo; i < hi; i++ {
			d := float64(P[i]) - float64(T[i])
			s += d * d
		}
		part[ch] = s
	})
	var s float64
	for _, v := range part { // chunk order: deterministic
		s += v
	}
	out := tensor.Scalar(float32(s / float64(n)))
	return g.recordOp(out, func(o *Var) {
		k := 2 * o.Grad.Data[0] / float32(n) // d/dpred of mean(d²) = 2d/n
		var dP, dT []float32
		if pred.requiresGrad {
			dP = pred.GradBuf().Data
		}
		if target.requiresGrad {
			dT = target.GradBuf().Data
		}
		parallel.For(n, grain, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				v := k * (P[i] - T[i])
				if dP != nil {
					dP[i] += v
				}
				if dT != nil {
					dT[i] -= v
				}
			}
		})
	}, pins{pred, target}, pred, target) // P and T, read in backward
}

// CrossEntropy is the mean over the N rows of logits (N, K) of the
// negative log-likelihood −log softmax(logits[i])[labels[i]], a scalar of
// shape []. It is computed from log-sum-exp, stable for large logits. The
// gradient is (softmax − onehot(label))/N per row. len(labels) must be N,
// and a label outside [0, K) panics with a *tensor.ShapeError.
func (g *Graph) CrossEntropy(logits *Var, labels []int) *Var {
	ls := logits.Value.Shape
	if len(ls) != 2 {
		tensor.Shapef("CrossEntropy", [][]int{ls}, "logits must have shape (N, K)")
	}
	n, k := ls[0], ls[1]
	if len(labels) != n {
		tensor.Shapef("CrossEntropy", [][]int{ls, {len(labels)}}, "%d labels for %d rows", len(labels), n)
	}
	for i, y := range labels {
		if y < 0 || y >= k {
			tensor.Shapef("CrossEntropy", [][]int{ls}, "label %d at row %d outside [0, %d)", y, i, k)
		}
	}
	labels = append([]int(nil), labels...) // the caller may reuse its slice
	X := logits.Value.Data
	lse := make([]float64, n) // log Σ exp(logits[i]), kept for backward
	grain := max(1, 4096/max(1, k))
	part := make([]float64, parallel.Chunks(n, grain))
	parallel.ForChunks(n, grain, func(ch, lo, hi int) {
		var s float64
		for i := lo; i < hi; i++ {
			row := X[i*k : (i+1)*k]
			m := float32(math.Inf(-1))
			for _, v := range row {
				m = max(m, v)
			}
			var e float64
			for _, v := range row {
				e += math.Exp(float64(v - m))
			}
			lse[i] = float64(m) + math.Log(e)
			s += lse[i] - float64(row[labels[i]])
		}
		part[ch] = s
	})
	var s float64
	for _, v := range part { // chunk order: deterministic
		s += v
	}
	out := tensor.Scalar(float32(s / float64(n)))
	return g.recordOp(out, func(o *Var) {
		if !logits.requiresGrad {
			return
		}
		scale := float64(o.Grad.Data[0]) / float64(n)
		dX := logits.GradBuf().Data
		parallel.For(n, grain, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				for j := 0; j < k; j++ {
					p := math.Exp(float64(X[i*k+j]) - lse[i])
					if j == labels[i] {
						p--
					}
					dX[i*k+j] += float32(scale * p)
				}
			}
		})
	}, pins{logits}, logits) // X, read in backward
}
