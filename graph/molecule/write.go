package molecule

import (
	"slices"
	"strconv"
	"strings"
)

// SMILES writes m as a Kekulé SMILES string (upper-case atoms, explicit '='
// and '#') following the atoms in their stored order: the depth-first walk
// starts at atom 0 and takes neighbours by index. It is not canonical; use
// Canonical to compare molecules. m must pass Valid.
func (m *Molecule) SMILES() (string, error) {
	if err := m.Valid(); err != nil {
		return "", err
	}
	rank := make([]int, len(m.Atoms))
	orders := make([]int, len(m.Bonds))
	for i := range rank {
		rank[i] = i
	}
	for k, b := range m.Bonds {
		orders[k] = b.Order
	}
	out, _ := m.write(rank, orders)
	return out, nil
}

// write emits m with atoms ranked by rank (a permutation of 0…n−1) and bond
// k of order orders[k]. Each component is a depth-first walk from its lowest
// ranked atom, neighbours taken in rank order; ring-closure bonds get the
// lowest free number at their earlier atom, with the bond symbol written there.
// It also returns the atoms in the order they are written.
func (m *Molecule) write(rank, orders []int) (string, []int) {
	n := len(m.Atoms)
	adj := m.adjacency()
	for _, a := range adj {
		slices.SortFunc(a, func(x, y neighbour) int { return rank[x.to] - rank[y.to] })
	}
	sum := make([]int, n)
	for k, b := range m.Bonds {
		sum[b.A] += orders[k]
		sum[b.B] += orders[k]
	}
	// Pass 1: the spanning forest and the ring-closure bonds.
	seen := make([]bool, n)
	done := make([]bool, len(m.Bonds))
	children := make([][]neighbour, n)
	rings := make([][]neighbour, n) // ring bonds at each atom, in discovery order
	var walk func(v int)
	walk = func(v int) {
		seen[v] = true
		for _, e := range adj[v] {
			if done[e.bond] {
				continue
			}
			done[e.bond] = true
			if seen[e.to] {
				rings[v] = append(rings[v], e)
				rings[e.to] = append(rings[e.to], neighbour{v, e.bond})
				continue
			}
			children[v] = append(children[v], e)
			walk(e.to)
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int { return rank[x] - rank[y] })
	var roots []int
	for _, v := range order {
		if !seen[v] {
			roots = append(roots, v)
			walk(v)
		}
	}
	// Pass 2: the text.
	var sb strings.Builder
	digit := make(map[int]int) // bond → ring number while open
	var free []bool            // free[d]: ring number d in use
	written := make([]int, 0, n)
	var emit func(v int)
	emit = func(v int) {
		written = append(written, v)
		m.writeAtom(&sb, v, sum[v])
		var closed []int
		for _, e := range rings[v] {
			if d, ok := digit[e.bond]; ok {
				writeRingNumber(&sb, d)
				closed = append(closed, d)
				delete(digit, e.bond)
				continue
			}
			d := 1
			for d < len(free) && free[d] {
				d++
			}
			for len(free) <= d {
				free = append(free, false)
			}
			free[d] = true
			digit[e.bond] = d
			sb.WriteString(bondSymbol(orders[e.bond]))
			writeRingNumber(&sb, d)
		}
		for _, d := range closed {
			free[d] = false
		}
		for i, e := range children[v] {
			last := i == len(children[v])-1
			if !last {
				sb.WriteByte('(')
			}
			sb.WriteString(bondSymbol(orders[e.bond]))
			emit(e.to)
			if !last {
				sb.WriteByte(')')
			}
		}
	}
	for i, r := range roots {
		if i > 0 {
			sb.WriteByte('.')
		}
		emit(r)
	}
	return sb.String(), written
}

func bondSymbol(order int) string {
	switch order {
	case 2:
		return "="
	case 3:
		return "#"
	}
	return ""
}

func writeRingNumber(sb *strings.Builder, d int) {
	switch {
	case d < 10:
		sb.WriteByte(byte('0' + d))
	case d < 100:
		sb.WriteByte('%')
		sb.WriteString(strconv.Itoa(d))
	default:
		sb.WriteString("%(")
		sb.WriteString(strconv.Itoa(d))
		sb.WriteByte(')')
	}
}

// writeAtom writes atom v, bare when reading it back bare gives the same
// atom (organic subset, no charge or isotope, hydrogens as the default
// valence implies for bond-order sum s), in brackets otherwise. An atom above
// every default valence (I with two bonds) is bracketed too: OpenSMILES reads
// it bare with no hydrogen, but RDKit would add hydrogens by its own valences.
func (m *Molecule) writeAtom(sb *strings.Builder, v, s int) {
	a := m.Atoms[v]
	if a.Charge == 0 && a.Isotope == 0 && implicitHs(a.Element, s) == a.Hs && s <= slices.Max(defaultValences[a.Element]) {
		sb.WriteString(a.Element)
		return
	}
	sb.WriteByte('[')
	if a.Isotope > 0 {
		sb.WriteString(strconv.Itoa(a.Isotope))
	}
	sb.WriteString(a.Element)
	if a.Hs > 0 {
		sb.WriteByte('H')
		if a.Hs > 1 {
			sb.WriteString(strconv.Itoa(a.Hs))
		}
	}
	switch {
	case a.Charge == 1:
		sb.WriteByte('+')
	case a.Charge == -1:
		sb.WriteByte('-')
	case a.Charge > 0:
		sb.WriteByte('+')
		sb.WriteString(strconv.Itoa(a.Charge))
	case a.Charge < 0:
		sb.WriteString(strconv.Itoa(a.Charge))
	}
	sb.WriteByte(']')
}
