package molecule

import (
	"cmp"
	"slices"
	"strings"
)

// Bond labels used by ranking and isomorphism: the order, or labelResonant
// for a bond whose order may differ between Kekulé structures.
const labelResonant = 4

// bondLabels returns, for every bond of m, its order or labelResonant.
//
// A bond is resonant when it is a ring bond of order 1 or 2 between two atoms
// that each carry exactly one double bond (no triple), that double bond being
// a ring bond to another such atom. Two Kekulé structures of one molecule
// differ by alternating cycles, which are made of ring bonds between such
// atoms, so this set, and the labels, are the same for every Kekulé
// structure: ranking and isomorphism that use them see c1ccc2ccccc2c1 and
// its other Kekulé forms as one molecule. The cost: bond-shift isomers of
// non-aromatic annulenes count as one molecule too.
func bondLabels(m *Molecule, adj [][]neighbour) []int {
	n := len(m.Atoms)
	ring := ringBonds(n, adj, len(m.Bonds))
	doubles := make([]int, n)
	triples := make([]int, n)
	for _, b := range m.Bonds {
		switch b.Order {
		case 2:
			doubles[b.A]++
			doubles[b.B]++
		case 3:
			triples[b.A]++
			triples[b.B]++
		}
	}
	one := func(i int) bool { return doubles[i] == 1 && triples[i] == 0 }
	conj := make([]bool, n)
	for k, b := range m.Bonds {
		if b.Order == 2 && ring[k] && one(b.A) && one(b.B) {
			conj[b.A], conj[b.B] = true, true
		}
	}
	labels := make([]int, len(m.Bonds))
	for k, b := range m.Bonds {
		labels[k] = b.Order
		if ring[k] && b.Order <= 2 && conj[b.A] && conj[b.B] {
			labels[k] = labelResonant
		}
	}
	return labels
}

// atomInvariants returns the starting classes of refinement: atoms are
// ordered by (degree, atomic number, isotope, charge, hydrogens), so that the
// string starts at a terminal atom when there is one, as people write it.
func atomInvariants(m *Molecule, adj [][]neighbour) [][]int {
	keys := make([][]int, len(m.Atoms))
	for i, a := range m.Atoms {
		keys[i] = []int{len(adj[i]), atomicNumber(a.Element), a.Isotope, a.Charge, a.Hs}
	}
	return keys
}

// compact replaces keys by dense ranks 0…k−1 of their sorted distinct values
// and returns them with k.
func compact(keys [][]int) ([]int, int) {
	n := len(keys)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return slices.Compare(keys[x], keys[y]) })
	cls := make([]int, n)
	k := 0
	for j, i := range idx {
		if j > 0 && slices.Compare(keys[idx[j-1]], keys[i]) != 0 {
			k++
		}
		cls[i] = k
	}
	if n == 0 {
		return cls, 0
	}
	return cls, k + 1
}

// refine is iterated invariant refinement (Weininger et al. 1989, CANON;
// the 1-dimensional Weisfeiler–Lehman test): each atom's class becomes its
// old class followed by the sorted (bond label, neighbour class) pairs, until
// the number of classes stops growing. The result refines cls and keeps its
// order: an atom of a lower class stays lower.
func refine(cls []int, adj [][]neighbour, labels []int) []int {
	n := len(cls)
	keys := make([][]int, n)
	for i := range keys {
		keys[i] = []int{cls[i]}
	}
	cls, k := compact(keys)
	for {
		for i := range n {
			key := append(keys[i][:0], cls[i])
			start := len(key)
			for _, e := range adj[i] {
				key = append(key, labels[e.bond]*(n+1)+cls[e.to])
			}
			slices.Sort(key[start:])
			keys[i] = key
		}
		next, k2 := compact(keys)
		if k2 == k {
			return next
		}
		cls, k = next, k2
	}
}

// leafBudget bounds the tie-breaking search; past it only the first
// candidate of each remaining tie is tried, and the result may then depend
// on the input order. Automorphism pruning keeps every molecule of the NCI
// test set far below it.
const leafBudget = 2000

// maxAutomorphisms bounds the automorphisms kept for pruning.
const maxAutomorphisms = 64

// canonizer searches the tie-breaking tree for the smallest SMILES string.
type canonizer struct {
	m       *Molecule
	adj     [][]neighbour
	labels  []int
	leaves  int
	best    string
	written []int   // atoms in the order best writes them
	path    []int   // atoms individualised on the way to the current node
	autos   [][]int // automorphisms found: atom v ↦ autos[k][v]
}

// Canonical returns the canonical Kekulé SMILES of m: two molecules give the
// same string exactly when they are isomorphic with elements, charges,
// hydrogens, isotopes and bond orders, Kekulé structures of one ring system
// counting as one (see Isomorphic).
//
// Atoms are ranked by iterated refinement (Weininger et al. 1989); while
// classes tie, each atom of the lowest tied class is tried in turn as the
// lower one, refinement runs again, and every complete ranking writes a
// string; the lexicographically smallest wins, so the result does not depend
// on the input order. The search skips candidates known to be equivalent:
// terminal atoms that are twins on one neighbour, and atoms that an
// automorphism fixing the atoms already chosen maps onto a candidate already
// tried (automorphisms are read off two rankings that write the same string,
// as in McKay's nauty). The bonds whose order is a Kekulé choice are
// re-matched in rank order, so the input's Kekulé structure does not show in
// the output. Each connected component is canonicalised on its own and the
// strings are joined with '.' in sorted order, so identical components (a
// salt's counter-ions) cost nothing to order. m must pass Valid.
func (m *Molecule) Canonical() (string, error) {
	if err := m.Valid(); err != nil {
		return "", err
	}
	parts := m.split()
	strs := make([]string, len(parts))
	for i, part := range parts {
		strs[i] = canonicalize(part).best
	}
	slices.Sort(strs)
	return strings.Join(strs, "."), nil
}

