package molgen

import (
	"slices"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// The baselines draw sizes from the training sizes and are deterministic
// in the seed; the assembly respects valences by construction, so every
// molecule is valid, and its atom-type frequencies approach m_X.
func TestBaselines(t *testing.T) {
	train := mustParse(t, "CCO", "C1CC1", "CC(=O)N", "C#N", "OCC(O)CO", "c1ccccc1", "CS", "C[N+](=O)[O-]")
	v := NewVocab(train)
	f, err := NewFrequencies(v, train)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[int]bool{}
	for _, m := range train {
		sizes[len(m.Atoms)] = true
	}
	const n = 400
	marg := f.Marginal(n, tensor.NewRNG(1))
	asm := f.Assemble(n, tensor.NewRNG(1))
	counts := make([]float64, len(v.Atoms))
	atoms := 0.0
	for i := range n {
		if !sizes[marg[i].N()] || !sizes[len(asm[i].Atoms)] {
			t.Fatalf("sample %d: sizes %d and %d, not among the training sizes", i, marg[i].N(), len(asm[i].Atoms))
		}
		if err := asm[i].Valid(); err != nil {
			t.Fatalf("assembled molecule %d is invalid: %v", i, err)
		}
		for _, a := range asm[i].Atoms {
			counts[slices.Index(v.Atoms, AtomType{a.Element, a.Charge})]++
			atoms++
		}
	}
	for k, p := range f.Atoms {
		if got := counts[k] / atoms; got < p-0.06 || got > p+0.06 {
			t.Errorf("atom type %v: frequency %.3f in the assembly, want about %.3f", v.Atoms[k], got, p)
		}
	}
	again := f.Marginal(n, tensor.NewRNG(1))
	for i := range again {
		if !again[i].Equal(marg[i]) {
			t.Fatalf("Marginal with the same seed differs at %d", i)
		}
	}
	if _, err := NewFrequencies(v, nil); err == nil {
		t.Error("frequencies of no molecules: no error")
	}
}
