package molgen

import (
	"testing"

	"github.com/diffusego/diffusego/graph/molecule"
)

func mustParse(t testing.TB, smiles ...string) []*molecule.Molecule {
	t.Helper()
	out := make([]*molecule.Molecule, len(smiles))
	for i, s := range smiles {
		m, err := molecule.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		out[i] = m
	}
	return out
}

// Molecules encoded as graphs and decoded back are the same molecules,
// hydrogens included (they are implicit in the graph), charges and bond
// orders kept.
func TestVocabRoundTrip(t *testing.T) {
	smiles := []string{"CCO", "C[N+](=O)[O-]", "c1ccccc1O", "C#N", "CS(=O)(=O)N", "OC(=O)C[NH3+]", "ClC(Cl)Cl",
		"C1CC1.Cl", "[O-]C(=O)C=C", "CC(=O)[S-]", "N#CC#N", "FC(F)(F)c1ccncc1"}
	ms := mustParse(t, smiles...)
	v := NewVocab(ms)
	for i, m := range ms {
		g, err := v.Graph(m)
		if err != nil {
			t.Fatalf("%s: %v", smiles[i], err)
		}
		back, err := v.Molecule(g)
		if err != nil {
			t.Fatalf("%s: %v", smiles[i], err)
		}
		want, _ := m.Canonical()
		got, err := back.Canonical()
		if err != nil || got != want || back.Valid() != nil {
			t.Errorf("%s: decoded as %q (valid: %v), want %q", smiles[i], got, back.Valid(), want)
		}
		for a := range m.Atoms {
			if back.Atoms[a].Hs != m.Atoms[a].Hs {
				t.Errorf("%s: atom %d has %d hydrogens back, want %d", smiles[i], a, back.Atoms[a].Hs, m.Atoms[a].Hs)
			}
		}
	}
	names, err := ParseVocab(v.Names())
	if err != nil || len(names.Atoms) != len(v.Atoms) {
		t.Fatalf("ParseVocab(%v) = %v, %v", v.Names(), names, err)
	}
	for i := range v.Atoms {
		if names.Atoms[i] != v.Atoms[i] {
			t.Errorf("ParseVocab: type %d = %v, want %v", i, names.Atoms[i], v.Atoms[i])
		}
	}
	if _, err := NewVocab(ms[:1]).Graph(ms[1]); err == nil {
		t.Error("a molecule with an atom type outside the vocabulary was encoded")
	}
}

func TestAtomTypeNames(t *testing.T) {
	cases := []struct {
		a    AtomType
		name string
	}{{AtomType{"C", 0}, "C"}, {AtomType{"N", 1}, "N+"}, {AtomType{"O", -1}, "O-"}, {AtomType{"S", 2}, "S+2"}, {AtomType{"Cl", -2}, "Cl-2"}}
	for _, c := range cases {
		if got := c.a.String(); got != c.name {
			t.Errorf("%v.String() = %q, want %q", c.a, got, c.name)
		}
		if back, err := ParseAtomType(c.name); err != nil || back != c.a {
			t.Errorf("ParseAtomType(%q) = %v, %v; want %v", c.name, back, err, c.a)
		}
	}
	for _, bad := range [][]string{{""}, {"+"}, {"Xx"}, {"N+x"}, {"C", "C"}, {}} {
		if _, err := ParseVocab(bad); err == nil {
			t.Errorf("ParseVocab(%q) accepted", bad)
		}
	}
}

// Decoding corrects nothing: an over-bonded carbon stays one and is
// invalid; hydrogens fill each atom to its smallest allowed valence.
func TestDecodeNoCorrection(t *testing.T) {
	v := Vocab{Atoms: []AtomType{{"C", 0}, {"N", 1}, {"O", -1}, {"S", 0}}}
	ms := mustParse(t, "C(C)(C)(C)C")
	g, err := v.Graph(ms[0])
	if err != nil {
		t.Fatal(err)
	}
	_ = g.SetEdge(0, 1, 2) // the neopentane centre (atom 1) now has valence 5
	m, err := v.Molecule(g)
	if err != nil {
		t.Fatal(err)
	}
	if m.Valid() == nil {
		t.Errorf("a carbon of valence 5 decoded as a valid molecule")
	}
	cases := []struct {
		a       AtomType
		sum, hs int
	}{{AtomType{"C", 0}, 1, 3}, {AtomType{"C", 0}, 5, 0}, {AtomType{"N", 1}, 2, 2}, {AtomType{"O", -1}, 1, 0},
		{AtomType{"S", 0}, 3, 1}, {AtomType{"S", 0}, 1, 1}, {AtomType{"Xx", 0}, 1, 0}}
	for _, c := range cases {
		if got := ImplicitHs(c.a, c.sum); got != c.hs {
			t.Errorf("ImplicitHs(%v, %d) = %d, want %d", c.a, c.sum, got, c.hs)
		}
	}
}