// split returns the connected components of m as molecules of their own,
// atoms in their order in m.
func (m *Molecule) split() []*Molecule {
	n := len(m.Atoms)
	adj := m.adjacency()
	seen := make([]bool, n)
	local := make([]int, n)
	comp := make([]int, n)
	var parts []*Molecule
	for s := range n {
		if seen[s] {
			continue
		}
		members := bfsFrom(s, adj, seen)
		slices.Sort(members)
		part := &Molecule{Atoms: make([]Atom, len(members))}
		for i, v := range members {
			part.Atoms[i] = m.Atoms[v]
			local[v], comp[v] = i, len(parts)
		}
		parts = append(parts, part)
	}
	for _, b := range m.Bonds {
		p := parts[comp[b.A]]
		p.Bonds = append(p.Bonds, Bond{A: local[b.A], B: local[b.B], Order: b.Order})
	}
	return parts
}

// canonicalize runs the search of Canonical on a valid m.
func canonicalize(m *Molecule) *canonizer {
	c := &canonizer{m: m, adj: m.adjacency()}
	c.labels = bondLabels(m, c.adj)
	cls, _ := compact(atomInvariants(m, c.adj))
	c.search(cls)
	return c
}

func (c *canonizer) search(cls []int) {
	cls = refine(cls, c.adj, c.labels)
	n := len(cls)
	count := make([]int, n)
	for _, k := range cls {
		count[k]++
	}
	tied := -1
	for k, cnt := range count {
		if cnt > 1 {
			tied = k
			break
		}
	}
	if tied < 0 {
		c.leaf(cls)
		return
	}
	type twin struct{ to, label int }
	twins := map[twin]bool{}
	var tried []int
	for v, k := range cls {
		if k != tied {
			continue
		}
		if len(c.adj[v]) == 1 {
			e := c.adj[v][0]
			t := twin{e.to, c.labels[e.bond]}
			if twins[t] {
				continue
			}
			twins[t] = true
		}
		if len(tried) > 0 && (c.leaves >= leafBudget || c.equivalent(v, tried)) {
			continue
		}
		tried = append(tried, v)
		next := make([]int, n)
		for i, k := range cls {
			next[i] = 2*k + 1
		}
		next[v] = 2 * cls[v]
		c.path = append(c.path, v)
		c.search(next)
		c.path = c.path[:len(c.path)-1]
	}
}

// leaf writes the string of a complete ranking and keeps the smallest; a
// string equal to the best gives an automorphism.
func (c *canonizer) leaf(rank []int) {
	c.leaves++
	s, written := c.m.write(rank, c.kekule(rank))
	switch {
	case c.best == "" || s < c.best:
		c.best, c.written = s, written
	case s == c.best && len(c.autos) < maxAutomorphisms:
		// The atoms written at the same position correspond.
		g := make([]int, len(rank))
		identity := true
		for p, v := range written {
			g[v] = c.written[p]
			identity = identity && g[v] == v
		}
		if !identity {
			c.autos = append(c.autos, g)
		}
	}
}

// equivalent reports whether some automorphism in the group generated by
// those found that fix every atom of c.path maps v onto an atom of tried.
func (c *canonizer) equivalent(v int, tried []int) bool {
	n := len(c.m.Atoms)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	usable := false
	for _, g := range c.autos {
		fixes := true
		for _, p := range c.path {
			if g[p] != p {
				fixes = false
				break
			}
		}
		if !fixes {
			continue
		}
		usable = true
		for i, j := range g {
			if ri, rj := find(i), find(j); ri != rj {
				parent[ri] = rj
			}
		}
	}
	if !usable {
		return false
	}
	rv := find(v)
	for _, t := range tried {
		if find(t) == rv {
			return true
		}
	}
	return false
}

// kekule returns bond orders in which the resonant bonds are re-assigned by
// a maximum matching over their atoms taken in rank order, so that the
// choice depends only on the ranked graph. When the matching is not perfect
// (it always is for a molecule whose resonant bonds came from a Kekulé
// structure) the stored orders are kept.
func (c *canonizer) kekule(rank []int) []int {
	m := c.m
	orders := make([]int, len(m.Bonds))
	any := false
	for k, b := range m.Bonds {
		orders[k] = b.Order
		any = any || c.labels[k] == labelResonant
	}
	if !any {
		return orders
	}
	n := len(m.Atoms)
	// Vertices are ranks; edges follow neighbours in rank order.
	g := make([][]int, n)
	use := make([]bool, n)
	byRank := make([]int, n)
	for v, r := range rank {
		byRank[r] = v
	}
	for r, v := range byRank {
		for _, e := range c.adj[v] {
			if c.labels[e.bond] == labelResonant {
				g[r] = append(g[r], rank[e.to])
				use[r] = true
			}
		}
		slices.SortFunc(g[r], cmp.Compare[int])
	}
	match := maxMatching(g, use)
	for r := range n {
		if use[r] && match[r] < 0 {
			return orders
		}
	}
	for k, b := range m.Bonds {
		if c.labels[k] == labelResonant {
			orders[k] = 1
			if match[rank[b.A]] == rank[b.B] {
				orders[k] = 2
			}
		}
	}
	return orders
}
