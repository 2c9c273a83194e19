package main

import (
	"testing"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// TestL2EmbeddingRanksByDistance: searching the L2 embedding by dot
// product gives baseline.KNearest's Euclidean neighbours (self excluded).
func TestL2EmbeddingRanksByDistance(t *testing.T) {
	x := tensor.NewRNG(1).Randn(200, 13)
	g, q := l2Embedding(x)
	exclude := make([]int, 200)
	for i := range exclude {
		exclude[i] = i
	}
	hits, err := search.Nearest(g, q, 5, exclude)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := baseline.KNearest(x, x, 6) // the first is the query itself
	if err != nil {
		t.Fatal(err)
	}
	for i, hs := range hits {
		for r, h := range hs {
			if h.Index != want[i][r+1] {
				t.Fatalf("query %d rank %d: row %d, want %d (Euclidean)", i, r, h.Index, want[i][r+1])
			}
		}
	}
}

// TestPrecisionKnownAnswer: two well-separated clusters of 11 points with
// their own labels give precision@10 = 1; with the labels shuffled so each
// cluster is half and half, at most 6 of 10 hits can agree.
func TestPrecisionKnownAnswer(t *testing.T) {
	rng := tensor.NewRNG(2)
	x := tensor.New(22, 4)
	labels := make([]int, 22)
	for i := range 22 {
		c := i / 11
		x.Data[i*4+c] = 10
		for j := range 4 {
			x.Data[i*4+j] += float32(rng.Normal() * 0.1)
		}
		labels[i] = c
	}
	f := search.Normalize(x)
	p, per, err := precision(f, labels)
	if err != nil {
		t.Fatal(err)
	}
	if p != 1 || per[0] != 1 || per[1] != 1 {
		t.Errorf("precision %v per class %v, want 1", p, per[:2])
	}
	for i := range labels {
		labels[i] = i % 2
	}
	if p, _, _ = precision(f, labels); p > 0.6 {
		t.Errorf("precision with mixed labels %v, want ≤ 0.6", p)
	}
}
