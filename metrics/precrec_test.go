package metrics

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestPrecisionRecallHandCases(t *testing.T) {
	x := tensor.NewRNG(1).Randn(50, 4)
	far := x.Clone()
	for i := range far.Data {
		far.Data[i] += 100
	}
	line := tensor.FromData([]float32{0, 1, 2, 3, 4}, 5, 1)
	cases := []struct {
		name           string
		real, fake     *tensor.Tensor
		k              int
		precision, rec float64
	}{
		{"identical sets", x, x.Clone(), 3, 1, 1},
		{"disjoint far sets", x, far, 3, 0, 0},
		// Real 0…4 with k = 1 has radius 1 everywhere: 0.5 is covered and
		// 10 is not. The two fake points are each other's neighbour at
		// distance 9.5, which covers all of 0…4.
		{"line", line, tensor.FromData([]float32{0.5, 10}, 2, 1), 1, 0.5, 1},
		// Boundary counts as inside: −1 and 5 are exactly radius 1 from 0
		// and 4 (the sets' mean, 2, is exact, so is every distance).
		{"on the boundary", line, tensor.FromData([]float32{-1, 5}, 2, 1), 1, 1, 1},
		// The two fake 2s are each other's nearest neighbour at distance
		// 0, so their balls hold only 2 itself: recall 1/5.
		{"duplicates", line, tensor.FromData([]float32{2, 2}, 2, 1), 1, 1, 0.2},
	}
	for _, c := range cases {
		p, r, err := PrecisionRecall(c.real, c.fake, c.k)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p != c.precision || r != c.rec {
			t.Errorf("%s: precision, recall = %v, %v, want %v, %v", c.name, p, r, c.precision, c.rec)
		}
	}
}

func TestPrecisionRecallGolden(t *testing.T) {
	g := readGolden(t).PrecRec
	real := tensor.FromData(g.Real, len(g.Real)/g.D, g.D)
	fake := tensor.FromData(g.Fake, len(g.Fake)/g.D, g.D)
	p, r, err := PrecisionRecall(real, fake, g.K)
	if err != nil {
		t.Fatal(err)
	}
	// Counts of points, so exact unless a distance sits on a radius to
	// within rounding (not the case for these random points).
	if p != g.Precision || r != g.Recall {
		t.Errorf("precision, recall = %v, %v, numpy %v, %v", p, r, g.Precision, g.Recall)
	}
}

// TestPrecisionRecallBlocks crosses the 256-row block boundary and checks
// against brute force in float64.
func TestPrecisionRecallBlocks(t *testing.T) {
	rng := tensor.NewRNG(4)
	real, fake := rng.Randn(300, 3), rng.Randn(270, 3)
	for i := range fake.Data {
		fake.Data[i] = fake.Data[i]*1.3 + 0.4
	}
	p, r, err := PrecisionRecall(real, fake, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantP := bruteCovered(fake, real, 3)
	wantR := bruteCovered(real, fake, 3)
	if p != wantP || r != wantR {
		t.Errorf("precision, recall = %v, %v, brute force %v, %v", p, r, wantP, wantR)
	}
}

// bruteCovered is the fraction of q inside some k-NN ball of ref, all in
// direct float64 distances.
func bruteCovered(q, ref *tensor.Tensor, k int) float64 {
	n, d := ref.Dim(0), ref.Dim(1)
	dist := func(a *tensor.Tensor, i int, b *tensor.Tensor, j int) float64 {
		var s float64
		for c := range d {
			x := float64(a.Data[i*d+c]) - float64(b.Data[j*d+c])
			s += x * x
		}
		return math.Sqrt(s)
	}
	radii := make([]float64, n)
	for i := range n {
		var ds []float64
		for j := range n {
			if j != i {
				ds = append(ds, dist(ref, i, ref, j))
			}
		}
		for a := range k { // partial selection sort
			for b := a + 1; b < len(ds); b++ {
				if ds[b] < ds[a] {
					ds[a], ds[b] = ds[b], ds[a]
				}
			}
		}
		radii[i] = ds[k-1]
	}
	covered := 0
	for i := range q.Dim(0) {
		for j := range n {
			if dist(q, i, ref, j) <= radii[j] {
				covered++
				break
			}
		}
	}
	return float64(covered) / float64(q.Dim(0))
}

func TestPrecisionRecallErrors(t *testing.T) {
	a := tensor.New(10, 2)
	if _, _, err := PrecisionRecall(a, a, 0); err == nil {
		t.Error("k = 0: no error")
	}
	if _, _, err := PrecisionRecall(a, tensor.New(3, 2), 3); err == nil {
		t.Error("3 fake points with k = 3: no error")
	}
	if _, _, err := PrecisionRecall(a, tensor.New(10, 3), 3); err == nil {
		t.Error("feature sizes 2 and 3: no error")
	}
}

func BenchmarkPrecisionRecall2000x128(b *testing.B) {
	rng := tensor.NewRNG(1)
	x, y := rng.Randn(2000, 128), rng.Randn(2000, 128)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := PrecisionRecall(x, y, 3); err != nil {
			b.Fatal(err)
		}
	}
}
