package metrics

import (
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// knnBlock is how many query rows one distance block holds: a block is
// knnBlock × (reference rows) float64s, 10 MB for 5,000 references,
// and as many float32s for the cross products.
const knnBlock = 256

// pointSet is a set of feature vectors, moved by a common centre, with
// their squared norms, ready for blocked squared-distance computation.
type pointSet struct {
	n, d  int
	x     []float32 // (n, d): feature − centre
	norm2 []float64 // (n): ‖x_i‖²
	cross []float32 // scratch for one block of cross products
}

// newPointSet subtracts centre (D) from every row of feats: (N, D).
// Distances do not change, but centring both sets on a shared point keeps
// the norms in ‖q‖² + ‖r‖² − 2·q·r small, so little cancels.
func newPointSet(feats *tensor.Tensor, centre []float64) pointSet {
	n, d := feats.Dim(0), feats.Dim(1)
	p := pointSet{n: n, d: d, x: make([]float32, n*d), norm2: make([]float64, n)}
	for i := range n {
		var s float64
		for j, v := range feats.Data[i*d : (i+1)*d] {
			f := float32(float64(v) - centre[j])
			p.x[i*d+j] = f
			s += float64(f) * float64(f)
		}
		p.norm2[i] = s
	}
	return p
}

// columnMean is the mean of the rows of a: (N, D) and b: (M, D) together.
func columnMean(a, b *tensor.Tensor) []float64 {
	d := a.Dim(1)
	mean := make([]float64, d)
	for _, t := range []*tensor.Tensor{a, b} {
		for i, v := range t.Data {
			mean[i%d] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(a.Dim(0) + b.Dim(0))
	}
	return mean
}

// sqDist fills out: (hi−lo, ref.n) with the squared distances from query
// rows lo..hi−1 of q to every row of ref, ‖q_i‖² + ‖r_j‖² − 2·q_i·r_j,
// clamped at 0 against rounding. The cross products come from the float32
// Gemm (relative error ~1e-7 of ‖q‖‖r‖), the sums are float64.
func sqDist(q *pointSet, lo, hi int, ref pointSet, out []float64) {
	m := hi - lo
	if len(q.cross) < m*ref.n {
		q.cross = make([]float32, knnBlock*ref.n)
	}
	c := q.cross[:m*ref.n]
	kernels.Gemm(false, true, m, ref.n, q.d, -2, q.x[lo*q.d:hi*q.d], q.d, ref.x, ref.d, 0, c, ref.n) // −2·Q·Rᵀ
	for i := range m {
		row, cr := out[i*ref.n:(i+1)*ref.n], c[i*ref.n:(i+1)*ref.n]
		qn := q.norm2[lo+i]
		for j := range row {
			row[j] = max(float64(cr[j])+qn+ref.norm2[j], 0)
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
		sqDist(&p, lo, hi, p, buf)
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
		sqDist(&q, lo, hi, ref, buf)
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
