package graph

// NumOrbits is the number of node orbits of the graphlets of 2 to 4 nodes.
const NumOrbits = 15

// Orbits counts, for every node, how many times it takes each of the 15
// orbits of the connected graphlets of 2, 3 and 4 nodes (Pržulj 2007), as
// ORCA counts them (Hočevar & Demšar 2014; "orca node 4"), which is what
// GraphRNN and GDSS measure. Graphlets are induced subgraphs; edge types
// are ignored. The orbits, by graphlet and the node's degree in it:
//
//	0  edge
//	1  path of 3, an end          2  path of 3, the middle
//	3  triangle
//	4  path of 4, an end          5  path of 4, an inner node
//	6  star of 4, a leaf          7  star of 4, the centre
//	8  cycle of 4
//	9  paw (triangle with a tail), the tail's end (degree 1)
//	10 paw, a triangle node of degree 2     11 paw, the degree-3 node
//	12 diamond (K4 minus an edge), a degree-2 node   13 diamond, a degree-3 node
//	14 K4
//
// It returns counts[v][o]. Each connected induced subgraph of 3 or 4 nodes
// is visited once by the ESU enumeration (Wernicke 2006), so the cost is
// proportional to the number of such subgraphs (of the order of n·d³ for
// degree d): fine for the benchmarks' graphs of tens of nodes, not for
// large networks, where ORCA's counting by equations is the tool.
func Orbits(g *Graph) [][NumOrbits]int64 {
	counts := make([][NumOrbits]int64, g.n)
	nbrs := make([][]int, g.n)
	for v := range nbrs {
		nbrs[v] = g.Neighbors(v)
		counts[v][0] = int64(len(nbrs[v]))
	}
	var sub [4]int
	var bufs [4][]int // bufs[k]: the extension set handed to depth k+1, reused
	// extend grows sub[:k] (a connected set whose smallest node is v) by each
	// node of ext in turn, as in ESU: the new extension set adds the
	// neighbours of the added node w that are larger than v and neither in
	// nor next to the current set.
	var extend func(k int, ext []int, v int)
	extend = func(k int, ext []int, v int) {
		if k >= 3 {
			classify(g, sub[:k], counts)
		}
		if k == 4 {
			return
		}
		for len(ext) > 0 {
			w := ext[len(ext)-1]
			ext = ext[:len(ext)-1]
			next := append(bufs[k][:0], ext...)
			for _, u := range nbrs[w] {
				if u <= v || inExclusive(g, u, sub[:k]) {
					continue
				}
				if !contains(next, u) {
					next = append(next, u)
				}
			}
			sub[k] = w
			extend(k+1, next, v)
			bufs[k] = next[:0]
		}
	}
	for v := 0; v < g.n; v++ {
		sub[0] = v
		ext := bufs[0][:0]
		for _, u := range nbrs[v] {
			if u > v {
				ext = append(ext, u)
			}
		}
		extend(1, ext, v)
		bufs[0] = ext[:0]
	}
	return counts
}

// inExclusive reports whether u is in set or adjacent to a node of it, which
// keeps u out of ESU's extension set.
func inExclusive(g *Graph, u int, set []int) bool {
	for _, s := range set {
		if u == s || g.Has(u, s) {
			return true
		}
	}
	return false
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// classify adds the orbits of the nodes of the connected induced subgraph
// on set (3 or 4 nodes) to counts.
func classify(g *Graph, set []int, counts [][NumOrbits]int64) {
	var deg [4]int
	edges := 0
	for a := range set {
		for b := a + 1; b < len(set); b++ {
			if g.Has(set[a], set[b]) {
				deg[a]++
				deg[b]++
				edges++
			}
		}
	}
	for a, v := range set {
		counts[v][orbitOf(len(set), edges, deg[a], deg)]++
	}
}

// orbitOf names the orbit of a node of degree d in a connected graphlet of
// k nodes and m edges whose degrees are degs.
func orbitOf(k, m, d int, degs [4]int) int {
	if k == 3 {
		if m == 3 {
			return 3
		}
		return d // path of 3: an end (1) or the middle (2)
	}
	switch m {
	case 3: // path or star
		star := degs[0] == 3 || degs[1] == 3 || degs[2] == 3 || degs[3] == 3
		if star {
			if d == 3 {
				return 7
			}
			return 6
		}
		if d == 1 {
			return 4
		}
		return 5
	case 4: // cycle or paw
		if d == 2 && degs[0] == 2 && degs[1] == 2 && degs[2] == 2 && degs[3] == 2 {
			return 8
		}
		return 9 + d - 1 // paw: degree 1, 2, 3 → 9, 10, 11
	case 5: // diamond
		if d == 2 {
			return 12
		}
		return 13
	default: // K4
		return 14
	}
}
