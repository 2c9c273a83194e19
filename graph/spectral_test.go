package graph

import (
	"math"
	"testing"
)

func TestSpectrumKnownGraphs(t *testing.T) {
	k5 := mustNew(5)
	for i := 0; i < 5; i++ {
		for j := i + 1; j < 5; j++ {
			k5.SetEdge(i, j, 1)
		}
	}
	cases := []struct {
		name string
		g    *Graph
		want []float64
	}{
		{"edge", fromEdges(t, 2, [2]int{0, 1}), []float64{0, 2}},
		{"4-cycle", fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 0}), []float64{0, 1, 1, 2}},
		{"star", fromEdges(t, 4, [2]int{0, 1}, [2]int{0, 2}, [2]int{0, 3}), []float64{0, 1, 1, 2}},
		{"K5: 0 and n/(n−1)", k5, []float64{0, 1.25, 1.25, 1.25, 1.25}},
		{"triangle and an isolated node", fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{0, 2}), []float64{0, 0, 1.5, 1.5}},
	}
	for _, c := range cases {
		got := Spectrum(c.g)
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

func TestSpectralHistogram(t *testing.T) {
	// The edge's eigenvalues 0 and 2 fall in the first and last bins, the
	// 4-cycle's double 1 in bin ⌊(1 + 1e−5)/(2 + 1e−5)·200⌋ = 100.
	h := SpectralHistogram(fromEdges(t, 2, [2]int{0, 1}))
	if h[0] != 1 || h[SpectralBins-1] != 1 {
		t.Errorf("edge: first bin %v, last %v, want 1 and 1", h[0], h[SpectralBins-1])
	}
	h = SpectralHistogram(fromEdges(t, 4, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 0}))
	if h[100] != 2 {
		t.Errorf("4-cycle: bin 100 holds %v, want 2", h[100])
	}
}
