package molecule

// CleanUp rewrites the hypervalent forms that RDKit's sanitisation first
// turns into charge-separated ones (MolOps::cleanUp), so that Valid then
// agrees with RDKit on them:
//
//   - a neutral N of valence 5 with a double bond to a neutral O:
//     CN(=O)=O → C[N+](=O)[O-] (one bond changes);
//   - a neutral N of valence 5 with a triple bond to a neutral N:
//     C=N#N → C=[N+]=[N-];
//   - a neutral P of valence 5 with a double bond to a neutral O and another
//     to C or P: C=P(=O)O → C=[P+]([O-])O;
//   - a neutral Cl, Br or I bonded only to O, of valence 3, 5 or 7: every
//     double bond to O becomes single, the O takes −1 and the halogen +1 per
//     bond: OCl(=O)(=O)=O → O[Cl+3]([O-])([O-])[O-].
//
// Hydrogen counts are kept. Parse applies it; call it before Valid on a
// molecule built in code to judge it as RDKit would. It returns the number
// of atoms whose charge changed.
func (m *Molecule) CleanUp() int {
	if !m.wellFormed() {
		return 0
	}
	adj := m.adjacency()
	valence := func(i int) int {
		v := m.Atoms[i].Hs
		for _, e := range adj[i] {
			v += m.Bonds[e.bond].Order
		}
		return v
	}
	// separate turns bond k from atom i to its neighbour o into a single
	// bond with charges +1 on i and −1 on o.
	separate := func(i, o, k, oCharge int) {
		m.Bonds[k].Order--
		m.Atoms[i].Charge++
		m.Atoms[o].Charge = oCharge
	}
	changed := 0
	for i := range m.Atoms {
		a := m.Atoms[i]
		if a.Charge != 0 {
			continue
		}
		switch a.Element {
		case "N":
			if valence(i) != 5 {
				continue
			}
			for _, e := range adj[i] {
				b, o := m.Bonds[e.bond], m.Atoms[e.to]
				if o.Charge != 0 {
					continue
				}
				if b.Order == 2 && o.Element == "O" || b.Order == 3 && o.Element == "N" {
					separate(i, e.to, e.bond, -1)
					changed += 2
					break
				}
			}
		case "P":
			if valence(i) != 5 {
				continue
			}
			oxo, other := -1, false
			for _, e := range adj[i] {
				b, o := m.Bonds[e.bond], m.Atoms[e.to]
				switch {
				case b.Order == 2 && o.Element == "O" && o.Charge == 0 && oxo < 0:
					oxo = e.bond
				case b.Order == 2 && (o.Element == "C" || o.Element == "P"):
					other = true
				}
			}
			if oxo >= 0 && other {
				b := m.Bonds[oxo]
				o := b.A
				if o == i {
					o = b.B
				}
				separate(i, o, oxo, -1)
				changed += 2
			}
		case "Cl", "Br", "I":
			v := valence(i)
			if v != 3 && v != 5 && v != 7 {
				continue
			}
			allO := len(adj[i]) > 0
			for _, e := range adj[i] {
				allO = allO && m.Atoms[e.to].Element == "O"
			}
			if !allO {
				continue
			}
			for _, e := range adj[i] {
				if m.Bonds[e.bond].Order == 2 && m.Atoms[e.to].Charge == 0 {
					separate(i, e.to, e.bond, -1)
					changed++
				}
			}
			if m.Atoms[i].Charge != 0 {
				changed++
			}
		}
	}
	return changed
}
