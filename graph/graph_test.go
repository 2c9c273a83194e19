package graph

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// fromEdges builds a graph of n nodes with untyped edges; it is for tests.
func fromEdges(t testing.TB, n int, edges ...[2]int) *Graph {
	t.Helper()
	g, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edges {
		if err := g.SetEdge(e[0], e[1], 1); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

// gnp draws a G(n, p) graph for tests.
func gnp(n int, p float64, rng *tensor.RNG) *Graph {
	g := mustNew(n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if rng.Uniform() < p {
				g.SetEdge(i, j, 1)
			}
		}
	}
	return g
}

func TestGraphBasics(t *testing.T) {
	g := fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2})
	if err := g.SetEdge(2, 2, 1); err == nil {
		t.Error("SetEdge accepted a self-loop")
	}
	if err := g.SetEdge(0, 4, 1); err == nil {
		t.Error("SetEdge accepted a missing node")
	}
	if err := g.SetEdge(0, 3, 256); err == nil {
		t.Error("SetEdge accepted type 256")
	}
	if _, err := New(MaxNodes + 1); err == nil {
		t.Error("New accepted too many nodes")
	}
	if g.NumEdges() != 2 || g.Degree(1) != 2 || g.Degree(3) != 0 || !g.Has(2, 1) {
		t.Errorf("edges %d, degrees %d %d", g.NumEdges(), g.Degree(1), g.Degree(3))
	}
	if got, want := g.Density(), 2.0/6; got != want {
		t.Errorf("Density = %v, want %v", got, want)
	}
	if c := Components(g); len(c) != 2 || len(c[0]) != 3 || c[1][0] != 3 {
		t.Errorf("Components = %v", c)
	}
	h := g.Clone()
	h.SetEdge(0, 1, 0)
	if g.Equal(h) || !g.Has(0, 1) {
		t.Error("Clone shares storage or Equal misses a removed edge")
	}
}
