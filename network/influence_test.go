package network

import (
	"math"
	"slices"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// TestCELFEqualsGreedy checks that lazy evaluation selects exactly the
// greedy seeds with exactly the same gains on the same worlds, for IC and
// LT on several small graphs, and that it evaluates fewer gains.
func TestCELFEqualsGreedy(t *testing.T) {
	mis, err := ReadGraph("testdata/miserables.json", false)
	if err != nil {
		t.Fatal(err)
	}
	rng := tensor.NewRNG(11)
	var es [][2]int
	for i := range 40 { // a random directed graph, 40 nodes, ~120 arcs
		for j := range 40 {
			if i != j && rng.Uniform() < 0.08 {
				es = append(es, [2]int{i, j})
			}
		}
	}
	cases := []struct {
		name string
		g    *Graph
		m    LiveEdge
		k    int
	}{
		{"miserables IC 0.1", mis, IC{P: 0.1}, 5},
		{"miserables IC weighted", mis, IC{P: 0.05, Weighted: true}, 4},
		{"miserables LT", mis, LT{}, 4},
		{"random digraph IC 0.3", build(t, 40, true, es), IC{P: 0.3}, 6},
		{"star IC 0.5", star(t, 12), IC{P: 0.5}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, err := SampleWorlds(c.g, c.m, 300, 12)
			if err != nil {
				t.Fatal(err)
			}
			gr, err := Greedy(ws, c.k)
			if err != nil {
				t.Fatal(err)
			}
			lz, err := CELF(ws, c.k)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(gr.Seeds, lz.Seeds) || !slices.Equal(gr.Gains, lz.Gains) {
				t.Errorf("CELF seeds %v gains %v, greedy %v gains %v", lz.Seeds, lz.Gains, gr.Seeds, gr.Gains)
			}
			if lz.Evaluations >= gr.Evaluations {
				t.Errorf("CELF evaluated %d gains, greedy %d: want fewer", lz.Evaluations, gr.Evaluations)
			}
			if m, _ := ws.Spread(lz.Seeds); math.Abs(m-lz.Spread) > 1e-9 {
				t.Errorf("selection spread %.4f, Spread(seeds) %.4f", lz.Spread, m)
			}
			for i := 1; i < len(gr.Gains); i++ { // submodular: gains do not grow
				if gr.Gains[i] > gr.Gains[i-1] {
					t.Errorf("gain %d = %d > gain %d = %d", i, gr.Gains[i], i-1, gr.Gains[i-1])
				}
			}
		})
	}
}

// TestGreedyBruteForce checks on a small graph that greedy's first pick is
// the best single node and that its k = 2 set is within the (1 − 1/e)
// bound of the best pair found by enumeration, all on the same worlds.
func TestGreedyBruteForce(t *testing.T) {
	g := build(t, 9, false, [][2]int{{0, 1}, {0, 2}, {0, 3}, {3, 4}, {4, 5}, {4, 6}, {4, 7}, {7, 8}, {1, 2}})
	ws, err := SampleWorlds(g, IC{P: 0.4}, 500, 13)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := Greedy(ws, 2)
	if err != nil {
		t.Fatal(err)
	}
	best1, bestPair := 0.0, 0.0
	for u := range g.N() {
		m, _ := ws.Spread([]int{u})
		best1 = max(best1, m)
		for v := u + 1; v < g.N(); v++ {
			m, _ := ws.Spread([]int{u, v})
			bestPair = max(bestPair, m)
		}
	}
	first, _ := ws.Spread(sel.Seeds[:1])
	if first != best1 {
		t.Errorf("greedy's first seed spreads %.3f, the best single node %.3f", first, best1)
	}
	if sel.Spread < (1-1/math.E)*bestPair || sel.Spread > bestPair+1e-9 {
		t.Errorf("greedy pair spreads %.3f, best pair %.3f", sel.Spread, bestPair)
	}
}

// TestPageRankHand checks PageRank on A→B, A→C, B→C, C→A with d = 0.85.
// By hand: a = 0.05 + 0.85c, b = 0.05 + 0.425a, c = 0.05 + 0.85(a/2 + b),
// so c = 0.0925 + 0.78625a and a = 0.128625/0.3316875.
func TestPageRankHand(t *testing.T) {
	g := build(t, 3, true, [][2]int{{0, 1}, {0, 2}, {1, 2}, {2, 0}})
	a := 0.128625 / 0.3316875
	want := []float64{a, 0.05 + 0.425*a, 0.0925 + 0.78625*a}
	got := PageRank(g, 0.85, 1e-12, 1000)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("PageRank[%d] = %.9f, want %.9f", i, got[i], want[i])
		}
	}
	// A dangling node spreads evenly: on a→b alone, b = (1−d)/2 + d(a + b/2),
	// a = (1−d)/2 + d·b/2, so a = 0.075 + 0.425b and b = 1 − a: a = 0.5/1.425.
	pr := PageRank(build(t, 2, true, [][2]int{{0, 1}}), 0.85, 1e-12, 1000)
	if want := 0.5 / 1.425; math.Abs(pr[0]-want) > 1e-9 || math.Abs(pr[0]+pr[1]-1) > 1e-12 {
		t.Errorf("dangling PageRank = %v, want [%.9f %.9f]", pr, want, 1-want)
	}
}

