package main

import (
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// precision is leave-one-out precision@k by class label: every row of
// feats: (N, D) (unit length, so dot products are cosines) searches the
// other N−1 rows, and a hit counts when its label is the query's. It
// returns the mean over queries and the mean per query class.
func precision(feats *tensor.Tensor, labels []int) (float64, []float64, error) {
	return precisionOf(feats, feats, labels, feats.Dim(0))
}

// precisionOf is precision with separate query rows (the first m rows of
// the gallery, by position) and gallery rows, for features whose query
// form differs from their gallery form (the L2 embedding below).
func precisionOf(gallery, queries *tensor.Tensor, labels []int, m int) (float64, []float64, error) {
	exclude := make([]int, m)
	for i := range exclude {
		exclude[i] = i
	}
	q := tensor.FromData(queries.Data[:m*queries.Dim(1)], m, queries.Dim(1))
	hits, err := search.Nearest(gallery, q, k, exclude)
	if err != nil {
		return 0, nil, err
	}
	sum, count := make([]float64, 10), make([]float64, 10)
	total := 0.0
	for i, hs := range hits {
		good := 0
		for _, h := range hs {
			if labels[h.Index] == labels[i] {
				good++
			}
		}
		p := float64(good) / float64(k)
		total += p
		sum[labels[i]] += p
		count[labels[i]]++
	}
	per := make([]float64, 10)
	for c := range per {
		if count[c] > 0 {
			per[c] = sum[c] / count[c]
		}
	}
	return total / float64(m), per, nil
}

// l2Embedding turns nearest-by-Euclidean-distance into largest-dot-product:
// with gallery rows g' = [2g, −‖g‖²] and query rows q' = [q, 1],
// q'·g' = 2q·g − ‖g‖² = ‖q‖² − ‖q − g‖², whose order over g is that of
// −‖q − g‖². x: (N, …) flattened; returns (gallery, queries), (N, D+1).
func l2Embedding(x *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
	n := x.Dim(0)
	d := x.Len() / n
	g, q := tensor.New(n, d+1), tensor.New(n, d+1)
	for i := range n {
		row := x.Data[i*d : (i+1)*d]
		var s float64
		for j, v := range row {
			g.Data[i*(d+1)+j] = 2 * v
			q.Data[i*(d+1)+j] = v
			s += float64(v) * float64(v)
		}
		g.Data[i*(d+1)+d] = float32(-s)
		q.Data[i*(d+1)+d] = 1
	}
	return g, q
}
