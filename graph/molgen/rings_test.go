package molgen

import (
	"slices"
	"testing"
)

// Ring counts and SSSR ring sizes of molecules whose rings are known
// (RDKit's GetRingInfo gives the same).
func TestRingSizes(t *testing.T) {
	cases := []struct {
		name, smiles string
		want         []int
	}{
		{"chain", "CCCCO", nil},
		{"cyclopropane", "C1CC1", []int{3}},
		{"benzene", "c1ccccc1", []int{6}},
		{"naphthalene", "c1ccc2ccccc2c1", []int{6, 6}},
		{"spiro[4.5]decane", "C1CCC2(C1)CCCCC2", []int{5, 6}},
		{"norbornane", "C1CC2CCC1C2", []int{5, 5}},
		{"adamantane", "C1C2CC3CC1CC(C2)C3", []int{6, 6, 6}},
		{"cubane", "C12C3C4C1C5C2C3C45", []int{4, 4, 4, 4, 4}},
		{"indole", "c1ccc2[nH]ccc2c1", []int{5, 6}},
		{"two components", "C1CC1.C1CCC1", []int{3, 4}},
		{"bicyclo[1.1.0]butane", "C1C2C1C2", []int{3, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mustParse(t, c.smiles)[0]
			got := RingSizes(m)
			if !slices.Equal(got, c.want) {
				t.Errorf("RingSizes(%s) = %v, want %v", c.smiles, got, c.want)
			}
			if RingCount(m) != len(c.want) {
				t.Errorf("RingCount(%s) = %d, want %d", c.smiles, RingCount(m), len(c.want))
			}
			if want := min(len(c.want), RingClasses-1); RingClass(m) != want {
				t.Errorf("RingClass(%s) = %d, want %d", c.smiles, RingClass(m), want)
			}
		})
	}
}