func TestHeuristics(t *testing.T) {
	g := star(t, 6)
	top, err := TopK(Degrees(g), 2)
	if err != nil || top[0] != 0 || top[1] != 1 {
		t.Errorf("TopK(degree, 2) on a star = %v, %v; want [0 1] (centre, then the smallest leaf)", top, err)
	}
	pr, err := TopK(PageRank(g, 0.85, 1e-12, 1000), 1)
	if err != nil || pr[0] != 0 {
		t.Errorf("PageRank top of a star = %v, want the centre", pr)
	}
	r, err := RandomSeeds(g, 6, tensor.NewRNG(1))
	if err != nil || len(r) != 6 {
		t.Fatalf("RandomSeeds(6 of 6) = %v, %v", r, err)
	}
	s := slices.Clone(r)
	slices.Sort(s)
	if !slices.Equal(s, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("RandomSeeds(6 of 6) = %v, want a permutation", r)
	}
	for _, k := range []int{0, 7} {
		if _, err := TopK(Degrees(g), k); err == nil {
			t.Errorf("TopK(k=%d) of 6 nodes: want an error", k)
		}
		if _, err := RandomSeeds(g, k, tensor.NewRNG(1)); err == nil {
			t.Errorf("RandomSeeds(k=%d) of 6 nodes: want an error", k)
		}
		ws, _ := SampleWorlds(g, IC{P: 0.1}, 2, 1)
		if _, err := CELF(ws, k); err == nil {
			t.Errorf("CELF(k=%d) of 6 nodes: want an error", k)
		}
	}
}

// TestCELFBeatsHeuristics chooses seeds on miserables (IC, p = 0.1) with
// CELF on 1,000 worlds, and checks on 2,000 fresh runs, shared by every
// method (a paired comparison), that CELF spreads at least as far as the
// degree, PageRank and random seeds at every k = 1…4, allowing three
// standard errors of Monte-Carlo noise. Budget: well under a second.
func TestCELFBeatsHeuristics(t *testing.T) {
	g, err := ReadGraph("testdata/miserables.json", false)
	if err != nil {
		t.Fatal(err)
	}
	m := IC{P: 0.1}
	ws, err := SampleWorlds(g, m, 1000, 21)
	if err != nil {
		t.Fatal(err)
	}
	pr := PageRank(g, 0.85, 1e-12, 1000)
	for k := 1; k <= 4; k++ {
		sel, err := CELF(ws, k)
		if err != nil {
			t.Fatal(err)
		}
		celf, err := MonteCarlo(g, m, sel.Seeds, 0, 2000, 22)
		if err != nil {
			t.Fatal(err)
		}
		deg, _ := TopK(Degrees(g), k)
		top, _ := TopK(pr, k)
		rnd, _ := RandomSeeds(g, k, tensor.NewRNG(uint64(k)))
		for name, seeds := range map[string][]int{"degree": deg, "pagerank": top, "random": rnd} {
			s, err := MonteCarlo(g, m, seeds, 0, 2000, 22)
			if err != nil {
				t.Fatal(err)
			}
			if celf.Mean < s.Mean-3*math.Hypot(celf.SE, s.SE) {
				t.Errorf("k = %d: CELF %v spreads %.2f ± %.2f, %s %v %.2f ± %.2f", k, g.NamesOf(sel.Seeds), celf.Mean, celf.SE, name, g.NamesOf(seeds), s.Mean, s.SE)
			}
		}
	}
}

// TestWorldsStreams checks that world w depends only on (seed, w): the
// parallel sampler equals drawing each world alone from RunRNG(seed, w).
func TestWorldsStreams(t *testing.T) {
	g, err := ReadGraph("testdata/miserables.json", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []LiveEdge{IC{P: 0.2}, LT{}} {
		ws, err := SampleWorlds(g, m, 40, 5)
		if err != nil {
			t.Fatal(err)
		}
		for w := range ws.Len() {
			adj := make([][]int32, g.N())
			m.live(g, RunRNG(5, w), adj)
			var head []int32
			for _, vs := range adj {
				head = append(head, vs...)
			}
			if !slices.Equal(head, ws.head[w]) {
				t.Fatalf("%v world %d: %d live arcs in parallel, %d alone", m, w, len(ws.head[w]), len(head))
			}
		}
	}
}
