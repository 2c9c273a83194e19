package molgen

import "testing"

// FuzzParseAtomType: no panic, and a type that parses is written and read
// back to the same type.
func FuzzParseAtomType(f *testing.F) {
	for _, s := range []string{"C", "N+", "O-", "S+2", "Cl-3", "+", "N+x", "", "C++"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAtomType(s)
		if err != nil {
			return
		}
		back, err := ParseAtomType(a.String())
		if err != nil || back != a {
			t.Fatalf("ParseAtomType(%q) = %v, written %q, read back %v, %v", s, a, a.String(), back, err)
		}
	})
}
