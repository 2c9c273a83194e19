package graph

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestOrbitsMatchORCA compares Orbits with the counts of ORCA itself
// (orca node 4, as GDSS runs it) on the 20 graphs of
// testdata/reference/b.json (12 to 50 nodes), written by
// testdata/reference/reference.py.
func TestOrbitsMatchORCA(t *testing.T) {
	gs, err := ReadJSONFile("testdata/reference/b.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/reference/orca_b.txt")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSpace(string(raw)), "\n\n")
	if len(blocks) != len(gs) {
		t.Fatalf("%d ORCA blocks for %d graphs", len(blocks), len(gs))
	}
	for k, g := range gs {
		got := Orbits(g)
		rows := strings.Split(blocks[k], "\n")
		if len(rows) != g.N() {
			t.Fatalf("graph %d: %d ORCA rows for %d nodes", k, len(rows), g.N())
		}
		for v, row := range rows {
			fields := strings.Fields(row)
			for o, f := range fields {
				want, err := strconv.ParseInt(f, 10, 64)
				if err != nil || len(fields) != NumOrbits {
					t.Fatalf("graph %d node %d: bad ORCA row %q", k, v, row)
				}
				if got[v][o] != want {
					t.Errorf("graph %d (%d nodes) node %d orbit %d: got %d, ORCA %d", k, g.N(), v, o, got[v][o], want)
				}
			}
		}
	}
}

// TestEvaluateMatchesReference compares Evaluate's five MMD² values with those computed the way
// GDSS computes it (networkx, numpy, scipy and ORCA: see
// testdata/reference/reference.py) between a.json (20 community-small
// graphs) and b.json.
func TestEvaluateMatchesReference(t *testing.T) {
	a, err := ReadJSONFile("testdata/reference/a.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadJSONFile("testdata/reference/b.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/reference/values.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Degree     float64 `json:"degree"`
		Clustering float64 `json:"clustering"`
		Orbit      float64 `json:"orbit"`
		OrbitTV    float64 `json:"orbit_tv"`
		Spectral   float64 `json:"spectral"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"degree", got.Degree, want.Degree}, {"clustering", got.Clustering, want.Clustering}, {"orbit", got.Orbit, want.Orbit}, {"orbit tv", got.OrbitTV, want.OrbitTV}, {"spectral", got.Spectral, want.Spectral}} {
		if c.want <= 0 || math.Abs(c.got-c.want) > 1e-9*c.want {
			t.Errorf("%s MMD²: got %.15g, reference %.15g", c.name, c.got, c.want)
		}
	}
}
