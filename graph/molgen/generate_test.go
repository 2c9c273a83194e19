package molgen

import (
	"context"
	"testing"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/digress"
	"github.com/diffusego/diffusego/tensor"
)

// tinyGenerator is an untrained conditional model on a few molecules.
func tinyGenerator(t *testing.T) Generator {
	t.Helper()
	ms := mustParse(t, "CCO", "C1CC1", "CC(=O)N", "C1CCC2CC12", "C[N+](=O)[O-]")
	v := NewVocab(ms)
	gs := make([]*graph.Graph, len(ms))
	sizes := make([]int, len(ms))
	for i, m := range ms {
		gs[i], _ = v.Graph(m)
		sizes[i] = len(m.Atoms)
	}
	mx, me, err := digress.Marginals(gs, len(v.Atoms), BondTypes)
	if err != nil {
		t.Fatal(err)
	}
	c := digress.DefaultConfig(len(v.Atoms), BondTypes, mx, me, sizes)
	c.Layers, c.DX, c.DE, c.DY, c.FFX, c.FFE = 1, 8, 4, 4, 8, 4
	c.Valence, c.Classes = true, RingClasses
	c.ClassSizeCounts = make([][]int, RingClasses)
	for k := range c.ClassSizeCounts {
		c.ClassSizeCounts[k] = make([]int, c.MaxN+1)
	}
	for _, m := range ms {
		c.ClassSizeCounts[RingClass(m)][len(m.Atoms)]++
	}
	model, err := digress.NewModel(c, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return Generator{Model: model, Vocab: v}
}

// Sample gives the same molecules for a seed, in every class mode; a
// class's molecules have that class's sizes; bad classes and a vocabulary
// of the wrong size are refused.
func TestGeneratorSample(t *testing.T) {
	g := tinyGenerator(t)
	for _, class := range []int{AnyClass, NoClass, 0, 2} {
		o := Options{N: 6, Steps: 3, Temperature: 1, Class: class, Guidance: 0.5, Seed: 7}
		a, gs, err := g.Sample(t.Context(), o)
		if err != nil {
			t.Fatalf("class %d: %v", class, err)
		}
		b, _, _ := g.Sample(t.Context(), o)
		for i := range a {
			sa, sb := summary(a[i]), summary(b[i])
			if sa != sb || len(a[i].Atoms) != gs[i].N() {
				t.Errorf("class %d sample %d: %s, then %s with the same seed", class, i, sa, sb)
			}
			if class == 2 && len(a[i].Atoms) != 6 { // C1CCC2CC12, the one 2-ring molecule
				t.Errorf("class 2 sample %d has %d atoms, want 6", i, len(a[i].Atoms))
			}
		}
	}
	if _, _, err := g.Sample(t.Context(), Options{N: 1, Steps: 1, Class: 3}); err == nil {
		t.Error("class 3 of 3: no error")
	}
	bad := g
	bad.Vocab.Atoms = bad.Vocab.Atoms[1:]
	if _, _, err := bad.Sample(t.Context(), Options{N: 1, Steps: 1}); err == nil {
		t.Error("a vocabulary smaller than the model's node categories: no error")
	}
}

// summary writes a molecule's atoms and bonds for comparisons.
func summary(m interface{ SMILES() (string, error) }) string {
	s, err := m.SMILES()
	if err != nil {
		return "invalid: " + err.Error()
	}
	return s
}

// StepCount is the number of reverse steps Sample reports through
// digress.Model.OnStep, in every class mode, and OnStep does not change
// the molecules.
func TestStepCountMatchesOnStep(t *testing.T) {
	g := tinyGenerator(t)
	for _, o := range []Options{{N: 5, Steps: 3, Temperature: 1, Class: AnyClass, Seed: 4}, {N: 40, Steps: 2, Temperature: 1, Class: 1, Seed: 1},
		{N: 3, Steps: 2, Temperature: 1, Class: NoClass, Seed: 2}} {
		plain, _, err := g.Sample(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		g.Model.OnStep = func() { calls++ }
		counted, _, err := g.Sample(context.Background(), o)
		g.Model.OnStep = nil
		if err != nil {
			t.Fatal(err)
		}
		if want := g.StepCount(o); calls != want || want == 0 {
			t.Errorf("%+v: %d steps reported, StepCount %d", o, calls, want)
		}
		for i := range plain {
			a, _ := plain[i].Canonical()
			b, _ := counted[i].Canonical()
			if a != b {
				t.Fatalf("%+v: molecule %d is %q with OnStep, %q without", o, i, b, a)
			}
		}
	}
}
