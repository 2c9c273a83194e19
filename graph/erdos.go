package graph

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// ErdosRenyi draws count G(n, p) graphs (each pair joined independently
// with probability p) whose node counts n are drawn from those of like
// (uniformly over its graphs, so the node-count distribution is like's), p
// being like's edge density: total edges over total node pairs. It is the
// simplest baseline a generator must beat.
func ErdosRenyi(like []*Graph, count int, rng *tensor.RNG) ([]*Graph, error) {
	if len(like) == 0 {
		return nil, fmt.Errorf("graph: Erdős–Rényi baseline: want graphs to copy node counts and density from, got none")
	}
	if count < 0 {
		return nil, fmt.Errorf("graph: %d Erdős–Rényi graphs: want a count ≥ 0", count)
	}
	p := EdgeDensity(like)
	out := make([]*Graph, count)
	for k := range out {
		g := mustNew(like[rng.Intn(len(like))].n)
		for i := 0; i < g.n; i++ {
			for j := i + 1; j < g.n; j++ {
				if rng.Uniform() < p {
					g.adj[i*g.n+j], g.adj[j*g.n+i] = 1, 1
				}
			}
		}
		out[k] = g
	}
	return out, nil
}

// EdgeDensity returns Σ edges / Σ n(n−1)/2 over gs: the probability that a
// node pair of the set is joined. It is 0 when no graph has two nodes.
func EdgeDensity(gs []*Graph) float64 {
	var m, pairs int
	for _, g := range gs {
		m += g.NumEdges()
		pairs += g.n * (g.n - 1) / 2
	}
	if pairs == 0 {
		return 0
	}
	return float64(m) / float64(pairs)
}
