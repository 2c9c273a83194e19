package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Isomorphic reports whether g and h are the same graph up to a renumbering
// of nodes that keeps node types and edge types. It refines node colours
// jointly on both graphs (1-dimensional Weisfeiler–Leman: a node's colour
// is its type, then its colour with the multiset of (edge type, neighbour
// colour) pairs, until the partition is stable), refuses when the colour
// counts differ, and otherwise searches for a mapping between nodes of
// equal colour, smallest colour classes first. The search can take
// exponential time on large regular graphs; the graphs here are small.
func Isomorphic(g, h *Graph) bool {
	if g.n != h.n || g.NumEdges() != h.NumEdges() {
		return false
	}
	cg, ch := refine(g, h)
	if !sameCounts(cg, ch) {
		return false
	}
	return match(g, h, cg, ch)
}

// refine returns the stable joint colour refinement of g and h: colours
// are comparable across the two graphs.
func refine(g, h *Graph) (cg, ch []int) {
	cg, ch = make([]int, g.n), make([]int, h.n)
	ids := map[string]int{}
	id := func(sig string) int {
		v, ok := ids[sig]
		if !ok {
			v = len(ids)
			ids[sig] = v
		}
		return v
	}
	for i := range cg {
		cg[i] = id(fmt.Sprint("t", g.nodes[i]))
	}
	for i := range ch {
		ch[i] = id(fmt.Sprint("t", h.nodes[i]))
	}
	classes := countClasses(cg, ch)
	for {
		clear(ids)
		ng, nh := signatures(g, cg, id), signatures(h, ch, id)
		cg, ch = ng, nh
		c := countClasses(cg, ch)
		if c == classes {
			return cg, ch
		}
		classes = c
	}
}

func signatures(g *Graph, col []int, id func(string) int) []int {
	out := make([]int, g.n)
	var sb strings.Builder
	pairs := make([][2]int, 0, g.n)
	for v := 0; v < g.n; v++ {
		pairs = pairs[:0]
		for u := 0; u < g.n; u++ {
			if t := g.adj[v*g.n+u]; t != 0 {
				pairs = append(pairs, [2]int{int(t), col[u]})
			}
		}
		slices.SortFunc(pairs, func(a, b [2]int) int {
			if a[0] != b[0] {
				return a[0] - b[0]
			}
			return a[1] - b[1]
		})
		sb.Reset()
		fmt.Fprint(&sb, col[v], ":", pairs)
		out[v] = id(sb.String())
	}
	return out
}

func countClasses(a, b []int) int {
	seen := map[int]bool{}
	for _, c := range a {
		seen[c] = true
	}
	for _, c := range b {
		seen[c] = true
	}
	return len(seen)
}

func sameCounts(a, b []int) bool {
	count := map[int]int{}
	for _, c := range a {
		count[c]++
	}
	for _, c := range b {
		count[c]--
	}
	for _, k := range count {
		if k != 0 {
			return false
		}
	}
	return true
}

// match searches for a colour-preserving isomorphism from g to h.
func match(g, h *Graph, cg, ch []int) bool {
	size := map[int]int{}
	for _, c := range cg {
		size[c]++
	}
	order := make([]int, g.n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return size[cg[a]] - size[cg[b]] })
	to := make([]int, g.n) // g node -> h node
	used := make([]bool, h.n)
	var try func(k int) bool
	try = func(k int) bool {
		if k == len(order) {
			return true
		}
		v := order[k]
		for w := 0; w < h.n; w++ {
			if used[w] || ch[w] != cg[v] {
				continue
			}
			ok := true
			for _, u := range order[:k] {
				if g.adj[v*g.n+u] != h.adj[w*h.n+to[u]] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			to[v], used[w] = w, true
			if try(k + 1) {
				return true
			}
			used[w] = false
		}
		return false
	}
	return try(0)
}

// Unique returns the number of isomorphism classes among gs divided by
// len(gs): 1 when no two graphs are isomorphic (the uniqueness of DiGress's
// evaluation). It is 0 for no graphs.
func Unique(gs []*Graph) float64 {
	if len(gs) == 0 {
		return 0
	}
	var reps []*Graph
	for _, g := range gs {
		if !slices.ContainsFunc(reps, func(r *Graph) bool { return Isomorphic(g, r) }) {
			reps = append(reps, g)
		}
	}
	return float64(len(reps)) / float64(len(gs))
}

// Novel returns the fraction of gs that are isomorphic to no graph of
// train (the novelty of generated graphs). It is 0 for no graphs.
func Novel(gs, train []*Graph) float64 {
	if len(gs) == 0 {
		return 0
	}
	novel := 0
	for _, g := range gs {
		if !slices.ContainsFunc(train, func(r *Graph) bool { return Isomorphic(g, r) }) {
			novel++
		}
	}
	return float64(novel) / float64(len(gs))
}
