package baseline

import (
	"math"
	"sort"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestKNearestMatchesBruteForce(t *testing.T) {
	rng := tensor.NewRNG(6)
	train, query := rng.Randn(300, 1, 3, 5), rng.Randn(270, 1, 3, 5) // 270 > one GEMM block
	idx, dist, err := KNearest(train, query, 4)
	if err != nil {
		t.Fatal(err)
	}
	for q := range 270 {
		type cand struct {
			i int
			d float64
		}
		all := make([]cand, 300)
		for i := range 300 {
			s := 0.0
			for j := range 15 {
				d := float64(query.Data[q*15+j] - train.Data[i*15+j])
				s += d * d
			}
			all[i] = cand{i, math.Sqrt(s)}
		}
		sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d })
		for r := range 4 {
			if idx[q][r] != all[r].i || math.Abs(dist[q][r]-all[r].d) > 1e-4 {
				t.Fatalf("query %d rank %d: got (%d, %.5f), want (%d, %.5f)", q, r, idx[q][r], dist[q][r], all[r].i, all[r].d)
			}
		}
	}
}

func TestKNNDistanceOfTrainPointIsSmall(t *testing.T) {
	train := tensor.FromData([]float32{0, 0, 3, 4, 6, 8}, 3, 2)
	d, err := KNNDistance(train, tensor.FromData([]float32{0, 0}, 1, 2), 2)
	if err != nil {
		t.Fatal(err)
	}
	if d[0] != 2.5 { // (0 + 5)/2
		t.Errorf("KNNDistance = %v, want 2.5", d[0])
	}
}

func TestKNearestErrors(t *testing.T) {
	train := tensor.New(3, 1, 4, 4)
	if _, _, err := KNearest(train, tensor.New(2, 3, 4, 4), 1); err == nil {
		t.Error("query with 3 channels against 1: no error")
	} else {
		t.Log(err)
	}
	if _, _, err := KNearest(train, tensor.New(2, 1, 4, 4), 4); err == nil {
		t.Error("k > N: no error")
	}
}

func TestNearestSmallAndLargeKAgree(t *testing.T) {
	rng := tensor.NewRNG(8)
	d2 := make([]float64, 500)
	for i := range d2 {
		d2[i] = float64(rng.Intn(50)) // many ties
	}
	small := nearest(d2, 64, make([]int, 500))
	large := nearest(d2, 65, make([]int, 500))
	for i := range small {
		if small[i] != large[i] {
			t.Fatalf("rank %d: insertion gives %d, sort gives %d", i, small[i], large[i])
		}
	}
}
