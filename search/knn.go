package search

import (
	"fmt"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// queryBlock is how many queries share one similarity GEMM.
const queryBlock = 256

// Hit is one search result: a gallery row and its cosine similarity to
// the query.
type Hit struct {
	Index      int
	Similarity float32
}

// Nearest returns, for each row of queries: (M, D), the k rows of
// gallery: (N, D) with the largest dot product, largest first (ties by
// lower index). For unit-length rows the dot product is the cosine
// similarity. The search is exact: every gallery row is scored, by one
// GEMM per block of queries, and the per-query selection runs in
// parallel. exclude, when not nil, holds one gallery row per query to
// leave out (−1 for none), for leave-one-out evaluation; then k may be at
// most N−1.
func Nearest(gallery, queries *tensor.Tensor, k int, exclude []int) ([][]Hit, error) {
	if gallery == nil || gallery.Rank() != 2 || gallery.Dim(0) == 0 {
		return nil, ErrEmpty
	}
	n, d := gallery.Dim(0), gallery.Dim(1)
	if queries == nil || queries.Rank() != 2 || queries.Dim(1) != d {
		got := "nil"
		if queries != nil {
			got = tensor.FormatShape(queries.Shape)
		}
		return nil, fmt.Errorf("search: queries %s: want (M, %d), the gallery's feature length: %w", got, d, ErrDim)
	}
	m := queries.Dim(0)
	if exclude != nil && len(exclude) != m {
		return nil, fmt.Errorf("search: %d rows to exclude for %d queries", len(exclude), m)
	}
	limit := n
	if exclude != nil {
		limit = n - 1
	}
	if k < 1 || k > limit {
		return nil, fmt.Errorf("search: k %d: want 1..%d (the gallery has %d rows)", k, limit, n)
	}
	out := make([][]Hit, m)
	sims := make([]float32, min(queryBlock, m)*n)
	for q0 := 0; q0 < m; q0 += queryBlock {
		b := min(queryBlock, m-q0)
		kernels.Gemm(false, true, b, n, d, 1, queries.Data[q0*d:], d, gallery.Data, d, 0, sims, n)
		parallel.For(b, 4, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				skip := -1
				if exclude != nil {
					skip = exclude[q0+r]
				}
				out[q0+r] = top(sims[r*n:(r+1)*n], k, skip)
			}
		})
	}
	return out, nil
}

// top returns the k largest of s, largest first, ties by lower index,
// leaving out index skip. It keeps a sorted list of the best so far: one
// pass, O(len(s)) for typical data and small k.
func top(s []float32, k, skip int) []Hit {
	best := make([]Hit, 0, k)
	for j, v := range s {
		if j == skip || (len(best) == k && v <= best[k-1].Similarity) {
			continue
		}
		pos := len(best)
		for pos > 0 && best[pos-1].Similarity < v {
			pos--
		}
		if len(best) < k {
			best = append(best, Hit{})
		}
		copy(best[pos+1:], best[pos:len(best)-1])
		best[pos] = Hit{Index: j, Similarity: v}
	}
	return best
}
