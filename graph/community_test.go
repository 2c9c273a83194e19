package graph

import (
	"os"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// TestFixedCommunitiesMatchNetworkx compares the fixed communities with
// testdata/gnp_seeded.edges: networkx's gnp_random_graph(c, 0.7, seed=s)
// for c = 6…10 and s = 0, 1, written by testdata/gnp_seeded.py.
func TestFixedCommunitiesMatchNetworkx(t *testing.T) {
	want, err := ReadEdgeListFile("testdata/gnp_seeded.edges")
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 10 {
		t.Fatalf("%d graphs in the golden file, want 10", len(want))
	}
	k := 0
	for c := 6; c <= 10; c++ {
		// One graph of 2c nodes: its two communities are the golden pair.
		cfg := CommunitySmallConfig()
		cfg.MinNodes, cfg.MaxNodes = 2*c, 2*c
		gs, err := cfg.Generate(1, tensor.NewRNG(uint64(c)))
		if err != nil {
			t.Fatal(err)
		}
		g := gs[0]
		for s := 0; s < 2; s++ {
			w := want[k]
			k++
			for a := 0; a < c; a++ {
				for b := a + 1; b < c; b++ {
					wantEdge := a < w.N() && b < w.N() && w.Has(a, b)
					if g.Has(s*c+a, s*c+b) != wantEdge {
						t.Errorf("size %d seed %d: edge %d-%d: got %v, want %v", c, s, a, b, !wantEdge, wantEdge)
					}
				}
			}
		}
	}
}

func TestPyRandom(t *testing.T) {
	// random.Random(0).random() and random.Random(1).random() in CPython.
	if got := newPyRandom(0).random(); got != 0.8444218515250481 {
		t.Errorf("seed 0: %v, want 0.8444218515250481", got)
	}
	if got := newPyRandom(1).random(); got != 0.13436424411240122 {
		t.Errorf("seed 1: %v, want 0.13436424411240122", got)
	}
}

func TestCommunitySmall(t *testing.T) {
	gs := CommunitySmall(100, 1)
	again := CommunitySmall(100, 1)
	sizes := map[int]int{}
	for i, g := range gs {
		if !g.Equal(again[i]) {
			t.Fatalf("graph %d differs between two draws with one seed", i)
		}
		sizes[g.N()]++
		c := g.N() / 2
		if len(Components(g)) != 1 {
			t.Errorf("graph %d is not connected", i)
		}
		bridges := 0
		for _, e := range g.Edges() {
			if (e.Source < c) != (e.Target < c) {
				bridges++
			}
		}
		if bridges < 1 || bridges > 6 {
			t.Errorf("graph %d: %d bridges, want 1 to a few", i, bridges)
		}
	}
	for n := range sizes {
		if n%2 != 0 || n < 12 || n > 20 {
			t.Errorf("a graph of %d nodes; want 12, 14, …, 20", n)
		}
	}
	if len(sizes) != 5 {
		t.Errorf("sizes %v: want all five of 12…20", sizes)
	}
	fresh := CommunitySmallConfig()
	fresh.Fixed = false
	fs, err := fresh.Generate(2, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	if fs[0].N() == fs[1].N() && fs[0].Equal(fs[1]) {
		t.Error("fresh communities repeat")
	}
	if _, err := CommunitySmallConfig().Generate(-1, tensor.NewRNG(1)); err == nil {
		t.Error("Generate accepted a count of -1")
	}
	if _, err := (Community{K: 1}).Generate(1, tensor.NewRNG(1)); err == nil || !strings.Contains(err.Error(), "K ≥ 2") {
		t.Errorf("bad config: %v", err)
	}
}

func TestSplit(t *testing.T) {
	gs := CommunitySmall(100, 2)
	train, test, err := Split(gs, 0.2, 9)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 80 || len(test) != 20 {
		t.Fatalf("split %d/%d, want 80/20", len(train), len(test))
	}
	seen := map[*Graph]bool{}
	for _, g := range append(append([]*Graph(nil), train...), test...) {
		if seen[g] {
			t.Fatal("a graph is in the split twice")
		}
		seen[g] = true
	}
	_, test2, _ := Split(gs, 0.2, 9)
	_, test3, _ := Split(gs, 0.2, 10)
	if test2[0] != test[0] || (test3[0] == test[0] && test3[1] == test[1]) {
		t.Error("the split does not follow the seed")
	}
	if _, _, err := Split(gs, 1.5, 1); err == nil {
		t.Error("Split accepted a fraction of 1.5")
	}
}

func TestErdosRenyi(t *testing.T) {
	like := CommunitySmall(100, 4)
	er, err := ErdosRenyi(like, 400, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	p, q := EdgeDensity(like), EdgeDensity(er)
	// 400 graphs of ~16 nodes hold ~48,000 pairs: the density's standard
	// error is about 0.0023.
	if d := q - p; d > 0.01 || d < -0.01 {
		t.Errorf("density %.4f, data %.4f", q, p)
	}
	sizes := map[int]bool{}
	for _, g := range like {
		sizes[g.N()] = true
	}
	for _, g := range er {
		if !sizes[g.N()] {
			t.Fatalf("a graph of %d nodes, which the data never has", g.N())
		}
	}
	if _, err := ErdosRenyi(like, -1, tensor.NewRNG(1)); err == nil {
		t.Error("ErdosRenyi accepted a count of -1")
	}
	if _, err := ErdosRenyi(nil, 1, tensor.NewRNG(1)); err == nil {
		t.Error("ErdosRenyi accepted no data")
	}
}

func TestGoldenFileScript(t *testing.T) {
	if _, err := os.Stat("testdata/gnp_seeded.py"); err != nil {
		t.Errorf("the script that wrote testdata/gnp_seeded.edges is missing: %v", err)
	}
}
