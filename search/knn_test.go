package search_test

import (
	"errors"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// bruteForce returns every gallery row's dot product with q in float64,
// sorted by decreasing similarity, ties by lower index.
func bruteForce(g *tensor.Tensor, q []float32, skip int) []search.Hit {
	n, d := g.Dim(0), g.Dim(1)
	var out []search.Hit
	sims := make([]float64, n)
	for j := range n {
		for c := range d {
			sims[j] += float64(q[c]) * float64(g.Data[j*d+c])
		}
		if j != skip {
			out = append(out, search.Hit{Index: j, Similarity: float32(sims[j])})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return sims[out[a].Index] > sims[out[b].Index] })
	return out
}

// TestNearestExact: Nearest returns the same ranking as scoring every row
// in float64, over more queries than one GEMM block (256) and with
// leave-one-out. Random Gaussian rows make near-ties (within 1e-5) rare;
// the check allows them to swap.
func TestNearestExact(t *testing.T) {
	rng := tensor.NewRNG(7)
	g := search.Normalize(rng.Randn(700, 19))
	q := search.Normalize(rng.Randn(300, 19))
	for _, exclude := range [][]int{nil, seq(300)} {
		hits, err := search.Nearest(g, q, 12, exclude)
		if err != nil {
			t.Fatal(err)
		}
		for i, hs := range hits {
			skip := -1
			if exclude != nil {
				skip = exclude[i]
			}
			want := bruteForce(g, q.Data[i*19:(i+1)*19], skip)
			if len(hs) != 12 {
				t.Fatalf("query %d: %d hits, want 12", i, len(hs))
			}
			for r, h := range hs {
				if h.Index == skip {
					t.Fatalf("query %d: hit %d is the excluded row %d", i, r, skip)
				}
				if d := math.Abs(float64(h.Similarity - want[r].Similarity)); d > 1e-5 {
					t.Fatalf("query %d rank %d: row %d similarity %v, want row %d at %v", i, r, h.Index, h.Similarity, want[r].Index, want[r].Similarity)
				}
				if h.Index != want[r].Index && math.Abs(float64(h.Similarity-want[r].Similarity)) > 1e-6 {
					t.Errorf("query %d rank %d: row %d, want row %d", i, r, h.Index, want[r].Index)
				}
			}
		}
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestNearestTies: equal similarities come back by lower index, and a
// query equal to a gallery row finds it first with similarity 1.
func TestNearestTies(t *testing.T) {
	g := tensor.FromData([]float32{0, 1, 1, 0, 0, 1, 1, 0, 0.6, 0.8}, 5, 2)
	q := tensor.FromData([]float32{1, 0}, 1, 2)
	hits, err := search.Nearest(g, q, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []search.Hit{{1, 1}, {3, 1}, {4, 0.6}, {0, 0}}
	for r, h := range hits[0] {
		if h != want[r] {
			t.Errorf("hit %d = %+v, want %+v", r, h, want[r])
		}
	}
}

func TestNearestBadInputs(t *testing.T) {
	g := search.Normalize(tensor.NewRNG(1).Randn(5, 3))
	q := search.Normalize(tensor.NewRNG(2).Randn(2, 3))
	for _, c := range []struct {
		name    string
		g, q    *tensor.Tensor
		k       int
		exclude []int
		want    string
		is      error
	}{
		{"empty gallery", tensor.New(0, 3), q, 1, nil, "empty", search.ErrEmpty},
		{"nil gallery", nil, q, 1, nil, "empty", search.ErrEmpty},
		{"dimension", g, tensor.New(2, 4), 1, nil, "want (M, 3)", search.ErrDim},
		{"k zero", g, q, 0, nil, "k 0: want 1..5", nil},
		{"k too large", g, q, 6, nil, "k 6: want 1..5", nil},
		{"k too large leaving one out", g, q, 5, []int{0, 1}, "k 5: want 1..4", nil},
		{"exclude count", g, q, 1, []int{0}, "1 rows to exclude for 2 queries", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := search.Nearest(c.g, c.q, c.k, c.exclude)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v is not %v", err, c.is)
			}
		})
	}
}
