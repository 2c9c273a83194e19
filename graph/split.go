package graph

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// Split shuffles graphs with seed and returns the last (1 − testFrac) of
// them for training and the first testFrac for testing, the test part
// being ⌊testFrac·len⌋ graphs, as GDSS splits (test_split 0.2: 20 of 100).
// GDSS splits its data in the order it was generated, which is already
// random; the shuffle here makes the split depend on the seed alone.
func Split(graphs []*Graph, testFrac float64, seed uint64) (train, test []*Graph, err error) {
	if testFrac < 0 || testFrac > 1 {
		return nil, nil, fmt.Errorf("graph: test fraction %v: want 0 to 1", testFrac)
	}
	perm := tensor.NewRNG(seed).Perm(len(graphs))
	shuffled := make([]*Graph, len(graphs))
	for i, p := range perm {
		shuffled[i] = graphs[p]
	}
	nTest := int(testFrac * float64(len(graphs)))
	return shuffled[nTest:], shuffled[:nTest], nil
}
