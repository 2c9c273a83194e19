package molecule

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// summary describes a molecule compactly for table tests: atoms with their
// hydrogens and charges, then bonds.
func summary(m *Molecule) string {
	var sb strings.Builder
	for i, a := range m.Atoms {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%s", a.Element)
		if a.Hs > 0 {
			fmt.Fprintf(&sb, "H%d", a.Hs)
		}
		if a.Charge != 0 {
			fmt.Fprintf(&sb, "%+d", a.Charge)
		}
		if a.Isotope != 0 {
			fmt.Fprintf(&sb, "@%d", a.Isotope)
		}
	}
	sb.WriteString(" |")
	for _, b := range m.Bonds {
		fmt.Fprintf(&sb, " %d%s%d", b.A, []string{"?", "-", "=", "#"}[b.Order], b.B)
	}
	return sb.String()
}

func TestParseAtomsAndBonds(t *testing.T) {
	tests := []struct {
		name, smiles, want string
	}{
		{"ethanol", "CCO", "CH3 CH2 OH1 | 0-1 1-2"},
		{"branches", "CC(C)(=O)", "CH3 C CH3 O | 0-1 1-2 1=3"},
		{"ring closure", "C1CC1", "CH2 CH2 CH2 | 0-1 1-2 0-2"},
		{"ring bond order on opening", "C=1CC1", "CH1 CH2 CH1 | 0-1 1-2 0=2"},
		{"ring bond order on closing", "C1CC=1", "CH1 CH2 CH1 | 0-1 1-2 0=2"},
		{"percent ring number", "C%12CC%12", "CH2 CH2 CH2 | 0-1 1-2 0-2"},
		{"extended ring number", "C%(123)CC%(123)", "CH2 CH2 CH2 | 0-1 1-2 0-2"},
		{"triple", "C#N", "CH1 N | 0#1"},
		{"halogens", "ClC(Br)(F)I", "Cl C Br F I | 0-1 1-2 1-3 1-4"},
		{"ammonium", "[NH4+]", "NH4+1 |"},
		{"oxide", "C[O-]", "CH3 O-1 | 0-1"},
		{"double charge", "[O--]", "O-2 |"},
		{"numeric charge", "[Fe+2]", ""}, // refused below: unsupported element
		{"nitro", "C[N+](=O)[O-]", "CH3 N+1 O O-1 | 0-1 1=2 1-3"},
		{"bracket without H is bare of H", "[CH2]", "CH2 |"},
		{"isotope kept", "[13CH4]", "CH4@13 |"},
		{"chirality dropped", "N[C@@H](C)C(=O)O", "NH2 CH1 CH3 C O OH1 | 0-1 1-2 1-3 3=4 3-5"},
		{"chirality class dropped", "F[C@TH1H](Cl)Br", "F CH1 Cl Br | 0-1 1-2 1-3"},
		{"cis-trans dropped", "F/C=C\\F", "F CH1 CH1 F | 0-1 1=2 2-3"},
		{"atom class dropped", "[CH3:7]C", "CH3 CH3 | 0-1"},
		{"components kept", "CC.O", "CH3 CH3 OH2 | 0-1"},
		{"dot in branch", "C(.O)C", "CH3 OH2 CH3 | 0-2"},
		{"hypervalent sulfur", "CS(=O)(=O)O", "CH3 S O O OH1 | 0-1 1=2 1=3 1-4"},
		{"phosphate", "OP(=O)(O)O", "OH1 P O OH1 OH1 | 0-1 1=2 1-3 1-4"},
		{"boron", "B(C)(C)C", "B CH3 CH3 CH3 | 0-1 0-2 0-3"},
		{"sulfur valence 4 implicit", "CS(=O)C", "CH3 S O CH3 | 0-1 1=2 1-3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.smiles)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %s, want an error", tc.smiles, summary(m))
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.smiles, err)
			}
			if got := summary(m); strings.TrimSpace(got) != strings.TrimSpace(tc.want) {
				t.Errorf("Parse(%q) = %q, want %q", tc.smiles, got, tc.want)
			}
		})
	}
}

