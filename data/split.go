package data

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Shuffle returns a permutation of 0..n−1 that depends only on n and seed.
func Shuffle(n int, seed uint64) []int { return tensor.NewRNG(seed).Perm(n) }

// Split holds the item indices of a train/validation/test split.
type Split struct {
	Train, Val, Test []int
}

// SplitIndices shuffles 0..n−1 with seed and cuts it into validation
// (round(val·n) items), test (round(test·n)) and train (the rest), in that
// order of the shuffle. The result depends only on n, the fractions and
// seed. Fractions must be in [0, 1) and leave at least one training item.
func SplitIndices(n int, val, test float64, seed uint64) (Split, error) {
	for _, f := range []struct {
		name string
		v    float64
	}{{"validation", val}, {"test", test}} {
		if !(f.v >= 0 && f.v < 1) {
			return Split{}, fmt.Errorf("data: split: %s fraction %v: want a number in [0, 1)", f.name, f.v)
		}
	}
	nVal, nTest := int(math.Round(val*float64(n))), int(math.Round(test*float64(n)))
	if n-nVal-nTest < 1 {
		return Split{}, fmt.Errorf("data: split: %d items with validation %v and test %v leave %d for training, want at least 1", n, val, test, n-nVal-nTest)
	}
	perm := Shuffle(n, seed)
	return Split{Train: perm[nVal+nTest:], Val: perm[:nVal], Test: perm[nVal : nVal+nTest]}, nil
}

// Subset is the items Index of Data, in that order.
type Subset struct {
	Data  Dataset
	Index []int
}

// Len returns len(Index).
func (s *Subset) Len() int { return len(s.Index) }

// Batch returns items idx of the subset (positions in Index).
func (s *Subset) Batch(idx []int, rng *tensor.RNG) (*tensor.Tensor, []int, error) {
	inner := make([]int, len(idx))
	for i, j := range idx {
		if j < 0 || j >= len(s.Index) {
			return nil, nil, fmt.Errorf("data: subset: index %d: want 0..%d", j, len(s.Index)-1)
		}
		inner[i] = s.Index[j]
	}
	return s.Data.Batch(inner, rng)
}

// Shape returns the shape of one item of Data.
func (s *Subset) Shape() []int { return s.Data.Shape() }
