package molecule

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAllowedValences(t *testing.T) {
	tests := []struct {
		element string
		charge  int
		want    []int
	}{
		{"C", 0, []int{4}},
		{"C", 1, []int{5}},
		{"C", -1, []int{3}},
		{"N", 0, []int{3}},
		{"N", 1, []int{4}},
		{"N", -1, []int{2}},
		{"O", 1, []int{3}},
		{"O", -1, []int{1}},
		{"O", -2, []int{0}},
		{"O", -3, nil},
		{"B", -1, []int{4}},
		{"B", 1, []int{2}},
		{"S", 0, []int{2, 4, 6}},
		{"S", 1, []int{3, 5, 7}},
		{"P", 0, []int{3, 5, 7}},
		{"P", 1, []int{4, 6, 8}},
		{"I", 0, []int{1, 3, 5}},
		{"Na", 0, nil},
	}
	for _, tc := range tests {
		if got := AllowedValences(tc.element, tc.charge); !slices.Equal(got, tc.want) {
			t.Errorf("AllowedValences(%s, %+d) = %v, want %v", tc.element, tc.charge, got, tc.want)
		}
	}
}

func TestValid(t *testing.T) {
	c := func(hs int) Atom { return Atom{Element: "C", Hs: hs} }
	tests := []struct {
		name    string
		m       Molecule
		valence bool // the fault is a *ValenceError
		ok      bool
	}{
		{"methane", Molecule{Atoms: []Atom{c(4)}}, false, true},
		{"radical is accepted", Molecule{Atoms: []Atom{c(3)}}, false, true},
		{"pentavalent carbon", Molecule{Atoms: []Atom{c(5)}}, true, false},
		{"ethene", Molecule{Atoms: []Atom{c(2), c(2)}, Bonds: []Bond{{0, 1, 2}}}, false, true},
		{"ethene with too many H", Molecule{Atoms: []Atom{c(3), c(2)}, Bonds: []Bond{{0, 1, 2}}}, true, false},
		{"ammonium", Molecule{Atoms: []Atom{{Element: "N", Charge: 1, Hs: 4}}}, false, true},
		{"neutral NH4", Molecule{Atoms: []Atom{{Element: "N", Hs: 4}}}, true, false},
		{"hydroxide", Molecule{Atoms: []Atom{{Element: "O", Charge: -1, Hs: 1}}}, false, true},
		{"water anion with 2 H", Molecule{Atoms: []Atom{{Element: "O", Charge: -1, Hs: 2}}}, true, false},
		{"unsupported element", Molecule{Atoms: []Atom{{Element: "Na", Charge: 1}}}, false, false},
		{"self bond", Molecule{Atoms: []Atom{c(4)}, Bonds: []Bond{{0, 0, 1}}}, false, false},
		{"bond out of range", Molecule{Atoms: []Atom{c(4)}, Bonds: []Bond{{0, 1, 1}}}, false, false},
		{"bond order 4", Molecule{Atoms: []Atom{c(0), c(0)}, Bonds: []Bond{{0, 1, 4}}}, false, false},
		{"duplicate bond", Molecule{Atoms: []Atom{c(2), c(2)}, Bonds: []Bond{{0, 1, 1}, {1, 0, 1}}}, false, false},
		{"negative H", Molecule{Atoms: []Atom{c(-1)}}, false, false},
		{"charge 16", Molecule{Atoms: []Atom{{Element: "C", Charge: 16}}}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.m.Valid()
			if (err == nil) != tc.ok {
				t.Fatalf("Valid() = %v, want ok=%v", err, tc.ok)
			}
			var ve *ValenceError
			if got := errors.As(err, &ve); got != tc.valence {
				t.Errorf("Valid() = %v: ValenceError %v, want %v", err, got, tc.valence)
			}
		})
	}
}

// TestAllowedValencesMatchRDKit compares the largest allowed valence of every
// element and charge −3…+3 with RDKit's, recorded in
// testdata/rdkit_valence.tsv by testdata/rdkit_valence.py.
func TestAllowedValencesMatchRDKit(t *testing.T) {
	b, err := os.ReadFile("testdata/rdkit_valence.tsv")
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			t.Fatalf("rdkit_valence.tsv:%d: %d fields, want 8", i+1, len(f))
		}
		rows++
		for c := -3; c <= 3; c++ {
			want := f[c+4]
			got := "-"
			if a := AllowedValences(f[0], c); len(a) > 0 {
				got = strconv.Itoa(slices.Max(a))
			}
			if got != want {
				t.Errorf("largest AllowedValences(%s, %+d) = %s, RDKit %s", f[0], c, got, want)
			}
		}
	}
	if rows != len(Supported) {
		t.Errorf("rdkit_valence.tsv has %d elements, want %d", rows, len(Supported))
	}
}
