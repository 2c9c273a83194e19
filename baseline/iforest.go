package baseline

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// IsolationForest is the anomaly detector of Liu, Ting & Zhou (2008):
// random trees that split a random feature at a uniform random point
// between its minimum and maximum in the node, grown on subsamples of ψ
// rows up to depth ⌈log₂ ψ⌉. Unusual rows are isolated in few splits; the
// score is s(x) = 2^(−E[h(x)]/c(ψ)), in (0, 1], higher = more unusual,
// with h the path length (plus c(size) at a leaf of more than one row)
// and c(m) = 2H(m−1) − 2(m−1)/m the mean path of an unsuccessful search in
// a binary search tree of m keys.
type IsolationForest struct {
	trees []*isoNode
	psi   int
	d     int
}

type isoNode struct {
	feature     int
	split       float64
	left, right *isoNode
	size        int // rows at a leaf
}

// FitIsolationForest grows trees (the paper's default is 100) on
// subsamples of min(psi, N) rows (default 256) of rows: N ≥ 2 vectors of
// one length, all finite. It is deterministic for seed.
func FitIsolationForest(rows [][]float64, trees, psi int, seed uint64) (*IsolationForest, error) {
	n := len(rows)
	if n < 2 {
		return nil, fmt.Errorf("baseline: isolation forest: %d rows, want at least 2", n)
	}
	if trees < 1 || psi < 2 {
		return nil, fmt.Errorf("baseline: isolation forest: %d trees of %d rows: want ≥ 1 tree and ≥ 2 rows", trees, psi)
	}
	d := len(rows[0])
	for i, r := range rows {
		if len(r) != d || d == 0 {
			return nil, fmt.Errorf("baseline: isolation forest: row %d has %d features, row 0 has %d (want ≥ 1)", i, len(r), d)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("baseline: isolation forest: row %d, feature %d is %v: want a finite number", i, j, v)
			}
		}
	}
	psi = min(psi, n)
	limit := int(math.Ceil(math.Log2(float64(psi))))
	f := &IsolationForest{psi: psi, d: d}
	root := tensor.NewRNG(seed)
	for t := range trees {
		rng := root.Split(uint64(t))
		idx := rng.Perm(n)[:psi]
		f.trees = append(f.trees, grow(rows, idx, 0, limit, rng))
	}
	return f, nil
}

func grow(rows [][]float64, idx []int, depth, limit int, rng *tensor.RNG) *isoNode {
	if depth >= limit || len(idx) <= 1 {
		return &isoNode{size: len(idx)}
	}
	d := len(rows[0])
	// Pick a feature that varies in the node; a node of equal rows is a leaf.
	order := rng.Perm(d)
	for _, j := range order {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range idx {
			lo, hi = min(lo, rows[i][j]), max(hi, rows[i][j])
		}
		if !(hi > lo) {
			continue
		}
		split := lo + rng.Uniform()*(hi-lo)
		var left, right []int
		for _, i := range idx {
			if rows[i][j] < split {
				left = append(left, i)
			} else {
				right = append(right, i)
			}
		}
		return &isoNode{feature: j, split: split,
			left: grow(rows, left, depth+1, limit, rng), right: grow(rows, right, depth+1, limit, rng)}
	}
	return &isoNode{size: len(idx)}
}

// avgPath is c(m), the mean path length of an unsuccessful search in a
// binary search tree of m keys: 2H(m−1) − 2(m−1)/m, with H(i) ≈ ln i + γ.
func avgPath(m int) float64 {
	if m <= 1 {
		return 0
	}
	if m == 2 {
		return 1
	}
	x := float64(m - 1)
	return 2*(math.Log(x)+0.5772156649015329) - 2*x/float64(m)
}

// Score returns s(x) for every row; rows must have the fitted length.
func (f *IsolationForest) Score(rows [][]float64) ([]float64, error) {
	out := make([]float64, len(rows))
	c := avgPath(f.psi)
	for i, r := range rows {
		if len(r) != f.d {
			return nil, fmt.Errorf("baseline: isolation forest: row %d has %d features, the forest %d", i, len(r), f.d)
		}
		h := 0.0
		for _, t := range f.trees {
			depth := 0
			for t.left != nil {
				if r[t.feature] < t.split {
					t = t.left
				} else {
					t = t.right
				}
				depth++
			}
			h += float64(depth) + avgPath(t.size)
		}
		out[i] = math.Pow(2, -h/float64(len(f.trees))/c)
	}
	return out, nil
}
