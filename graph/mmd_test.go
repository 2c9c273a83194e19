package graph

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestKernelsKnownValues(t *testing.T) {
	cases := []struct {
		name string
		k    Kernel
		x, y []float64
		want float64
	}{
		// All mass moves one bin: W = 1.
		{"emd one bin", GaussianEMD(1, 1), []float64{1, 0}, []float64{0, 1}, math.Exp(-0.5)},
		// Half the mass moves two bins, padding y: W = 1.
		{"emd padded", GaussianEMD(1, 1), []float64{0.5, 0, 0.5}, []float64{1}, math.Exp(-0.5)},
		// Over 100 bins a move of 10 bins is 0.1, one σ.
		{"emd scaled", GaussianEMD(0.1, 100), onehot(100, 20), onehot(100, 30), math.Exp(-0.5)},
		{"emd equal", GaussianEMD(1, 1), []float64{0.2, 0.8}, []float64{0.2, 0.8}, 1},
		{"tv", GaussianTV(1), []float64{1, 0}, []float64{0, 1}, math.Exp(-0.5)},
		{"tv padded", GaussianTV(2), []float64{1, 1}, []float64{1}, math.Exp(-0.25 / 8)},
		{"l2", Gaussian(30), []float64{30, 0}, []float64{0, 0, 0}, math.Exp(-0.5)},
	}
	for _, c := range cases {
		if got := c.k(c.x, c.y); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: got %.15f, want %.15f", c.name, got, c.want)
		}
		if got, rev := c.k(c.x, c.y), c.k(c.y, c.x); got != rev {
			t.Errorf("%s: not symmetric: %v and %v", c.name, got, rev)
		}
	}
}

func onehot(n, i int) []float64 {
	v := make([]float64, n)
	v[i] = 1
	return v
}

func TestMMDSelfIsZero(t *testing.T) {
	gs := CommunitySmall(20, 1)
	s, err := Evaluate(gs, gs)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]float64{"degree": s.Degree, "clustering": s.Clustering, "orbit": s.Orbit, "orbit tv": s.OrbitTV, "spectral": s.Spectral} {
		if math.Abs(v) > 1e-12 {
			t.Errorf("MMD²(%s) of a set with itself = %g, want 0", name, v)
		}
	}
}

// TestMMDGrowsWithShift moves a set of one-dimensional histograms further
// and further from a reference: MMD² must grow each time.
func TestMMDGrowsWithShift(t *testing.T) {
	rng := tensor.NewRNG(3)
	sample := func(shift int) [][]float64 {
		var s [][]float64
		for i := 0; i < 30; i++ {
			h := make([]float64, 40)
			for j := 0; j < 20; j++ {
				h[min(39, shift+rng.Intn(6))]++
			}
			s = append(s, normalize(h))
		}
		return s
	}
	ref := sample(0)
	for name, k := range map[string]Kernel{"emd": GaussianEMD(3, 1), "tv": GaussianTV(1), "l2": Gaussian(1)} {
		prev := -1.0
		for shift := 0; shift <= 4; shift++ { // small shifts: far apart, the kernels saturate
			m, err := MMD2(ref, sample(shift), k)
			if err != nil {
				t.Fatal(err)
			}
			if m < -1e-12 || m <= prev {
				t.Errorf("%s: shift %d: MMD² %g after %g, want it larger and ≥ 0", name, shift, m, prev)
			}
			prev = m
		}
	}
	if _, err := MMD2(nil, ref, GaussianTV(1)); err == nil {
		t.Error("MMD2 accepted an empty sample")
	}
}

// TestEvaluateOrdersBaselines checks on graphs that the metrics see what
// they should: denser Erdős–Rényi graphs are further from sparse ones than
// sparse ones drawn again are.
func TestEvaluateOrdersBaselines(t *testing.T) {
	rng := tensor.NewRNG(5)
	draw := func(p float64) []*Graph {
		var gs []*Graph
		for i := 0; i < 20; i++ {
			gs = append(gs, gnp(15, p, rng))
		}
		return gs
	}
	ref := draw(0.2)
	same, err := Evaluate(ref, draw(0.2))
	if err != nil {
		t.Fatal(err)
	}
	far, err := Evaluate(ref, draw(0.5))
	if err != nil {
		t.Fatal(err)
	}
	if !(far.Degree > same.Degree && far.Clustering > same.Clustering && far.Orbit > same.Orbit && far.OrbitTV > same.OrbitTV && far.Spectral > same.Spectral) {
		t.Errorf("G(15, 0.5) against G(15, 0.2): %+v; G(15, 0.2) again: %+v; want every score larger", far, same)
	}
	if _, err := Evaluate(ref, []*Graph{mustNew(0)}); err == nil {
		t.Error("Evaluate accepted a set of only empty graphs")
	}
}
