package baseline

import (
	"fmt"
	"math"
	"sort"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// knnBlock is how many query rows share one distance GEMM.
const knnBlock = 256

// KNearest returns, for each row of query: (M, …), the indices of its k
// nearest rows of train: (N, …) in Euclidean distance over raw pixels,
// nearest first (ties by lower index), and those distances. Squared
// distances are ‖q‖² + ‖t‖² − 2q·t from one GEMM per block of queries,
// clamped at 0 against rounding.
func KNearest(train, query *tensor.Tensor, k int) (idx [][]int, dist [][]float64, err error) {
	n, d, err := rows("KNearest", "train", train)
	if err != nil {
		return nil, nil, err
	}
	m, dq, err := rows("KNearest", "query", query)
	if err != nil {
		return nil, nil, err
	}
	if dq != d {
		return nil, nil, fmt.Errorf("baseline: KNearest: query %s has %d features per row, train %s has %d",
			tensor.FormatShape(query.Shape), dq, tensor.FormatShape(train.Shape), d)
	}
	if k < 1 || k > n {
		return nil, nil, fmt.Errorf("baseline: KNearest: k %d, want 1 ≤ k ≤ %d (the train size)", k, n)
	}
	tn := sqNorms(train.Data, n, d)
	qn := sqNorms(query.Data, m, d)
	idx, dist = make([][]int, m), make([][]float64, m)
	dots := make([]float32, knnBlock*n)
	order := make([]int, n)
	d2 := make([]float64, n)
	for q0 := 0; q0 < m; q0 += knnBlock {
		b := min(knnBlock, m-q0)
		kernels.Gemm(false, true, b, n, d, 1, query.Data[q0*d:], d, train.Data, d, 0, dots, n)
		for r := range b {
			for j := range n {
				d2[j] = max(qn[q0+r]+tn[j]-2*float64(dots[r*n+j]), 0)
			}
			best := nearest(d2, k, order)
			idx[q0+r] = best
			dist[q0+r] = make([]float64, k)
			for i, j := range best {
				dist[q0+r][i] = math.Sqrt(d2[j])
			}
		}
	}
	return idx, dist, nil
}

// KNNDistance returns, for each row of query, the mean Euclidean distance
// to its k nearest rows of train: the raw-pixel k-NN anomaly score.
func KNNDistance(train, query *tensor.Tensor, k int) ([]float64, error) {
	_, dist, err := KNearest(train, query, k)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(dist))
	for i, ds := range dist {
		for _, v := range ds {
			out[i] += v / float64(k)
		}
	}
	return out, nil
}

// nearest returns the indices of the k smallest d2, ascending, ties by
// lower index. Small k keeps a sorted list of the best so far (one pass,
// O(n) for typical data); large k sorts all indices, using order as scratch.
func nearest(d2 []float64, k int, order []int) []int {
	if k > 64 {
		for j := range order {
			order[j] = j
		}
		sort.SliceStable(order, func(a, c int) bool { return d2[order[a]] < d2[order[c]] })
		return append([]int(nil), order[:k]...)
	}
	best := make([]int, 0, k)
	for j, v := range d2 {
		if len(best) == k && v >= d2[best[k-1]] {
			continue
		}
		pos := len(best)
		for pos > 0 && d2[best[pos-1]] > v {
			pos--
		}
		if len(best) < k {
			best = append(best, 0)
		}
		copy(best[pos+1:], best[pos:len(best)-1])
		best[pos] = j
	}
	return best
}

// sqNorms returns ‖row‖² for the n rows of data, in float64.
func sqNorms(data []float32, n, d int) []float64 {
	out := make([]float64, n)
	for r := range n {
		for _, v := range data[r*d : (r+1)*d] {
			out[r] += float64(v) * float64(v)
		}
	}
	return out
}
