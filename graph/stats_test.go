package graph

import (
	"slices"
	"testing"
)

func TestDegreeHistogram(t *testing.T) {
	star := fromEdges(t, 5, [2]int{0, 1}, [2]int{0, 2}, [2]int{0, 3}) // node 4 isolated
	if got, want := DegreeHistogram(star), []float64{1, 3, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("star: got %v, want %v", got, want)
	}
	if h := DegreeHistogram(mustNew(0)); len(h) != 0 {
		t.Errorf("empty graph: %v", h)
	}
}

func TestClustering(t *testing.T) {
	// A diamond: nodes 1 and 2 (degree 3) close 2 of their 3 pairs, nodes
	// 0 and 3 (degree 2) close their one pair; node 4 hangs off 3.
	g := fromEdges(t, 5, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 2}, [2]int{1, 3}, [2]int{2, 3}, [2]int{3, 4})
	want := []float64{1, 2.0 / 3, 2.0 / 3, 1.0 / 3, 0}
	if got := Clustering(g); !slices.Equal(got, want) {
		t.Errorf("Clustering = %v, want %v", got, want)
	}
	h := ClusteringHistogram(g, 100)
	if h[99] != 1 || h[66] != 2 || h[33] != 1 || h[0] != 1 {
		t.Errorf("histogram bins 0, 33, 66, 99 = %v %v %v %v", h[0], h[33], h[66], h[99])
	}
}

// TestBinOfMatchesNumpy checks values whose scaled value rounds across a
// bin edge; the wanted bins are numpy.histogram's (numpy 1.24.2, range (0, 1),
// 100 bins).
func TestBinOfMatchesNumpy(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want int
	}{{0, 0}, {0.07, 7}, {0.29, 29}, {0.57, 56}, {0.7, 69}, {1.0 / 3, 33}, {2.0 / 3, 66}, {0.14, 14}, {0.56, 56}, {0.9, 90}, {1, 99}} {
		if got := binOf(c.v, 100); got != c.want {
			t.Errorf("binOf(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}
