package digress

import (
	"context"
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/internal/stattest"
	"github.com/diffusego/diffusego/tensor"
)

// tinyDist is the known-answer distribution: graphs of 3 nodes with node
// types 0/1 and edge types 0 (none)/1, 2³·2³ = 64 configurations; 90% on
// five chosen graphs and 10% spread evenly, so every configuration has
// positive probability. Configuration c has node i's type in bit i and the
// pair (0,1), (0,2), (1,2) in bits 3, 4, 5.
type tinyDist struct {
	probs  []float64
	proc   *Process
	nPreds int
}

var tinyPairs = [3][2]int{{0, 1}, {0, 2}, {1, 2}}

func newTinyDist(t testing.TB) *tinyDist {
	t.Helper()
	probs := make([]float64, 64)
	for c := range probs {
		probs[c] = 0.1 / 64
	}
	// A triangle of type-1 nodes, a path 0-1-2 of mixed types, an empty
	// graph of type-0 nodes, one edge 0-2, a triangle of type-0 nodes.
	for i, c := range []int{0b111_111, 0b011_010, 0b000_000, 0b010_001, 0b111_000} {
		probs[c] += 0.9 * []float64{0.3, 0.25, 0.2, 0.15, 0.1}[i]
	}
	mx, me := make([]float64, 2), make([]float64, 2)
	for c, p := range probs {
		for i := range 3 {
			mx[(c>>i)&1] += p / 3
			me[(c>>(3+i))&1] += p / 3
		}
	}
	proc := &Process{}
	var err error
	if proc.Nodes, err = NewMarginal(mx); err != nil {
		t.Fatal(err)
	}
	if proc.Edges, err = NewMarginal(me); err != nil {
		t.Fatal(err)
	}
	return &tinyDist{probs: probs, proc: proc}
}

// config returns the configuration index of graph b of z.
func config(z *Batch, b int) int {
	n := z.N
	c := 0
	for i := range 3 {
		c |= z.X[b*n+i] << i
	}
	for k, pr := range tinyPairs {
		c |= z.E[(b*n+pr[0])*n+pr[1]] << (3 + k)
	}
	return c
}

// Predict is the exact p(x_0 element | z_t): the posterior over the 64
// configurations, p(c)·Π_elements q(z_t | x_0 = c's element), marginalised.
func (d *tinyDist) Predict(z *Batch, ts []float64) (px, pe []float64, err error) {
	d.nPreds++
	n := z.N
	px, pe = make([]float64, z.B*n*2), make([]float64, z.B*n*n*2)
	w := make([]float64, 64)
	for b := 0; b < z.B; b++ {
		ab := d.proc.alphaBar(ts[b])
		zc := config(z, b)
		sum := 0.0
		for c, p := range d.probs {
			for i := range 3 {
				p *= d.proc.Nodes.Forward(ab, (c>>i)&1, (zc>>i)&1)
				p *= d.proc.Edges.Forward(ab, (c>>(3+i))&1, (zc>>(3+i))&1)
			}
			w[c] = p
			sum += p
		}
		for c := range w {
			p := w[c] / sum
			for i := range 3 {
				px[(b*n+i)*2+(c>>i)&1] += p
			}
			for k, pr := range tinyPairs {
				e := (c >> (3 + k)) & 1
				pe[((b*n+pr[0])*n+pr[1])*2+e] += p
				pe[((b*n+pr[1])*n+pr[0])*2+e] += p
			}
		}
	}
	return px, pe, nil
}

// With the exact denoiser and 200 steps the sampler reproduces the
// distribution over the 64 configurations: Pearson's χ² of 2000 graphs
// below the 0.999 quantile of χ²(63). With one step every element is drawn
// independently from its data marginal, which the same test rejects by
// far: it has the power to fail. Time budget: about half a second.
func TestSamplerReproducesExactDistribution(t *testing.T) {
	d := newTinyDist(t)
	const draws = 2000
	sizes := make([]int, draws)
	for i := range sizes {
		sizes[i] = 3
	}
	for _, steps := range []int{200, 1} {
		s := Sampler{Process: d.proc, Steps: steps, Batch: 500}
		gs, err := s.Sample(context.Background(), d, sizes, tensor.NewRNG(7))
		if err != nil {
			t.Fatal(err)
		}
		counts := make([]int, 64)
		bt, err := FromGraphs(gs, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		for b := range gs {
			counts[config(bt, b)]++
		}
		chi, dof := stattest.ChiSquare(counts, d.probs)
		limit := stattest.ChiSquareQuantile(dof, 3.09)
		t.Logf("%d steps: χ² = %.1f on %d dof (0.999 quantile %.1f)", steps, chi, dof, limit)
		if steps > 1 && chi > limit {
			t.Errorf("%d steps: χ² = %.1f > %.1f: the sampler does not reproduce the distribution", steps, chi, limit)
		}
		if steps == 1 && chi < 3*limit {
			t.Errorf("1 step: χ² = %.1f: want a clear rejection (> %.1f) of the independent draw", chi, 3*limit)
		}
	}
}

// The same seed gives the same graphs whatever the batch size, and a
// temperature other than 1 changes them; bad settings are refused.
func TestSamplerDeterministic(t *testing.T) {
	d := newTinyDist(t)
	sizes := []int{3, 3, 3, 3, 3, 3, 3}
	var prev []string
	for _, bs := range []int{7, 2, 1} {
		gs, err := Sampler{Process: d.proc, Steps: 20, Batch: bs}.Sample(context.Background(), d, sizes, tensor.NewRNG(3))
		if err != nil {
			t.Fatal(err)
		}
		bt, err := FromGraphs(gs, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for b := range gs {
			got = append(got, fmt.Sprint(config(bt, b)))
		}
		if prev != nil && !equalStrings(prev, got) {
			t.Fatalf("batch %d gives %v, batch 7 gave %v", bs, got, prev)
		}
		prev = got
	}
	for _, s := range []Sampler{{Process: d.proc, Steps: 0}, {Process: d.proc, Steps: 5, Temperature: -1}} {
		if _, err := s.Sample(context.Background(), d, sizes, tensor.NewRNG(1)); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
	if _, err := (Sampler{Process: d.proc, Steps: 5}).Sample(context.Background(), d, []int{0}, tensor.NewRNG(1)); err == nil {
		t.Error("a graph of 0 nodes: no error")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
