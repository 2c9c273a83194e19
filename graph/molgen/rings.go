package molgen

import (
	"slices"

	"github.com/diffusego/diffusego/graph/molecule"
)

// RingCount is the number of rings of m in the sense of the smallest set of
// smallest rings: its cyclomatic number, bonds − atoms + components.
func RingCount(m *molecule.Molecule) int {
	return len(m.Bonds) - len(m.Atoms) + m.Components()
}

// RingClasses is the number of classes of RingClass: 0, 1, and 2 or more
// rings (of the 1228 training molecules of the NCI benchmark, 1 has 3).
const RingClasses = 3

// RingClass is the condition class of m for ring-count conditioning:
// min(RingCount, 2).
func RingClass(m *molecule.Molecule) int { return min(RingCount(m), RingClasses-1) }

// RingSizes returns the sizes of the rings of a smallest set of smallest
// rings (SSSR) of m, ascending: RingCount rings, chosen greedily by length
// among the shortest cycles through each ring bond (Horton's candidates
// restricted to bonds, enough for the small molecules here), each kept
// when it is independent over GF(2) of those kept before. For fused and
// bridged systems of up to a few dozen atoms this gives the SSSR that
// RDKit reports.
func RingSizes(m *molecule.Molecule) []int {
	want := RingCount(m)
	if want == 0 {
		return nil
	}
	n := len(m.Atoms)
	adj := make([][][2]int, n) // (neighbour, bond)
	for k, b := range m.Bonds {
		adj[b.A] = append(adj[b.A], [2]int{b.B, k})
		adj[b.B] = append(adj[b.B], [2]int{b.A, k})
	}
	// Candidate cycles: for each bond a–b, the bond plus a shortest path
	// from a to b that avoids it (breadth-first), as a set of bonds.
	var cands [][]bool
	for k, b := range m.Bonds {
		prev := make([]int, n) // bond used to reach each atom, −1 unseen
		for i := range prev {
			prev[i] = -1
		}
		prev[b.A] = k
		queue := []int{b.A}
		for len(queue) > 0 && prev[b.B] < 0 {
			v := queue[0]
			queue = queue[1:]
			for _, e := range adj[v] {
				if e[1] != k && prev[e[0]] < 0 {
					prev[e[0]] = e[1]
					queue = append(queue, e[0])
				}
			}
		}
		if prev[b.B] < 0 {
			continue // a bridge: on no ring
		}
		cyc := make([]bool, len(m.Bonds))
		cyc[k] = true
		for v := b.B; v != b.A; {
			e := m.Bonds[prev[v]]
			cyc[prev[v]] = true
			if e.A == v {
				v = e.B
			} else {
				v = e.A
			}
		}
		cands = append(cands, cyc)
	}
	size := func(c []bool) int {
		s := 0
		for _, x := range c {
			if x {
				s++
			}
		}
		return s
	}
	slices.SortStableFunc(cands, func(a, b []bool) int { return size(a) - size(b) })
	// Gaussian elimination over GF(2): basis rows keyed by pivot bond.
	var basis [][]bool
	var pivots []int
	var out []int
	for _, c := range cands {
		r := slices.Clone(c)
		for i, p := range pivots {
			if r[p] {
				for j := range r {
					r[j] = r[j] != basis[i][j]
				}
			}
		}
		p := slices.Index(r, true)
		if p < 0 {
			continue
		}
		basis, pivots = append(basis, r), append(pivots, p)
		out = append(out, size(c))
		if len(out) == want {
			break
		}
	}
	slices.Sort(out)
	return out
}
