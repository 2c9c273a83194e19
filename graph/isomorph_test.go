package graph

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// permute returns g with node v renumbered perm[v].
func permute(g *Graph, perm []int) *Graph {
	h := mustNew(g.n)
	for v := 0; v < g.n; v++ {
		h.nodes[perm[v]] = g.nodes[v]
	}
	for _, e := range g.Edges() {
		h.SetEdge(perm[e.Source], perm[e.Target], e.Type)
	}
	return h
}

// bruteIsomorphic tries every renumbering.
func bruteIsomorphic(g, h *Graph) bool {
	if g.n != h.n {
		return false
	}
	for _, perm := range permutations(g.n) {
		if permute(g, perm).Equal(h) {
			return true
		}
	}
	return false
}

func TestIsomorphicPermutedCopies(t *testing.T) {
	rng := tensor.NewRNG(2)
	for i, g := range CommunitySmall(10, 6) {
		for v := 0; v < g.N(); v++ {
			g.SetNodeType(v, rng.Intn(3))
		}
		for _, e := range g.Edges() {
			g.SetEdge(e.Source, e.Target, 1+rng.Intn(2))
		}
		h := permute(g, rng.Perm(g.N()))
		if !Isomorphic(g, h) {
			t.Errorf("graph %d: a renumbered copy is not isomorphic", i)
		}
		e := g.Edges()[0]
		h2 := g.Clone()
		h2.SetEdge(e.Source, e.Target, 3-e.Type) // the other edge type
		if Isomorphic(g, h2) {
			t.Errorf("graph %d: changing an edge's type kept it isomorphic", i)
		}
	}
}

func TestIsomorphicRegular(t *testing.T) {
	// Both are 2-regular on six nodes: colour refinement cannot tell them
	// apart, the search must.
	c6 := fromEdges(t, 6, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4}, [2]int{4, 5}, [2]int{5, 0})
	twoTriangles := fromEdges(t, 6, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 0}, [2]int{3, 4}, [2]int{4, 5}, [2]int{5, 3})
	if Isomorphic(c6, twoTriangles) {
		t.Error("a 6-cycle is isomorphic to two triangles")
	}
	if !Isomorphic(c6, permute(c6, []int{3, 5, 1, 0, 2, 4})) {
		t.Error("a renumbered 6-cycle is not isomorphic to itself")
	}
}

func TestIsomorphicAgainstBruteForce(t *testing.T) {
	rng := tensor.NewRNG(8)
	agree, iso := 0, 0
	for trial := 0; trial < 300; trial++ {
		n := 3 + rng.Intn(4)
		g, h := gnp(n, 0.5, rng), gnp(n, 0.5, rng)
		if g.NumEdges() != h.NumEdges() {
			continue
		}
		got, want := Isomorphic(g, h), bruteIsomorphic(g, h)
		if got != want {
			t.Fatalf("trial %d: Isomorphic = %v, brute force %v\n%v\n%v", trial, got, want, g.Edges(), h.Edges())
		}
		agree++
		if want {
			iso++
		}
	}
	if agree < 50 || iso < 10 {
		t.Errorf("only %d pairs compared, %d isomorphic: the test checks too little", agree, iso)
	}
}

func TestUniqueNovel(t *testing.T) {
	rng := tensor.NewRNG(3)
	a := fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}) // path
	b := fromEdges(t, 4, [2]int{0, 1}, [2]int{0, 2}, [2]int{0, 3}) // star
	c := fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 0}) // triangle and a point
	set := []*Graph{a, permute(a, rng.Perm(4)), b, c, permute(c, rng.Perm(4)), permute(c, rng.Perm(4))}
	if got, want := Unique(set), 3.0/6; got != want {
		t.Errorf("Unique = %v, want %v", got, want)
	}
	if got, want := Novel(set, []*Graph{permute(b, rng.Perm(4)), c}), 2.0/6; got != want {
		t.Errorf("Novel = %v, want %v", got, want)
	}
	if Unique(nil) != 0 || Novel(nil, set) != 0 {
		t.Error("empty sets")
	}
}
