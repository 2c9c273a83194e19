package graph

import (
	"fmt"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// Community describes a family of two-or-more-community random graphs, the
// generator of the community-small benchmark (GraphRNN, You et al. 2018;
// EDP-GNN, Niu et al. 2020; GDSS, Jo et al. 2022). A graph is made as GDSS's
// data/data_generators.py (n_community) makes it:
//
//  1. draw m uniformly from MinNodes…MaxNodes; each of the K communities
//     gets c = ⌊m/K⌋ nodes (so community-small has 12, 14, 16, 18 or 20
//     nodes: an odd m rounds down);
//  2. community i is an Erdős–Rényi graph G(c, P); nodes of community i are
//     numbered i·c … (i+1)·c − 1;
//  3. for every pair of connected components of the union (in the order of
//     their smallest node), each cross pair of nodes is joined with
//     probability p = 2·PInter / ((K−1)·c); if no pair was joined, the
//     smallest node of each is joined.
//
// With Fixed (GDSS's data), community i is networkx's
// gnp_random_graph(c, P, seed=i): the same for every graph of that size, so
// the benchmark holds five distinct pairs of communities and only the
// sizes and bridges vary. Those graphs are reproduced exactly here (Python's
// MT19937 and networkx's pair order); every one of the 100 graphs in GDSS's
// data/community_small.pkl has them. Without Fixed the communities are
// drawn afresh for each graph, as the papers' text describes the data.
// All other randomness comes from the rng given to Generate.
type Community struct {
	K                  int     // number of communities (2)
	MinNodes, MaxNodes int     // range of m (12 and 20)
	P                  float64 // edge probability inside a community (0.7)
	PInter             float64 // bridge parameter (0.05)
	Fixed              bool    // GDSS's fixed communities (true)
}

// CommunitySmallConfig returns the community-small benchmark's settings as
// GDSS made it: two communities, m in 12…20, P 0.7, PInter 0.05, fixed
// communities.
func CommunitySmallConfig() Community {
	return Community{K: 2, MinNodes: 12, MaxNodes: 20, P: 0.7, PInter: 0.05, Fixed: true}
}

// CommunitySmall returns count community-small graphs (GDSS's generator,
// CommunitySmallConfig) drawn with seed; nil when count < 0. The benchmark
// uses 100.
func CommunitySmall(count int, seed uint64) []*Graph {
	gs, _ := CommunitySmallConfig().Generate(count, tensor.NewRNG(seed)) // the config is valid
	return gs
}

// Generate draws count graphs.
func (c Community) Generate(count int, rng *tensor.RNG) ([]*Graph, error) {
	if c.K < 2 || c.MinNodes < c.K || c.MaxNodes < c.MinNodes || c.MaxNodes > MaxNodes || c.P < 0 || c.P > 1 || c.PInter < 0 {
		return nil, fmt.Errorf("graph: community config %+v: want K ≥ 2, K ≤ MinNodes ≤ MaxNodes ≤ %d, 0 ≤ P ≤ 1, PInter ≥ 0", c, MaxNodes)
	}
	if count < 0 {
		return nil, fmt.Errorf("graph: %d community graphs: want a count ≥ 0", count)
	}
	gs := make([]*Graph, count)
	for k := range gs {
		gs[k] = c.one(rng)
	}
	return gs, nil
}

func (c Community) one(rng *tensor.RNG) *Graph {
	m := c.MinNodes + rng.Intn(c.MaxNodes-c.MinNodes+1)
	size := m / c.K
	g := mustNew(size * c.K)
	for i := 0; i < c.K; i++ {
		off := i * size
		var draw func() float64
		if c.Fixed {
			draw = newPyRandom(uint32(i)).random
		} else {
			draw = rng.Uniform
		}
		for a := 0; a < size; a++ { // itertools.combinations order
			for b := a + 1; b < size; b++ {
				if draw() < c.P {
					g.adj[(off+a)*g.n+off+b], g.adj[(off+b)*g.n+off+a] = 1, 1
				}
			}
		}
	}
	comps := Components(g)
	p := c.PInter * 2 / (float64(c.K-1) * float64(size))
	for i := range comps {
		for j := i + 1; j < len(comps); j++ {
			bridged := false
			for _, a := range comps[i] {
				for _, b := range comps[j] {
					if rng.Uniform() < p {
						g.adj[a*g.n+b], g.adj[b*g.n+a] = 1, 1
						bridged = true
					}
				}
			}
			if !bridged {
				a, b := comps[i][0], comps[j][0]
				g.adj[a*g.n+b], g.adj[b*g.n+a] = 1, 1
			}
		}
	}
	return g
}

// Components returns the connected components of g, each as its nodes in
// increasing order, ordered by their smallest node.
func Components(g *Graph) [][]int {
	seen := make([]bool, g.n)
	var comps [][]int
	for s := 0; s < g.n; s++ {
		if seen[s] {
			continue
		}
		seen[s] = true
		comp := []int{s}
		for q := 0; q < len(comp); q++ {
			for _, v := range g.Neighbors(comp[q]) {
				if !seen[v] {
					seen[v] = true
					comp = append(comp, v)
				}
			}
		}
		slices.Sort(comp)
		comps = append(comps, comp)
	}
	return comps
}
