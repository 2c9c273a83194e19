package molecule

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// seeds returns the SMILES of testdata/seeds.smi.
func seeds(t testing.TB) []string {
	f, err := os.Open("testdata/seeds.smi")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustParse(t testing.TB, smiles string) *Molecule {
	t.Helper()
	m, err := Parse(smiles)
	if err != nil {
		t.Fatalf("Parse(%q): %v", smiles, err)
	}
	return m
}

func mustCanonical(t testing.TB, m *Molecule) string {
	t.Helper()
	s, err := m.Canonical()
	if err != nil {
		t.Fatalf("Canonical(%s): %v", summary(m), err)
	}
	return s
}

func TestCanonicalSameMolecule(t *testing.T) {
	groups := [][]string{
		{"CCO", "OCC", "C(O)C", "[CH3][CH2][OH]"},
		{"c1ccccc1", "C1=CC=CC=C1", "C=1C=CC=CC=1", "C1C=CC=CC=1"},
		{"c1ccc2ccccc2c1", "C1=CC=C2C=CC=CC2=C1", "C1=CC2=CC=CC=C2C=C1"},
		{"OC(=O)c1ccccc1", "c1ccc(cc1)C(=O)O", "O=C(O)C1=CC=CC=C1"},
		{"N[C@@H](C)C(=O)O", "C[C@H](N)C(O)=O", "NC(C)C(=O)O"},
		{"CC(C)(C)C", "C(C)(C)(C)C"},
		{"c1cc[nH]c1", "C1=CNC=C1", "N1C=CC=C1"},
		{"[NH4+].[Cl-]", "[Cl-].[NH4+]"},
		{"Cn1cnc2c1c(=O)n(C)c(=O)n2C", "CN1C(=O)N(C)C2=C(N(C)C=N2)C1=O"},
	}
	for _, g := range groups {
		want := mustCanonical(t, mustParse(t, g[0]))
		for _, s := range g[1:] {
			if got := mustCanonical(t, mustParse(t, s)); got != want {
				t.Errorf("Canonical(%q) = %q, Canonical(%q) = %q, want equal", s, got, g[0], want)
			}
		}
	}
}

func TestCanonicalDifferentMolecules(t *testing.T) {
	distinct := []string{
		"CCO", "COC", "C=CC", "C1CC1", "C1CC1.C1CC1", "C1CCCCC1",
		"Cc1ccccc1C", "Cc1cccc(C)c1", "Cc1ccc(C)cc1", "[13CH3]C", "CC",
		"C[N+](=O)[O-]", "C[N+]([O-])=O.C", "c1ccccc1O", "c1ccccc1C",
		"C1=CC=CCC1", "C1=CCC=CC1",
	}
	seen := map[string]string{}
	for _, s := range distinct {
		c := mustCanonical(t, mustParse(t, s))
		if prev, ok := seen[c]; ok {
			t.Errorf("Canonical(%q) = Canonical(%q) = %q, want different", s, prev, c)
		}
		seen[c] = s
	}
}

// TestCanonicalPermutationInvariant shuffles the atoms of every seed
// molecule and checks that the canonical string does not move, and that the
// shuffled molecule is Isomorphic to the original.
func TestCanonicalPermutationInvariant(t *testing.T) {
	rng := tensor.NewRNG(1)
	for _, s := range seeds(t) {
		m := mustParse(t, s)
		want := mustCanonical(t, m)
		for trial := range 10 {
			p, err := m.Permute(rng.Perm(len(m.Atoms)))
			if err != nil {
				t.Fatal(err)
			}
			if got := mustCanonical(t, p); got != want {
				t.Errorf("%q permutation %d: Canonical = %q, want %q", s, trial, got, want)
			}
			if !Isomorphic(m, p) {
				t.Errorf("%q permutation %d: Isomorphic = false, want true", s, trial)
			}
		}
	}
}

// TestRoundTrip writes every seed (stored order and canonical) and reads it
// back: the same molecule, and the same canonical string.
func TestRoundTrip(t *testing.T) {
	for _, s := range seeds(t) {
		m := mustParse(t, s)
		want := mustCanonical(t, m)
		plain, err := m.SMILES()
		if err != nil {
			t.Fatalf("SMILES(%q): %v", s, err)
		}
		for _, out := range []string{plain, want} {
			back, err := Parse(out)
			if err != nil {
				t.Errorf("%q written as %q does not parse: %v", s, out, err)
				continue
			}
			if !Isomorphic(m, back) {
				t.Errorf("%q written as %q reads back as %s, want %s", s, out, summary(back), summary(m))
			}
			if got := mustCanonical(t, back); got != want {
				t.Errorf("%q written as %q: Canonical = %q, want %q", s, out, got, want)
			}
		}
		if strings.ContainsAny(want, "bcnops:") {
			t.Errorf("Canonical(%q) = %q has aromatic symbols, want Kekulé form", s, want)
		}
	}
}

func TestWriteForms(t *testing.T) {
	tests := []struct{ smiles, want string }{
		{"CCO", "CCO"},
		{"C=1CC1", "C=1CC1"}, // the bond symbol goes on the ring opening
		{"[NH4+]", "[NH4+]"},
		{"[O--]", "[O-2]"},
		{"[13CH4]", "[13CH4]"},
		{"[CH3]C", "CC"},     // bracket atom with its default H count is written bare
		{"[CH2]C", "[CH2]C"}, // a radical keeps its brackets
		{"c1ccccc1", "C1=CC=CC=C1"},
		{"CC(C)O", "CC(C)O"},
		{"C1CC2CC1C2", "C1CC2CC1C2"},
	}
	for _, tc := range tests {
		got, err := mustParse(t, tc.smiles).SMILES()
		if err != nil || got != tc.want {
			t.Errorf("SMILES(Parse(%q)) = %q, %v, want %q", tc.smiles, got, err, tc.want)
		}
	}
}

func TestIsomorphic(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"CCO", "OCC", true},
		{"CCO", "COC", false},
		{"C1CC1.C1CC1", "C1CCCCC1", false}, // same degrees everywhere: refinement alone cannot tell
		{"C1=CC=C2C=CC=CC2=C1", "C1=CC2=CC=CC=C2C=C1", true},
		{"C[O-]", "CO", false},
		{"[13CH4]", "C", false},
		{"C=CC=C", "C=CC=C", true},
		{"C1=CC=CCC1", "C1=CCC=CC1", false},
		{"CC", "CCC", false},
	}
	for _, tc := range tests {
		if got := Isomorphic(mustParse(t, tc.a), mustParse(t, tc.b)); got != tc.want {
			t.Errorf("Isomorphic(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
