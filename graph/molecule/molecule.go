package molecule

import (
	"fmt"
	"slices"
)

// Atom is one heavy atom. Hydrogens are not atoms of their own: Hs counts
// those attached, whether the input gave them in brackets ([NH4+]) or left
// them implicit by the default valence (C in CC has Hs = 3).
type Atom struct {
	Element  string // element symbol with its usual case: "C", "Cl"
	Charge   int    // formal charge, −15…15
	Hs       int    // attached hydrogens
	Isotope  int    // mass number; 0 when the input gave none
	Aromatic bool   // written lower case in the input; the bonds are kekulised regardless
}

// Bond joins atoms A and B (indices into Molecule.Atoms) with Order 1, 2 or 3.
// Aromatic input bonds are stored as the single and double bonds of one Kekulé
// structure.
type Bond struct {
	A, B  int
	Order int
}

// Molecule is a hydrogen-suppressed molecular graph: atoms, and bonds with
// integer orders. Several disconnected components (salts, "CCO.O") are kept
// as one Molecule; Components counts them.
type Molecule struct {
	Atoms []Atom
	Bonds []Bond
}

// neighbour is one entry of an adjacency list: the atom at the other end and
// the index of the bond in Molecule.Bonds.
type neighbour struct {
	to, bond int
}

// adjacency lists the neighbours of every atom, in bond order.
func (m *Molecule) adjacency() [][]neighbour {
	adj := make([][]neighbour, len(m.Atoms))
	for k, b := range m.Bonds {
		adj[b.A] = append(adj[b.A], neighbour{b.B, k})
		adj[b.B] = append(adj[b.B], neighbour{b.A, k})
	}
	return adj
}

// Clone returns a deep copy of m.
func (m *Molecule) Clone() *Molecule {
	return &Molecule{Atoms: slices.Clone(m.Atoms), Bonds: slices.Clone(m.Bonds)}
}

// Permute returns a copy of m whose atom i is m's atom perm[i]; the bonds
// follow their atoms and are listed in a shuffled-by-perm order. It is the
// tool of canonical-invariance tests: a Permute of m is the same molecule.
func (m *Molecule) Permute(perm []int) (*Molecule, error) {
	n := len(m.Atoms)
	if len(perm) != n {
		return nil, fmt.Errorf("molecule: permutation of length %d for %d atoms", len(perm), n)
	}
	inv := make([]int, n)
	for i := range inv {
		inv[i] = -1
	}
	for i, p := range perm {
		if p < 0 || p >= n || inv[p] >= 0 {
			return nil, fmt.Errorf("molecule: permutation entry %d = %d is out of range or repeated", i, p)
		}
		inv[p] = i
	}
	out := &Molecule{Atoms: make([]Atom, n), Bonds: make([]Bond, 0, len(m.Bonds))}
	for i, p := range perm {
		out.Atoms[i] = m.Atoms[p]
	}
	for _, b := range m.Bonds {
		a, c := inv[b.A], inv[b.B]
		if a > c {
			a, c = c, a
		}
		out.Bonds = append(out.Bonds, Bond{A: a, B: c, Order: b.Order})
	}
	slices.SortFunc(out.Bonds, func(x, y Bond) int {
		if x.A != y.A {
			return x.A - y.A
		}
		return x.B - y.B
	})
	return out, nil
}

// Components returns the number of connected components of m (0 for no atoms).
func (m *Molecule) Components() int {
	parent := make([]int, len(m.Atoms))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	n := len(m.Atoms)
	for _, b := range m.Bonds {
		if ra, rb := find(b.A), find(b.B); ra != rb {
			parent[ra] = rb
			n--
		}
	}
	return n
}

// OnlyElements reports whether every atom of m is one of the given elements.
func (m *Molecule) OnlyElements(elements ...string) bool {
	for _, a := range m.Atoms {
		if !slices.Contains(elements, a.Element) {
			return false
		}
	}
	return true
}

// ringBonds marks the bonds that lie on a cycle, that is the bonds that are
// not bridges (Tarjan's low-link over a depth-first search).
func ringBonds(n int, adj [][]neighbour, nbonds int) []bool {
	ring := make([]bool, nbonds)
	for k := range ring {
		ring[k] = true
	}
	disc := make([]int, n)
	low := make([]int, n)
	for i := range disc {
		disc[i] = -1
	}
	t := 0
	var dfs func(v, viaBond int)
	dfs = func(v, viaBond int) {
		disc[v], low[v] = t, t
		t++
		for _, e := range adj[v] {
			if e.bond == viaBond {
				continue
			}
			if disc[e.to] < 0 {
				dfs(e.to, e.bond)
				low[v] = min(low[v], low[e.to])
				if low[e.to] > disc[v] {
					ring[e.bond] = false
				}
			} else {
				low[v] = min(low[v], disc[e.to])
			}
		}
	}
	for v := range n {
		if disc[v] < 0 {
			dfs(v, -1)
		}
	}
	return ring
}
