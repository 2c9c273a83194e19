package molecule

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors are
// *ParseError values with a column inside the input (or just past it), and
// that anything it accepts is Valid and round-trips: the stored-order and the
// canonical SMILES both read back to an Isomorphic molecule with the same
// canonical SMILES.
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	for _, s := range []string{"", "C1CC", "CC(", "C(=)C", "[Xx]", "c1ccnc1", "[N+-]", "C%(1", "[C@TH]", "C.", "[13C@@H2+:3]C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 300 {
			return // long inputs only repeat what short ones test, slowly
		}
		m, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %v is not a *ParseError", s, err)
			}
			if pe.Col < 1 || pe.Col > len(s)+1 {
				t.Fatalf("Parse(%q) error column %d outside 1…%d", s, pe.Col, len(s)+1)
			}
			return
		}
		if err := m.Valid(); err != nil {
			t.Fatalf("Parse(%q) gives an invalid molecule: %v", s, err)
		}
		want, err := m.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		plain, err := m.SMILES()
		if err != nil {
			t.Fatal(err)
		}
		for _, out := range []string{plain, want} {
			back, err := Parse(out)
			if err != nil {
				t.Fatalf("Parse(%q) written as %q does not parse: %v", s, out, err)
			}
			if !Isomorphic(m, back) {
				t.Fatalf("Parse(%q) written as %q reads back as another molecule", s, out)
			}
			if got, _ := back.Canonical(); got != want {
				t.Fatalf("Parse(%q) written as %q: Canonical %q, want %q", s, out, got, want)
			}
		}
	})
}
