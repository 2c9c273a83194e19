package molecule

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// nciDir is where Debian's rdkit-data package puts RDKit's NCI sample files.
const nciDir = "/usr/share/RDKit/Data/NCI"

var nciOut = flag.String("nci-out", "", "write line, input, canonical SMILES (or ERR and the kind) for first_5K.smi to this TSV file, for testdata/rdkit_compare.py")

// nciSMILES returns the SMILES column of first_5K.smi, or skips.
func nciSMILES(t *testing.T) []string {
	path := filepath.Join(nciDir, "first_5K.smi")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("needs the Debian package rdkit-data (%v)", err)
	}
	defer f.Close()
	recs, err := ReadSMI(f, path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		if r.Name == "" {
			t.Fatalf("%s:%d: no identifier after the SMILES", path, r.Line)
		}
		out[i] = r.SMILES
	}
	return out
}

// TestNCIRoundTrip reads RDKit's first 5000 NCI molecules; every one that
// parses is written (stored order and canonical), read back to an Isomorphic
// molecule, and gives the same canonical string; every fifth is also
// shuffled, which must not change its canonical string. Refusals are counted
// by kind. Time budget: about 2 s on one core.
func TestNCIRoundTrip(t *testing.T) {
	all := nciSMILES(t)
	refused := map[string]int{}
	parsed, small, single, maxLeaves := 0, 0, 0, 0
	rng := tensor.NewRNG(5)
	var out strings.Builder
	for line, s := range all {
		m, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("line %d %q: error %v is not a *ParseError", line+1, s, err)
			}
			fmt.Fprintf(&out, "%d\t%s\tERR\t%s\n", line+1, s, pe.Kind)
			key := string(pe.Kind)
			if pe.Kind == KindElement {
				key += ": " + strings.Fields(pe.Msg)[1]
			}
			refused[key]++
			continue
		}
		parsed++
		if len(m.Atoms) <= 12 && m.OnlyElements("C", "N", "O", "F", "S", "Cl") {
			small++
			if m.Components() == 1 {
				single++
			}
		}
		want, err := m.Canonical()
		if err != nil {
			t.Fatalf("line %d %q: Canonical: %v", line+1, s, err)
		}
		for _, part := range m.split() {
			if c := canonicalize(part); c.leaves >= leafBudget {
				t.Errorf("line %d %q: the canonical search reached its budget of %d rankings", line+1, s, leafBudget)
			} else {
				maxLeaves = max(maxLeaves, c.leaves)
			}
		}
		fmt.Fprintf(&out, "%d\t%s\t%s\t\n", line+1, s, want)
		if line%5 == 0 { // a fifth of the set, shuffled, to keep the test short
			p, err := m.Permute(rng.Perm(len(m.Atoms)))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := p.Canonical(); got != want || !Isomorphic(m, p) {
				t.Errorf("line %d %q: shuffled atoms give Canonical %q, want %q (or are not Isomorphic)", line+1, s, got, want)
			}
		}
		plain, err := m.SMILES()
		if err != nil {
			t.Fatalf("line %d %q: SMILES: %v", line+1, s, err)
		}
		for _, out := range []string{plain, want} {
			back, err := Parse(out)
			if err != nil {
				t.Errorf("line %d %q written as %q does not parse: %v", line+1, s, out, err)
				continue
			}
			if !Isomorphic(m, back) {
				t.Errorf("line %d %q written as %q is not the same molecule", line+1, s, out)
			}
			if got, _ := back.Canonical(); got != want {
				t.Errorf("line %d %q written as %q: Canonical = %q, want %q", line+1, s, out, got, want)
			}
		}
	}
	if *nciOut != "" {
		if err := os.WriteFile(*nciOut, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for k := range refused {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if refused[a] != refused[b] {
			return refused[b] - refused[a]
		}
		return strings.Compare(a, b)
	})
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, " %s %d;", k, refused[k])
	}
	t.Logf("NCI first_5K: %d molecules, %d parse, %d refused:%s", len(all), parsed, len(all)-parsed, sb.String())
	t.Logf("NCI first_5K: %d parsed molecules have ≤ 12 heavy atoms, all of C N O F S Cl (%d of them one component)", small, single)
	t.Logf("NCI first_5K: the canonical search wrote at most %d rankings for one molecule", maxLeaves)
	if parsed < len(all)*9/10 {
		t.Errorf("only %d of %d parse, want at least 90%%", parsed, len(all))
	}
}

// TestNCITPSA reads RDKit's first_5k.tpsa.csv and checks that the SMILES it
// pairs with TPSA values are those of first_5K.smi, one for one.
func TestNCITPSA(t *testing.T) {
	all := nciSMILES(t)
	path := filepath.Join(nciDir, "first_5k.tpsa.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("needs the Debian package rdkit-data (%v)", err)
	}
	defer f.Close()
	recs, err := ReadTPSA(f, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(all) {
		t.Fatalf("%d TPSA records, want %d (one per molecule of first_5K.smi)", len(recs), len(all))
	}
	zero, parsed := 0, 0
	for i, r := range recs {
		if r.SMILES != all[i] {
			t.Fatalf("record %d (line %d): SMILES %q, want %q", i, r.Line, r.SMILES, all[i])
		}
		if r.TPSA == 0 {
			zero++
		}
		if _, err := Parse(r.SMILES); err == nil {
			parsed++
		}
	}
	t.Logf("first_5k.tpsa.csv: %d records, %d parse, %d with TPSA 0", len(recs), parsed, zero)
}