func TestParseDotInBranchMakesTwoComponents(t *testing.T) {
	m, err := Parse("C(.O)C")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Components(); got != 2 {
		t.Errorf("Components() = %d, want 2", got)
	}
	if len(m.Bonds) != 1 || m.Bonds[0] != (Bond{A: 0, B: 2, Order: 1}) {
		t.Errorf("bonds = %v, want one single bond 0–2", m.Bonds)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, smiles string
		col          int
		kind         Kind
		mention      string // a word the message must contain
	}{
		{"empty", "", 1, KindSyntax, "at least one atom"},
		{"unclosed ring", "CC1CC", 3, KindRing, "unclosed ring 1"},
		{"unclosed percent ring", "C%10CC", 2, KindRing, "unclosed ring 10"},
		{"ring on same atom", "C11", 3, KindRing, "same atom"},
		{"duplicate bond by rings", "C12CC12", 7, KindRing, "already bonded"},
		{"conflicting ring bonds", "C=1CC#1", 6, KindRing, "conflicts"},
		{"bad percent", "C%1CC", 2, KindRing, "two digits"},
		{"unclosed branch", "CC(C", 3, KindBranch, "unclosed branch"},
		{"unmatched close", "CC)C", 3, KindBranch, "no open branch"},
		{"empty branch", "CC()C", 3, KindBranch, "empty branch"},
		{"branch first", "(C)C", 1, KindBranch, "want an atom before"},
		{"unknown element", "C[Xx]C", 3, KindUnknown, "Xx"},
		{"unsupported element", "[Na+].[Cl-]", 2, KindElement, "Na"},
		{"wildcard", "C*", 2, KindElement, "wildcard"},
		{"bare metal", "Na", 2, KindSyntax, "'a'"},
		{"bare hydrogen", "HC", 1, KindSyntax, "hydrogen"},
		{"pentavalent carbon", "CC(C)(C)(C)C", 2, KindValence, "valence 5"},
		{"pentavalent nitrogen", "C[N](C)(C)(C)C", 2, KindValence, "at most 3"},
		{"N of valence 5 with no O or N to separate", "CN(=C)=C", 2, KindValence, "at most 3"},
		{"too many H", "[CH5]", 1, KindValence, "valence 5"},
		{"charge too large", "[C+16]", 3, KindCharge, "above 15"},
		{"two charge signs", "[N+-]", 4, KindCharge, "one charge sign"},
		{"unterminated bracket", "C[NH4+", 7, KindSyntax, "want ']'"},
		{"dangling bond at end", "CC=", 3, KindBond, "dangling"},
		{"dangling bond in branch", "C(=)C", 3, KindBond, "dangling"},
		{"bond at start", "=CC", 1, KindBond, "want an atom before"},
		{"bond before branch", "C=(C)C", 2, KindBond, "dangling"},
		{"bond before dot", "C=.C", 2, KindBond, "dangling"},
		{"two bonds", "C=#C", 3, KindBond, "want an atom before"},
		{"quadruple", "C$C", 2, KindBond, "quadruple"},
		{"dot at end", "CC.", 3, KindSyntax, "after '.'"},
		{"double dot", "C..C", 3, KindSyntax, "before '.'"},
		{"ring digit at start", "1CC1", 1, KindRing, "want an atom before"},
		{"pyrrole without H", "c1ccnc1", 5, KindKekule, "[nH]"},
		{"odd aromatic ring", "c1cccc1", 6, KindKekule, "no Kekulé"},
		{"aromatic atom on no ring", "Cc", 2, KindKekule, "no ring"},
		{"aromatic chain", "cc", 1, KindKekule, "no ring"},
		{"unsupported aromatic", "c1cc[se]c1", 6, KindElement, "Se"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.smiles)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", tc.smiles, summary(m))
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %v is not a *ParseError", tc.smiles, err)
			}
			if pe.Col != tc.col || pe.Kind != tc.kind || !strings.Contains(pe.Msg, tc.mention) {
				t.Errorf("Parse(%q) = %v (column %d, kind %q), want column %d, kind %q, mentioning %q",
					tc.smiles, err, pe.Col, pe.Kind, tc.col, tc.kind, tc.mention)
			}
		})
	}
}
