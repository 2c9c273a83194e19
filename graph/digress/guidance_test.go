package digress

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/tensor"
)

// condModel is a tiny model with the valence input and 2 classes: class 0
// graphs have 3 nodes, class 1 graphs 5.
func condModel(t testing.TB) *Model {
	t.Helper()
	c := DefaultConfig(2, 3, []float64{0.6, 0.4}, []float64{0.7, 0.2, 0.1}, []int{3, 5})
	c.Layers, c.DX, c.DE, c.DY, c.FFX, c.FFE = 2, 8, 4, 4, 8, 6
	c.Valence, c.Classes, c.CondDrop = true, 2, 0.5
	c.ClassSizeCounts = [][]int{{0, 0, 0, 1, 0, 0}, {0, 0, 0, 0, 0, 1}}
	m, err := NewModel(c, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The conditional model with the valence input has finite-difference
// gradients; its prediction depends on the class; and "no class" (−1) is
// the same input as no Cond at all.
func TestConditionalModel(t *testing.T) {
	m := condModel(t)
	rng := tensor.NewRNG(2)
	gs := []*graph.Graph{randomGraph(rng, 5, 2, 3), randomGraph(rng, 3, 2, 3)}
	x0, err := FromGraphs(gs, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0.3, 0.8}
	z := m.Process.Noise(x0, ts, tensor.NewRNG(3))
	z.Cond = []int{1, -1}
	ps := m.Params()
	check := []*autograd.Var{m.InX1.Weight.V, m.InY1.Weight.V, ps[len(ps)-1].V}
	gradcheck.CheckN(t, func(g *autograd.Graph, _ ...*autograd.Var) *autograd.Var {
		return m.Loss(g, x0, z, ts)
	}, nil, gradcheck.Tol{Rel: 3e-2, Abs: 3e-3}, check...)

	pred := func(cond []int) []float64 {
		zc := *z
		zc.Cond = cond
		px, _, err := m.Predict(&zc, ts)
		if err != nil {
			t.Fatal(err)
		}
		return px
	}
	none, minus, c0, c1 := pred(nil), pred([]int{-1, -1}), pred([]int{0, 0}), pred([]int{1, 1})
	same, diff := true, 0.0
	for i := range none {
		same = same && none[i] == minus[i]
		diff = max(diff, math.Abs(c0[i]-c1[i]))
	}
	if !same {
		t.Error("Cond −1 and nil Cond give different predictions")
	}
	if diff < 1e-6 {
		t.Errorf("classes 0 and 1 give the same prediction (largest difference %g)", diff)
	}
}

// guide on hand-computed rows: w = 0 keeps p_c; p_c = p_u is a fixed point;
// p_c = (½, ½), p_u = (0.8, 0.2), w = 1 gives p_c²/p_u ∝ (0.3125, 1.25), that
// is (0.2, 0.8).
func TestGuide(t *testing.T) {
	cases := []struct {
		name   string
		pc, pu []float64
		w      float64
		want   []float64
	}{
		{"w 0", []float64{0.3, 0.7}, []float64{0.9, 0.1}, 0, []float64{0.3, 0.7}},
		{"equal", []float64{0.2, 0.5, 0.3}, []float64{0.2, 0.5, 0.3}, 2, []float64{0.2, 0.5, 0.3}},
		{"hand", []float64{0.5, 0.5}, []float64{0.8, 0.2}, 1, []float64{0.2, 0.8}},
		{"two rows", []float64{0.5, 0.5, 1, 0}, []float64{0.8, 0.2, 0.5, 0.5}, 1, []float64{0.2, 0.8, 1, 0}},
	}
	for _, c := range cases {
		k := 2
		if len(c.pc) == 3 {
			k = 3
		}
		p := append([]float64(nil), c.pc...)
		guide(p, c.pu, k, c.w)
		for i := range p {
			if math.Abs(p[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s: guide = %v, want %v", c.name, p, c.want)
				break
			}
		}
	}
}

// SampleClass draws node counts from the class's sizes, gives the same
// graphs for a seed, runs with guidance, and refuses bad requests; Guided
// with w = 0 is the conditional prediction.
func TestSampleClass(t *testing.T) {
	m := condModel(t)
	for class, n := range []int{3, 5} {
		a, err := m.SampleClass(t.Context(), 4, 3, 1, class, 1.5, tensor.NewRNG(4))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.SampleClass(t.Context(), 4, 3, 1, class, 1.5, tensor.NewRNG(4))
		for i := range a {
			if a[i].N() != n || !a[i].Equal(b[i]) {
				t.Errorf("class %d graph %d: %d nodes (want %d), or differs with the same seed", class, i, a[i].N(), n)
			}
		}
	}
	for _, bad := range []struct {
		class int
		w     float64
	}{{-1, 0}, {2, 0}, {0, -1}, {0, math.NaN()}, {0, math.Inf(1)}} {
		if _, err := m.SampleClass(t.Context(), 1, 2, 1, bad.class, bad.w, tensor.NewRNG(1)); err == nil {
			t.Errorf("SampleClass(class %d, w %v): no error", bad.class, bad.w)
		}
	}
	if _, err := tinyModel(t, []int{3}).SampleClass(t.Context(), 1, 2, 1, 0, 0, tensor.NewRNG(1)); err == nil {
		t.Error("SampleClass of an unconditional model: no error")
	}
	z := NewBatch([]int{3, 5})
	gx, _, err := Guided{Model: m, Class: 1}.Predict(z, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	z.Cond = []int{1, 1}
	px, _, _ := m.Predict(z, []float64{0.5, 0.5})
	for i := range px {
		if px[i] != gx[i] {
			t.Fatalf("Guided with w = 0 differs from the conditional prediction at %d", i)
		}
	}
}

// A conditional model's task needs labels, one valid class per graph.
func TestTaskLabels(t *testing.T) {
	m := condModel(t)
	rng := tensor.NewRNG(6)
	gs := []*graph.Graph{randomGraph(rng, 3, 2, 3), randomGraph(rng, 5, 2, 3)}
	task, err := NewTask(m, gs, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := task.Loss(autograd.NoGrad(), 0, tensor.NewRNG(1)); err == nil {
		t.Error("Loss of a conditional model without labels: no error")
	}
	for _, bad := range [][]int{{0}, {0, 2}, {-1, 0}} {
		if err := task.SetLabels(bad); err == nil {
			t.Errorf("SetLabels(%v): no error", bad)
		}
	}
	if err := task.SetLabels([]int{0, 1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := task.Loss(autograd.NoGrad(), 0, tensor.NewRNG(1)); err != nil {
		t.Fatal(err)
	}
	plain, _ := NewTask(tinyModel(t, []int{3, 5}), gs, 2, 1)
	if err := plain.SetLabels([]int{0, 1}); err == nil {
		t.Error("labels for an unconditional model: no error")
	}
	c := m.Config
	c.ClassSizeCounts = c.ClassSizeCounts[:1]
	if c.Validate() == nil {
		t.Error("a config with 2 classes and one size table validated")
	}
}
