package molecule

import "testing"

// TestCleanUp checks that the hypervalent spellings RDKit accepts read as
// the same molecule as their charge-separated forms.
func TestCleanUp(t *testing.T) {
	tests := []struct{ name, hypervalent, separated string }{
		{"nitro", "CN(=O)=O", "C[N+](=O)[O-]"},
		{"nitrate", "ON(=O)=O", "O[N+](=O)[O-]"},
		{"diazomethane", "C=N#N", "C=[N+]=[N-]"},
		{"azide", "CN=N#N", "CN=[N+]=[N-]"},
		{"phosphorus ylide oxide", "C=P(=O)O", "C=[P+]([O-])O"},
		{"perchloric acid", "OCl(=O)(=O)=O", "O[Cl+3]([O-])([O-])[O-]"},
		{"chlorous acid", "OCl=O", "O[Cl+][O-]"},
		{"pyridine N-oxide", "c1ccn(=O)cc1", "[O-][n+]1ccccc1"},
		{"quinoline N-oxide", "O=n1cccc2ccccc12", "[O-][n+]1cccc2ccccc12"},
	}
	for _, tc := range tests {
		a, b := mustParse(t, tc.hypervalent), mustParse(t, tc.separated)
		if !Isomorphic(a, b) {
			t.Errorf("%s: Parse(%q) = %s, want the molecule of %q", tc.name, tc.hypervalent, summary(a), tc.separated)
		}
		if ca, cb := mustCanonical(t, a), mustCanonical(t, b); ca != cb {
			t.Errorf("%s: Canonical %q and %q, want equal", tc.name, ca, cb)
		}
	}
}

// TestCleanUpLeavesOthers checks that CleanUp changes nothing that RDKit's
// clean-up leaves alone: sulfones, phosphates, charged nitro.
func TestCleanUpLeavesOthers(t *testing.T) {
	for _, s := range []string{"CS(=O)(=O)C", "OP(=O)(O)O", "C[N+](=O)[O-]", "CC(=O)O", "ClC(Cl)Cl", "CP(C)(C)=O"} {
		m := mustParse(t, s)
		before := m.Clone()
		if n := m.CleanUp(); n != 0 || !Isomorphic(m, before) {
			t.Errorf("CleanUp(%q) changed %d atoms, want none", s, n)
		}
	}
	m := &Molecule{
		Atoms: []Atom{{Element: "C", Hs: 3}, {Element: "N"}, {Element: "O"}, {Element: "O"}},
		Bonds: []Bond{{0, 1, 1}, {1, 2, 2}, {1, 3, 2}},
	}
	if m.Valid() == nil {
		t.Fatal("uncharged nitro built in code is Valid before CleanUp, want a valence error")
	}
	if n := m.CleanUp(); n != 2 {
		t.Errorf("CleanUp of an uncharged nitro changed %d atoms, want 2", n)
	}
	if err := m.Valid(); err != nil {
		t.Errorf("after CleanUp: %v", err)
	}
}
