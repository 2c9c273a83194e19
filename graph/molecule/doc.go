// Package molecule reads, checks and writes small organic molecules as SMILES
// strings, in pure Go, for the molecular-graph side of diffusego (discrete
// graph diffusion in the manner of DiGress, Vignac et al. 2023).
//
// # Model
//
// A Molecule is a hydrogen-suppressed graph: Atoms carry an element, a formal
// charge, the number of attached hydrogens, an isotope (0 when none) and the
// aromatic flag of the input; Bonds join two atoms with order 1, 2 or 3.
// Aromatic input is kekulised on reading, so the graph holds only single,
// double and triple bonds. Disconnected components ("CCO.O", salts) are kept
// in one Molecule; Components counts them.
//
// # Supported SMILES (OpenSMILES)
//
//   - bare organic-subset atoms B C N O P S F Cl Br I, with implicit
//     hydrogens from the default valences (B 3, C 4, N 3/5, O 2, P 3/5,
//     S 2/4/6, halogens 1), and aromatic b c n o p s;
//   - bracket atoms of the same elements, aromatic ones included ([nH], [n+],
//     [o+], [cH-]), with isotope, hydrogen count and charge (+, ++, +2, −15…15);
//   - branches, ring closures 0–9, %nn and %(nnn) with a bond symbol on
//     either end, bonds - = # : and '.' between components.
//
// Read and ignored: chirality (@, @@, @TH1 …), the cis/trans marks / and \
// (read as single bonds), and atom classes ([CH3:1]). Refused with a
// *ParseError naming the column and the kind of fault: other elements (Na,
// Cu, Se …, counted as KindElement; explicit [H] atoms too), the wildcard *,
// the quadruple bond $, unclosed rings and branches, empty branches,
// dangling bonds, malformed charges, aromatic systems with no Kekulé
// structure (c1ccnc1 without its [nH]) and any atom above its valence.
//
// # Valence
//
// Valid follows RDKit's sanitisation for this subset: an atom's valence
// (bond orders plus hydrogens) may not exceed the largest RDKit valence of its
// element, shifted by its charge (AllowedValences: N+ 4, O− 1, C− 3, B− 4 …).
// Before that, Parse applies CleanUp, RDKit's rewriting of hypervalent N, P
// and halogen oxides into charge-separated forms (CN(=O)=O becomes
// C[N+](=O)[O-]; c1ccn(=O)cc1 becomes [O-][n+]1ccccc1). Atoms below their
// valence (radicals in brackets, [CH2]) are accepted.
//
// # Writing and canonical form
//
// SMILES writes Kekulé SMILES (upper case, explicit '=') in stored atom order;
// Canonical writes the one string shared by every input of the same molecule:
// iterated refinement of atom invariants (Weininger's CANON), ties broken by
// trying each candidate and keeping the smallest string, with automorphism
// pruning. Kekulé structures of one ring system count as one molecule, both
// in Canonical and in Isomorphic, the independent VF2-style check.
//
// # Agreement with RDKit
//
// testdata/rdkit_valence.tsv holds RDKit's largest valence per element and
// charge, which a test compares with AllowedValences; testdata/rdkit_compare.py
// checks the canonical strings of RDKit's NCI sample set (Debian rdkit-data)
// with RDKit itself. With RDKit 2022.09: of 4999 molecules this package reads
// 4800, all of which RDKit reads as the same molecules from our canonical
// strings, with the same classes of equal molecules; the rest are 193 with
// elements outside the subset and 6 that RDKit refuses as well.
//
// # Drawing
//
// Layout places atoms in the plane (stress majorisation from a classical-MDS
// start); Depict draws one molecule as a PNG-ready image and DepictGrid a
// sheet of them, for looking at samples.
//
// # Why hand-written
//
// There is no pure-Go SMILES library; binding RDKit or Open Babel would need
// cgo, which diffusego does not use. ReadTPSA reads the (SMILES, TPSA) tables
// of RDKit's NCI sample set, a property to condition generation on.
//
// Example:
//
//	m, err := molecule.Parse("c1ccccc1O") // phenol
//	if err != nil {
//		return err // e.g. smiles column 5: kekulisation: …
//	}
//	s, _ := m.Canonical() // "OC1=CC=CC=C1"
package molecule
