package graph

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestOrbitsHandCases(t *testing.T) {
	type counts map[int]int64 // orbit -> count; the rest are 0
	cases := []struct {
		name  string
		g     *Graph
		nodes []counts // per node
	}{
		{"triangle", fromEdges(t, 3, [2]int{0, 1}, [2]int{1, 2}, [2]int{0, 2}),
			[]counts{{0: 2, 3: 1}, {0: 2, 3: 1}, {0: 2, 3: 1}}},
		{"4-cycle", fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 0}),
			[]counts{{0: 2, 1: 2, 2: 1, 8: 1}, {0: 2, 1: 2, 2: 1, 8: 1}, {0: 2, 1: 2, 2: 1, 8: 1}, {0: 2, 1: 2, 2: 1, 8: 1}}},
		{"K4", fromEdges(t, 4, [2]int{0, 1}, [2]int{0, 2}, [2]int{0, 3}, [2]int{1, 2}, [2]int{1, 3}, [2]int{2, 3}),
			[]counts{{0: 3, 3: 3, 14: 1}, {0: 3, 3: 3, 14: 1}, {0: 3, 3: 3, 14: 1}, {0: 3, 3: 3, 14: 1}}},
		{"star", fromEdges(t, 4, [2]int{0, 1}, [2]int{0, 2}, [2]int{0, 3}),
			[]counts{{0: 3, 2: 3, 7: 1}, {0: 1, 1: 2, 6: 1}, {0: 1, 1: 2, 6: 1}, {0: 1, 1: 2, 6: 1}}},
		{"path of 4", fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}),
			[]counts{{0: 1, 1: 1, 4: 1}, {0: 2, 1: 1, 2: 1, 5: 1}, {0: 2, 1: 1, 2: 1, 5: 1}, {0: 1, 1: 1, 4: 1}}},
		{"paw", fromEdges(t, 4, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 2}, [2]int{2, 3}),
			[]counts{{0: 2, 1: 1, 3: 1, 10: 1}, {0: 2, 1: 1, 3: 1, 10: 1}, {0: 3, 2: 2, 3: 1, 11: 1}, {0: 1, 1: 2, 9: 1}}},
		{"diamond", fromEdges(t, 4, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 2}, [2]int{1, 3}, [2]int{2, 3}),
			[]counts{{0: 2, 1: 2, 3: 1, 12: 1}, {0: 3, 2: 1, 3: 2, 13: 1}, {0: 3, 2: 1, 3: 2, 13: 1}, {0: 2, 1: 2, 3: 1, 12: 1}}},
		{"isolated nodes", fromEdges(t, 3), []counts{{}, {}, {}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Orbits(c.g)
			for v, want := range c.nodes {
				for o := 0; o < NumOrbits; o++ {
					if got[v][o] != want[o] {
						t.Errorf("node %d orbit %d: got %d, want %d (all: %v)", v, o, got[v][o], want[o], got[v])
					}
				}
			}
		})
	}
}

// template is a graphlet on nodes 0…k−1 with each node's orbit.
type template struct {
	k      int
	edges  [][2]int
	orbits []int
}

// The graphlets of 3 and 4 nodes with their orbits as Pržulj numbers them.
var templates = []template{
	{3, [][2]int{{0, 1}, {1, 2}}, []int{1, 2, 1}},
	{3, [][2]int{{0, 1}, {1, 2}, {0, 2}}, []int{3, 3, 3}},
	{4, [][2]int{{0, 1}, {1, 2}, {2, 3}}, []int{4, 5, 5, 4}},
	{4, [][2]int{{0, 1}, {0, 2}, {0, 3}}, []int{7, 6, 6, 6}},
	{4, [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 0}}, []int{8, 8, 8, 8}},
	{4, [][2]int{{0, 1}, {0, 2}, {1, 2}, {2, 3}}, []int{10, 10, 11, 9}},
	{4, [][2]int{{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}}, []int{12, 13, 13, 12}},
	{4, [][2]int{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}, []int{14, 14, 14, 14}},
}

// bruteOrbits counts orbits by trying every 3- and 4-node subset against
// every template under every mapping of its nodes: no enumeration trick and
// no degree rule shared with Orbits.
func bruteOrbits(g *Graph) [][NumOrbits]int64 {
	counts := make([][NumOrbits]int64, g.N())
	for v := range counts {
		counts[v][0] = int64(g.Degree(v))
	}
	var subsets func(start int, set []int)
	subsets = func(start int, set []int) {
		if len(set) == 3 || len(set) == 4 {
			matchTemplate(g, set, counts)
		}
		if len(set) == 4 {
			return
		}
		for v := start; v < g.N(); v++ {
			subsets(v+1, append(set, v))
		}
	}
	subsets(0, nil)
	return counts
}

func matchTemplate(g *Graph, set []int, counts [][NumOrbits]int64) {
	for _, tp := range templates {
		if tp.k != len(set) {
			continue
		}
		for _, perm := range permutations(tp.k) {
			want := make(map[[2]int]bool)
			for _, e := range tp.edges {
				a, b := set[perm[e[0]]], set[perm[e[1]]]
				want[[2]int{min(a, b), max(a, b)}] = true
			}
			same := true
			for i := 0; i < len(set) && same; i++ {
				for j := i + 1; j < len(set); j++ {
					a, b := set[i], set[j]
					if g.Has(a, b) != want[[2]int{min(a, b), max(a, b)}] {
						same = false
						break
					}
				}
			}
			if same {
				for pos, node := range perm {
					counts[set[node]][tp.orbits[pos]]++
				}
				return
			}
		}
	}
}

func permutations(k int) [][]int {
	if k == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(k - 1) {
		for at := 0; at <= len(p); at++ {
			q := append(append(append([]int(nil), p[:at]...), k-1), p[at:]...)
			out = append(out, q)
		}
	}
	return out
}

func TestOrbitsAgainstBruteForce(t *testing.T) {
	rng := tensor.NewRNG(7)
	for _, n := range []int{1, 2, 4, 5, 7, 9, 12} {
		for _, p := range []float64{0.15, 0.4, 0.8} {
			g := gnp(n, p, rng)
			t.Run(fmt.Sprintf("n%d_p%.2f", n, p), func(t *testing.T) {
				got, want := Orbits(g), bruteOrbits(g)
				for v := range want {
					if got[v] != want[v] {
						t.Errorf("node %d: got %v, want %v", v, got[v], want[v])
					}
				}
			})
		}
	}
}
