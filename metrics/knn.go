package metrics

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/diffusego/diffusego/tensor"
)

// knnBlock is how many query rows one distance block holds: a block is
// knnBlock × (reference rows) float64s, 10 MB for 5,000 references.
const knnBlock = 256

// pointSet is a set of feature vectors in float64 with their squared
// norms, ready for blocked squared-distance computation.
type pointSet struct {
	n, d  int
	x     []float64 // (n, d)
	norm2 []float64 // (n): ‖x_i‖²
}

func newPointSet(feats *tensor.Tensor) pointSet {
	n, d := feats.Dim(0), feats.Dim(1)
	p := pointSet{n: n, d: d, x: make([]float64, n*d), norm2: make([]float64, n)}
	for i := range n {
		var s float64
		for j, v := range feats.Data[i*d : (i+1)*d] {
			f := float64(v)
			p.x[i*d+j] = f
			s += f * f
		}
		p.norm2[i] = s
	}
	return p
}

// sqDist fills out: (hi−lo, ref.n) with the squared distances from query
// rows lo..hi−1 of q to every row of ref, ‖q_i‖² + ‖r_j‖² − 2·q_i·r_j,
// clamped at 0 against rounding.
func sqDist(q pointSet, lo, hi int, ref pointSet, out []float64) {
	m := hi - lo
	a := blas64.General{Rows: m, Cols: q.d, Stride: q.d, Data: q.x[lo*q.d : hi*q.d]}
	b := blas64.General{Rows: ref.n, Cols: ref.d, Stride: ref.d, Data: ref.x}
	c := blas64.General{Rows: m, Cols: ref.n, Stride: ref.n, Data: out[:m*ref.n]}
	blas64.Gemm(blas.NoTrans, blas.Trans, -2, a, b, 0, c) // −2·Q·Rᵀ
	for i := range m {
		row := out[i*ref.n : (i+1)*ref.n]
		qn := q.norm2[lo+i]
		for j := range row {
			row[j] = max(row[j]+qn+ref.norm2[j], 0)
		}
	}
}

// kthNeighbourSq returns, for every point of p, the squared distance to
// its k-th nearest other point of p (the point itself excluded; duplicates
// count as neighbours at distance 0). p must hold more than k points.
func kthNeighbourSq(p pointSet, k int) []float64 {
	radii := make([]float64, p.n)
	buf := make([]float64, knnBlock*p.n)
	best := make([]float64, k)
	for lo := 0; lo < p.n; lo += knnBlock {
		hi := min(lo+knnBlock, p.n)
		sqDist(p, lo, hi, p, buf)
		for i := lo; i < hi; i++ {
			row := buf[(i-lo)*p.n : (i-lo+1)*p.n]
			for t := range best {
				best[t] = math.Inf(1)
			}
			for j, v := range row {
				if j == i || v >= best[k-1] {
					continue
				}
				t := k - 1 // insert v into the sorted k smallest
				for t > 0 && best[t-1] > v {
					best[t] = best[t-1]
					t--
				}
				best[t] = v
			}
			radii[i] = best[k-1]
		}
	}
	return radii
}

// coveredFraction is the fraction of points of q that lie inside at least
// one ball of ref: ‖q_i − r_j‖² ≤ radiiSq[j] for some j.
func coveredFraction(q, ref pointSet, radiiSq []float64) float64 {
	buf := make([]float64, knnBlock*ref.n)
	covered := 0
	for lo := 0; lo < q.n; lo += knnBlock {
		hi := min(lo+knnBlock, q.n)
		sqDist(q, lo, hi, ref, buf)
		for i := range hi - lo {
			for j, v := range buf[i*ref.n : (i+1)*ref.n] {
				if v <= radiiSq[j] {
					covered++
					break
				}
			}
		}
	}
	return float64(covered) / float64(q.n)
}
