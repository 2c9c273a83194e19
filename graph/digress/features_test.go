package digress

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// simpleCycles counts, by enumeration, the simple cycles of length k
// through each node, and in the graph.
func simpleCycles(a []float64, n, k int) (node []float64, total float64) {
	node = make([]float64, n)
	// Enumerate paths of k distinct nodes from each start s that close
	// back to s: each cycle is found 2k times (k starts, two directions).
	var path []int
	used := make([]bool, n)
	var walk func(s, v int)
	walk = func(s, v int) {
		if len(path) == k {
			if a[v*n+s] != 0 {
				node[s]++ // each cycle through s is found twice from s (two directions)
				total++
			}
			return
		}
		for w := 0; w < n; w++ {
			if a[v*n+w] != 0 && !used[w] {
				used[w] = true
				path = append(path, w)
				walk(s, w)
				path = path[:len(path)-1]
				used[w] = false
			}
		}
	}
	for s := 0; s < n; s++ {
		used[s] = true
		path = append(path[:0], s)
		walk(s, s)
		used[s] = false
	}
	for i := range node {
		node[i] /= 2
	}
	return node, total / float64(2*k)
}

// The cycle counts from adjacency powers equal the brute-force counts of
// simple cycles on random graphs of 4 to 9 nodes and several densities.
func TestCycleCountsBruteForce(t *testing.T) {
	rng := tensor.NewRNG(5)
	for trial := range 40 {
		n := 4 + trial%6
		p := []float64{0.3, 0.5, 0.8}[trial%3]
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if rng.Uniform() < p {
					a[i*n+j], a[j*n+i] = 1, 1
				}
			}
		}
		node, total := CycleCounts(a, n)
		for k := 3; k <= 5; k++ {
			wantNode, wantTotal := simpleCycles(a, n, k)
			if math.Abs(total[k-3]-wantTotal) > 1e-9 {
				t.Errorf("trial %d: C%d = %v, want %v", trial, k, total[k-3], wantTotal)
			}
			for i := range n {
				if math.Abs(node[i][k-3]-wantNode[i]) > 1e-9 {
					t.Errorf("trial %d node %d: C%d = %v, want %v", trial, i, k, node[i][k-3], wantNode[i])
				}
			}
		}
	}
}
