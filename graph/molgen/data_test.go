package molgen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/graph/molecule"
)

// Bad SMILES files are refused with the file and the line of the first bad
// molecule, and what is wrong with it.
func TestReadFileErrors(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		want       []string
	}{
		{"unclosed ring", "CCO ethanol\nC1CCC ring\n", 2, []string{"ring closure", "unclosed ring 1"}},
		{"unclosed branch", "# a comment\nCC\n\nCC(C propane\n", 4, []string{"branch", "unclosed branch"}},
		{"unknown element", "CC\nC[Xx]C\n", 2, []string{"unknown element", "Xx"}},
		{"impossible valence", "C\nN\nCC(C)(C)(C)C\n", 3, []string{"valence", "valence 5"}},
		{"too many hydrogens", "[CH5]\n", 1, []string{"valence"}},
		{"empty file", "", 1, []string{"no SMILES"}},
		{"only comments", "# nothing\n\n", 1, []string{"no SMILES"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mols.smi")
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(path)
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("ReadFile: %v, want a *LineError", err)
			}
			if le.Line != c.line || le.File != path {
				t.Errorf("error at %s:%d, want %s:%d (%v)", le.File, le.Line, path, c.line, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, path+":") {
				t.Errorf("error %q does not name the file and line", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "absent.smi")); err == nil || !strings.Contains(err.Error(), "absent.smi") {
		t.Errorf("a missing file: %v, want an error naming it", err)
	}
}

func TestReadFileAndSplit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mols.smi")
	text := "CCO ethanol\n# skipped\nc1ccccc1 benzene\nC[N+](=O)[O-]\nCC#N\nOCC=O\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	es, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 5 || es[1].Line != 3 || len(es[1].Mol.Atoms) != 6 {
		t.Fatalf("ReadFile: %d entries (second on line %d), want 5 (benzene on line 3)", len(es), es[1].Line)
	}
	ms := make([]*molecule.Molecule, len(es))
	for i, e := range es {
		ms[i] = e.Mol
	}
	tr, te, err := Split(ms, 0.4, 3)
	if err != nil || len(tr) != 3 || len(te) != 2 {
		t.Fatalf("Split: %d and %d, %v; want 3 and 2", len(tr), len(te), err)
	}
	tr2, _, _ := Split(ms, 0.4, 3)
	for i := range tr {
		if tr[i] != tr2[i] {
			t.Fatal("Split is not a function of the seed")
		}
	}
}

// The NCI benchmark: 1534 molecules of at most 12 heavy atoms of C N O F S
// Cl among the 4999 lines of first_5K.smi. Time budget: about 1 s.
func TestReadNCI(t *testing.T) {
	if _, err := os.Stat(NCIFile); err != nil {
		t.Skipf("needs the Debian package rdkit-data (%v)", err)
	}
	es, lines, err := ReadNCI(NCIFile, NCIMaxAtoms, NCIElements)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1534 || lines != 4999 {
		t.Errorf("ReadNCI: %d molecules of %d lines, want 1534 of 4999", len(es), lines)
	}
	for _, e := range es {
		if len(e.Mol.Atoms) > NCIMaxAtoms || !e.Mol.OnlyElements(NCIElements...) {
			t.Fatalf("line %d: %d atoms outside the selection", e.Line, len(e.Mol.Atoms))
		}
	}
}
