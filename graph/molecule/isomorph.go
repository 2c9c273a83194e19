package molecule

import "slices"

// Isomorphic reports whether a and b are the same molecule: whether some
// one-to-one map of a's atoms onto b's keeps element, charge, hydrogens and
// isotope on every atom and maps bonds onto bonds of the same order, where
// bonds whose order is a Kekulé choice (see Canonical) match each other
// whatever their order. Aromatic flags from the input are not compared.
//
// It is an exact check independent of the canonical writer: classes from
// refinement over the union of both graphs prune the candidates, and a
// VF2-style backtracking search (Cordella et al. 2004) extends a partial map
// one atom at a time, in breadth-first order over a, checking every bond to
// an atom already mapped.
func Isomorphic(a, b *Molecule) bool {
	n := len(a.Atoms)
	if n != len(b.Atoms) || len(a.Bonds) != len(b.Bonds) || !a.wellFormed() || !b.wellFormed() {
		return false
	}
	// The disjoint union: a's atoms 0…n−1, b's n…2n−1.
	u := &Molecule{Atoms: append(slices.Clone(a.Atoms), b.Atoms...), Bonds: slices.Clone(a.Bonds)}
	for _, bd := range b.Bonds {
		u.Bonds = append(u.Bonds, Bond{A: bd.A + n, B: bd.B + n, Order: bd.Order})
	}
	adjA, adjB := a.adjacency(), b.adjacency()
	labelsA, labelsB := bondLabels(a, adjA), bondLabels(b, adjB)
	uadj := u.adjacency()
	labels := append(slices.Clone(labelsA), labelsB...)
	start, _ := compact(atomInvariants(u, uadj))
	cls := refine(start, uadj, labels)
	ca, cb := slices.Clone(cls[:n]), slices.Clone(cls[n:])
	sa, sb := slices.Clone(ca), slices.Clone(cb)
	slices.Sort(sa)
	slices.Sort(sb)
	if !slices.Equal(sa, sb) {
		return false
	}
	// bondTo[v] maps a neighbour of b's atom v to the bond label.
	bondTo := make([]map[int]int, n)
	for v := range n {
		bondTo[v] = make(map[int]int, len(adjB[v]))
		for _, e := range adjB[v] {
			bondTo[v][e.to] = labelsB[e.bond]
		}
	}
	order := bfsOrder(n, adjA)
	byClass := map[int][]int{}
	for v, k := range cb {
		byClass[k] = append(byClass[k], v)
	}
	image := make([]int, n)
	for i := range image {
		image[i] = -1
	}
	used := make([]bool, n)
	var extend func(depth int) bool
	extend = func(depth int) bool {
		if depth == n {
			return true
		}
		v := order[depth]
		for _, w := range byClass[ca[v]] {
			if used[w] {
				continue
			}
			ok := true
			mapped := 0
			for _, e := range adjA[v] {
				if image[e.to] < 0 {
					continue
				}
				mapped++
				if l, has := bondTo[w][image[e.to]]; !has || l != labelsA[e.bond] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			mappedB := 0 // bonds of w to mapped atoms must all come from v's
			for _, e := range adjB[w] {
				if used[e.to] {
					mappedB++
				}
			}
			if mappedB != mapped {
				continue
			}
			image[v], used[w] = w, true
			if extend(depth + 1) {
				return true
			}
			image[v], used[w] = -1, false
		}
		return false
	}
	return extend(0)
}

// bfsOrder lists the atoms component by component in breadth-first order, so
// that each atom after the first of its component has a mapped neighbour.
func bfsOrder(n int, adj [][]neighbour) []int {
	seen := make([]bool, n)
	order := make([]int, 0, n)
	for s := range n {
		if seen[s] {
			continue
		}
		seen[s] = true
		order = append(order, s)
		for q := len(order) - 1; q < len(order); q++ {
			for _, e := range adj[order[q]] {
				if !seen[e.to] {
					seen[e.to] = true
					order = append(order, e.to)
				}
			}
		}
	}
	return order
}

// wellFormed reports whether every bond joins two distinct atoms of m.
func (m *Molecule) wellFormed() bool {
	for _, b := range m.Bonds {
		if b.A < 0 || b.B < 0 || b.A >= len(m.Atoms) || b.B >= len(m.Atoms) || b.A == b.B {
			return false
		}
	}
	return true
}
