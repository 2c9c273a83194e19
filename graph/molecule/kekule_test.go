package molecule

import "testing"

// TestKekulise checks aromatic inputs against their hydrogens and the number
// of double bonds a Kekulé structure must have, and that every atom that
// needs a double bond has exactly one.
func TestKekulise(t *testing.T) {
	tests := []struct {
		name, smiles string
		hs           int // total hydrogens
		doubles      int // double bonds in any Kekulé structure
	}{
		{"benzene", "c1ccccc1", 6, 3},
		{"pyridine", "c1ccncc1", 5, 3},
		{"pyrrole", "c1cc[nH]c1", 5, 2},
		{"N-methylpyrrole", "Cn1cccc1", 7, 2},
		{"furan", "c1ccoc1", 4, 2},
		{"thiophene", "c1ccsc1", 4, 2},
		{"imidazole", "c1cnc[nH]1", 4, 2},
		{"indole", "c1ccc2[nH]ccc2c1", 7, 4},
		{"naphthalene", "c1ccc2ccccc2c1", 8, 5},
		{"azulene (odd rings, non-bipartite)", "c1ccc2cccc2cc1", 8, 5},
		{"pyrene", "c1cc2ccc3cccc4ccc(c1)c2c34", 10, 8},
		{"caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", 10, 4},
		{"2-pyridone", "O=c1cccc[nH]1", 5, 3},
		{"pyridinium", "c1cc[nH+]cc1", 6, 3},
		{"N-methylpyridinium", "C[n+]1ccccc1", 8, 3},
		{"pyrylium", "c1cc[o+]cc1", 5, 3},
		{"cyclopentadienide", "[cH-]1cccc1", 5, 2},
		{"biphenyl, bridge between aromatic atoms", "c1ccccc1c1ccccc1", 10, 6},
		{"explicit aromatic bond", "c1:c:c:c:c:c:1", 6, 3},
		{"aromatic with explicit single", "c1ccccc1-c1ccccc1", 10, 6},
		{"phosphole-like p", "c1cc[pH]c1", 5, 2},
		{"indolizine, n on three rings bonds", "c1ccn2cccc2c1", 7, 4},
		{"purine", "c1ncc2[nH]cnc2n1", 4, 4},
		{"tropylium", "[cH+]1cccccc1", 7, 3},
		{"pyridine N-oxide", "[O-][n+]1ccccc1", 5, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.smiles)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.smiles, err)
			}
			hs, doubles := 0, 0
			for _, a := range m.Atoms {
				hs += a.Hs
			}
			perAtom := make([]int, len(m.Atoms))
			for _, b := range m.Bonds {
				if b.Order == 2 {
					doubles++
					perAtom[b.A]++
					perAtom[b.B]++
				}
			}
			if hs != tc.hs || doubles != tc.doubles {
				t.Errorf("Parse(%q): %d hydrogens and %d double bonds, want %d and %d (%s)",
					tc.smiles, hs, doubles, tc.hs, tc.doubles, summary(m))
			}
			for i, c := range perAtom {
				if c > 1 {
					t.Errorf("Parse(%q): atom %d has %d double bonds", tc.smiles, i, c)
				}
			}
			if err := m.Valid(); err != nil {
				t.Errorf("Parse(%q) is not Valid: %v", tc.smiles, err)
			}
		})
	}
}

// TestMaxMatchingBlossom checks the matching on a 5-cycle 0-1-2-3-4 with
// vertex 5 hanging on 0: the greedy start pairs 0-1 and 2-3 and strands 4
// and 5, and only an augmenting path around the odd cycle (5-0-1-2-3-4)
// makes the matching perfect.
func TestMaxMatchingBlossom(t *testing.T) {
	edges := [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 0}, {0, 5}}
	g := make([][]int, 6)
	for _, e := range edges {
		g[e[0]] = append(g[e[0]], e[1])
		g[e[1]] = append(g[e[1]], e[0])
	}
	use := []bool{true, true, true, true, true, true}
	match := maxMatching(g, use)
	for v, w := range match {
		if w < 0 || match[w] != v {
			t.Fatalf("maxMatching = %v, want a perfect matching (vertex %d)", match, v)
		}
	}
	if match[5] != 0 {
		t.Errorf("maxMatching = %v, want 5 matched to its only neighbour 0", match)
	}
}

// kekuleStructures enumerates up to limit Kekulé structures of m: every
// perfect matching of its resonant bonds (bondLabels), as bond orders.
func kekuleStructures(m *Molecule, limit int) [][]int {
	labels := bondLabels(m, m.adjacency())
	var res []int
	covered := map[int]bool{}
	for k, l := range labels {
		if l == labelResonant {
			res = append(res, k)
			covered[m.Bonds[k].A], covered[m.Bonds[k].B] = false, false
		}
	}
	if len(res) > 40 {
		return nil // C60: the plain backtracking here would take seconds
	}
	var out [][]int
	orders := make([]int, len(m.Bonds))
	for k, b := range m.Bonds {
		orders[k] = b.Order
	}
	var rec func(i int)
	rec = func(i int) {
		if len(out) >= limit {
			return
		}
		if i == len(res) {
			for _, c := range covered {
				if !c {
					return
				}
			}
			out = append(out, append([]int(nil), orders...))
			return
		}
		b := m.Bonds[res[i]]
		if !covered[b.A] && !covered[b.B] {
			covered[b.A], covered[b.B] = true, true
			orders[res[i]] = 2
			rec(i + 1)
			covered[b.A], covered[b.B] = false, false
		}
		orders[res[i]] = 1
		rec(i + 1)
	}
	rec(0)
	return out
}

// TestCanonicalKekuleInvariant writes every Kekulé structure of the seed
// molecules (up to 20 each, for ring systems of up to 40 resonant bonds) and checks that all give one canonical string
// and are Isomorphic to each other.
func TestCanonicalKekuleInvariant(t *testing.T) {
	multi := 0
	for _, s := range seeds(t) {
		m := mustParse(t, s)
		want := mustCanonical(t, m)
		structures := kekuleStructures(m, 20)
		if len(structures) > 1 {
			multi++
		}
		for i, orders := range structures {
			k := m.Clone()
			for j := range k.Bonds {
				k.Bonds[j].Order = orders[j]
			}
			if got := mustCanonical(t, k); got != want {
				t.Errorf("%q Kekulé structure %d: Canonical = %q, want %q", s, i, got, want)
			}
			if !Isomorphic(m, k) {
				t.Errorf("%q Kekulé structure %d is not Isomorphic to the parsed one", s, i)
			}
		}
	}
	if multi < 5 {
		t.Errorf("only %d seeds have several Kekulé structures, want ≥ 5 for the test to mean something", multi)
	}
}
