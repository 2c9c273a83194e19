package molecule

import (
	"fmt"
	"slices"
	"strings"
)

// periodic lists every element symbol in atomic-number order, so that an
// input naming a real but unsupported element (Na, Cu) is told apart from a
// typo (Xx).
var periodic = strings.Fields(`H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni
Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu
Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf
Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og`)

// Supported lists the elements this package reads, writes and checks: the
// OpenSMILES organic subset.
var Supported = []string{"B", "C", "N", "O", "P", "S", "F", "Cl", "Br", "I"}

// atomicNumber returns the atomic number of symbol, or 0 when it is no element.
func atomicNumber(symbol string) int {
	return slices.Index(periodic, symbol) + 1
}

// defaultValences are the OpenSMILES "normal valences" of the organic subset,
// used for the implicit hydrogens of atoms written without brackets: an atom
// takes the smallest of them at least its bond-order sum.
var defaultValences = map[string][]int{
	"B": {3}, "C": {4}, "N": {3, 5}, "O": {2}, "P": {3, 5}, "S": {2, 4, 6},
	"F": {1}, "Cl": {1}, "Br": {1}, "I": {1},
}

// rdkitValences are the allowed valences of RDKit's periodic table for the
// same elements, as in RDKit 2022.09 (Debian's python3-rdkit, which
// testdata/rdkit_valence.tsv was made with). They are stricter than OpenSMILES
// for N (3 only: a nitro group is [N+](=O)[O-], into which CleanUp turns
// N(=O)=O) and looser for P (7) and I (3, 5).
var rdkitValences = map[string][]int{
	"B": {3}, "C": {4}, "N": {3}, "O": {2}, "P": {3, 5, 7}, "S": {2, 4, 6},
	"F": {1}, "Cl": {1}, "Br": {1}, "I": {1, 3, 5},
}

// AllowedValences returns the total valences (bond orders plus hydrogens)
// that an atom of the element and formal charge may have, as RDKit's
// sanitisation allows them: each neutral valence shifted by the charge, so that
// the atom behaves like its isoelectronic neighbour (N+ and C− like C and N:
// 4 and 3; O+ 3; O− and N− 1 and 2). Boron, an early element, shifts the
// other way (B− 4, B+ 2). Like RDKit 2022.09, positive carbon shifts up
// too (C+ 5). Valences below zero are dropped; nil means the element is not
// supported.
func AllowedValences(element string, charge int) []int {
	base, ok := rdkitValences[element]
	if !ok {
		return nil
	}
	shift := charge
	if element == "B" {
		shift = -charge
	}
	var out []int
	for _, v := range base {
		if v+shift >= 0 {
			out = append(out, v+shift)
		}
	}
	return out
}

// implicitHs returns the hydrogens that a bracket-free atom of element with
// bond-order sum s carries: the smallest default valence ≥ s, minus s, or 0
// when s already exceeds every default valence (Valid refuses that atom).
func implicitHs(element string, s int) int {
	for _, v := range defaultValences[element] {
		if v >= s {
			return v - s
		}
	}
	return 0
}

// ValenceError says which atom breaks the valence model and how.
type ValenceError struct {
	Atom    int    // index into Molecule.Atoms
	Element string // the atom's element
	Charge  int    // its formal charge
	Valence int    // its bond-order sum plus hydrogens
	Allowed []int  // the valences allowed for the element and charge
}

// Error formats e as "atom 3 (N, charge 0): valence 5, want at most 3".
func (e *ValenceError) Error() string {
	return fmt.Sprintf("atom %d (%s, charge %+d): valence %d, want at most %d (allowed %v)",
		e.Atom, e.Element, e.Charge, e.Valence, slices.Max(e.Allowed), e.Allowed)
}

// Valid checks m as RDKit's sanitisation would for this subset: supported
// elements, charges within −15…15, bonds of order 1–3 between two distinct
// existing atoms with no bond given twice, hydrogens ≥ 0, and every atom's
// valence (bond orders plus hydrogens) at most the largest of its
// AllowedValences. Like RDKit, an atom below its valence is accepted (a
// radical), since bracket atoms state their hydrogens. The first fault is
// returned; a valence fault is a *ValenceError.
func (m *Molecule) Valid() error {
	for i, a := range m.Atoms {
		if _, ok := rdkitValences[a.Element]; !ok {
			return fmt.Errorf("atom %d: element %q is not supported (want one of %s)", i, a.Element, strings.Join(Supported, " "))
		}
		if a.Charge < -15 || a.Charge > 15 {
			return fmt.Errorf("atom %d: charge %d, want −15…15", i, a.Charge)
		}
		if a.Hs < 0 {
			return fmt.Errorf("atom %d: %d hydrogens, want ≥ 0", i, a.Hs)
		}
		if a.Isotope < 0 || a.Isotope > 999 {
			return fmt.Errorf("atom %d: isotope %d, want 0…999", i, a.Isotope)
		}
	}
	seen := make(map[[2]int]bool, len(m.Bonds))
	sum := make([]int, len(m.Atoms))
	for k, b := range m.Bonds {
		if b.A < 0 || b.B < 0 || b.A >= len(m.Atoms) || b.B >= len(m.Atoms) || b.A == b.B {
			return fmt.Errorf("bond %d: atoms %d–%d, want two distinct atoms below %d", k, b.A, b.B, len(m.Atoms))
		}
		if b.Order < 1 || b.Order > 3 {
			return fmt.Errorf("bond %d: order %d, want 1, 2 or 3", k, b.Order)
		}
		key := [2]int{min(b.A, b.B), max(b.A, b.B)}
		if seen[key] {
			return fmt.Errorf("bond %d: atoms %d–%d are already bonded", k, b.A, b.B)
		}
		seen[key] = true
		sum[b.A] += b.Order
		sum[b.B] += b.Order
	}
	for i, a := range m.Atoms {
		if err := checkValence(i, a, sum[i]+a.Hs); err != nil {
			return err
		}
	}
	return nil
}

// checkValence returns a *ValenceError when valence v is too high for atom a.
func checkValence(i int, a Atom, v int) error {
	allowed := AllowedValences(a.Element, a.Charge)
	if len(allowed) == 0 || v > slices.Max(allowed) {
		if len(allowed) == 0 {
			allowed = []int{0}
		}
		return &ValenceError{Atom: i, Element: a.Element, Charge: a.Charge, Valence: v, Allowed: allowed}
	}
	return nil
}
