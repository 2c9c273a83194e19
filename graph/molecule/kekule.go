package molecule

import "fmt"

// kekulise turns the aromatic bonds of m (order 0 while parsing) into single
// and double bonds. An aromatic bond that is on no ring becomes single (the
// bond between the rings of c1ccccc1c1ccccc1). Every aromatic atom that
// needs a double bond (needsDouble) must get exactly one through an aromatic
// ring bond: a maximum matching (Edmonds' blossom algorithm) over those atoms
// chooses them, and an atom left unmatched means the input has no Kekulé
// structure, which is refused.
func (p *parser) kekulise(m *Molecule) error {
	n := len(m.Atoms)
	adj := m.adjacency()
	ring := ringBonds(n, adj, len(m.Bonds))
	inRing := make([]bool, n)
	for k, b := range p.bonds {
		if b.arom && !ring[k] {
			p.bonds[k].arom = false
			m.Bonds[k].Order = 1
		}
		if p.bonds[k].arom {
			inRing[b.a], inRing[b.b] = true, true
		}
	}
	for i, a := range p.atoms {
		if a.Aromatic && !inRing[i] {
			return p.fail(a.col, KindKekule, "aromatic %s is on no ring of aromatic bonds: want it written upper case", lowerSymbol(a.Element))
		}
	}
	need := make([]bool, n)
	for i, a := range p.atoms {
		if a.Aromatic {
			need[i] = p.needsDouble(i, adj)
		}
	}
	// The matching graph: atoms that need a double bond, joined by aromatic bonds.
	g := make([][]int, n)
	for _, b := range p.bonds {
		if b.arom && need[b.a] && need[b.b] {
			g[b.a] = append(g[b.a], b.b)
			g[b.b] = append(g[b.b], b.a)
		}
	}
	match := maxMatching(g, need)
	for i := range n {
		if need[i] && match[i] < 0 {
			return p.kekuleError(i, need)
		}
	}
	for k, b := range p.bonds {
		if !b.arom {
			continue
		}
		m.Bonds[k].Order = 1
		if match[b.a] == b.b {
			m.Bonds[k].Order = 2
		}
	}
	return nil
}

func lowerSymbol(el string) string {
	if len(el) == 0 {
		return el
	}
	return fmt.Sprintf("%c%s", el[0]+'a'-'A', el[1:])
}

// needsDouble decides whether aromatic atom i takes a double bond in the
// Kekulé structure. Counting each aromatic bond as 1, other bonds by their
// order and bracket hydrogens as given, the atom has sum s. It needs a double
// bond when it has none yet and its smallest valence ≥ s leaves room for one
// more: c (s = 2 or 3), n and p with two bonds, [nH+], [n+], [o+] do;
// [nH], n with three bonds, o, s, [n-], [cH-] do not.
func (p *parser) needsDouble(i int, adj [][]neighbour) bool {
	a := p.atoms[i]
	s := 0
	for _, e := range adj[i] {
		b := p.bonds[e.bond]
		switch {
		case b.arom:
			s++
		case b.order >= 2:
			return false // c=O, as in O=c1cccc[nH]1
		default:
			s += b.order
		}
	}
	valences := defaultValences[a.Element]
	if a.bracket {
		s += a.Hs
		valences = AllowedValences(a.Element, a.Charge)
		if a.Element == "C" && a.Charge > 0 {
			// A carbocation is isoelectronic with boron: [cH+] in tropylium
			// has its three bonds and no electrons for a double bond, although
			// the valence check lets C+ reach 5.
			valences = []int{4 - a.Charge}
		}
	}
	for _, v := range valences {
		if v >= s {
			return v >= s+1
		}
	}
	return false
}

// maxMatching returns a maximum matching of the graph g restricted to the
// vertices with use[v]: match[v] is v's partner or −1. It starts from a greedy
// matching in vertex order and grows it by augmenting paths found with
// Edmonds' blossom contraction (O(V³)). The result depends only on g and the
// vertex order, which canonical writing relies on.
func maxMatching(g [][]int, use []bool) []int {
	n := len(g)
	match := make([]int, n)
	for i := range match {
		match[i] = -1
	}
	for v := range n {
		if !use[v] || match[v] >= 0 {
			continue
		}
		for _, w := range g[v] {
			if match[w] < 0 {
				match[v], match[w] = w, v
				break
			}
		}
	}
	parent := make([]int, n)
	base := make([]int, n)
	used := make([]bool, n)
	blossom := make([]bool, n)
	queue := make([]int, 0, n)
	lca := func(a, b int) int {
		seen := make([]bool, n)
		for {
			a = base[a]
			seen[a] = true
			if match[a] < 0 {
				break
			}
			a = parent[match[a]]
		}
		for {
			b = base[b]
			if seen[b] {
				return b
			}
			b = parent[match[b]]
		}
	}
	markPath := func(v, b, child int) {
		for base[v] != b {
			blossom[base[v]], blossom[base[match[v]]] = true, true
			parent[v] = child
			child = match[v]
			v = parent[match[v]]
		}
	}
	findPath := func(root int) int {
		for i := range n {
			used[i], parent[i], base[i] = false, -1, i
		}
		used[root] = true
		queue = append(queue[:0], root)
		for qh := 0; qh < len(queue); qh++ {
			v := queue[qh]
			for _, to := range g[v] {
				if base[v] == base[to] || match[v] == to {
					continue
				}
				if to == root || match[to] >= 0 && parent[match[to]] >= 0 {
					cur := lca(v, to)
					clear(blossom)
					markPath(v, cur, to)
					markPath(to, cur, v)
					for i := range n {
						if blossom[base[i]] {
							base[i] = cur
							if !used[i] {
								used[i] = true
								queue = append(queue, i)
							}
						}
					}
				} else if parent[to] < 0 {
					parent[to] = v
					if match[to] < 0 {
						return to
					}
					used[match[to]] = true
					queue = append(queue, match[to])
				}
			}
		}
		return -1
	}
	for root := range n {
		if !use[root] || match[root] >= 0 {
			continue
		}
		for v := findPath(root); v >= 0; {
			pv := parent[v]
			ppv := match[pv]
			match[v], match[pv] = pv, v
			v = ppv
		}
	}
	return match
}

// kekuleError explains a failed kekulisation at unmatched atom i. When the
// aromatic system of i holds a bare n that was asked for a double bond, the
// usual cause is a pyrrole-type nitrogen written without its hydrogen, and
// that n is named; otherwise atom i is.
func (p *parser) kekuleError(i int, need []bool) error {
	n := len(p.atoms)
	adj := make([][]int, n)
	for _, b := range p.bonds {
		if b.arom {
			adj[b.a] = append(adj[b.a], b.b)
			adj[b.b] = append(adj[b.b], b.a)
		}
	}
	seen := make([]bool, n)
	seen[i] = true
	queue := []int{i}
	suspect := -1
	for q := 0; q < len(queue); q++ {
		v := queue[q]
		if a := p.atoms[v]; a.Element == "N" && !a.bracket && need[v] && (suspect < 0 || v < suspect) {
			suspect = v
		}
		for _, w := range adj[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	if suspect >= 0 {
		return p.fail(p.atoms[suspect].col, KindKekule,
			"no Kekulé structure for this aromatic system: want a pyrrole-type nitrogen written [nH] (or n bonded to three atoms)")
	}
	return p.fail(p.atoms[i].col, KindKekule, "no Kekulé structure: aromatic %s gets no double bond",
		lowerSymbol(p.atoms[i].Element))
}
