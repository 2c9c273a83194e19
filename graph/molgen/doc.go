// Package molgen generates small molecules with discrete graph diffusion
// (graph/digress, after DiGress, Vignac et al. 2023) and scores them.
//
// # Model
//
// A molecule (graph/molecule, hydrogens implicit) is a typed graph: node
// category t is the atom type Vocab.Atoms[t], an element with its formal
// charge ("C", "N+", "O-"), and edge category k is a bond of order k (0: no
// bond; 1, 2, 3: single, double, triple; aromatic input is kekulised when
// read). Decoding a generated graph (Vocab.Molecule) gives every atom the
// hydrogens that fill it to the smallest valence RDKit allows its element
// and charge (ImplicitHs), and corrects nothing else: an atom above every
// allowed valence stays so, and Valid refuses the molecule. The digress
// model is trained with its valence input (Config.Valence) and, optionally,
// conditioned on the ring count (RingClass: 0, 1, 2+ rings) with
// classifier-free guidance; Generator samples it.
//
// # Data
//
// The benchmark (ReadNCI) is RDKit's NCI sample as Debian's rdkit-data
// ships it (NCIFile): the 1534 of its 4999 molecules that this package reads,
// with at most 12 heavy atoms, all of C N O F S Cl; Split keeps a seeded
// fifth for testing. ReadFile reads any SMILES file strictly: a line that
// does not parse or breaks a valence is a *LineError naming the file and
// line.
//
// # Metrics
//
// Evaluate gives what DiGress reports, and the histogram distances of the
// benchmark: validity (molecule.Valid, nothing corrected and no fragment
// dropped), connectivity, uniqueness and novelty (canonical SMILES), and
// total-variation distances of atom-type, bond-order, heavy-atom-count and
// ring-size histograms (RingSizes: the smallest set of smallest rings) to
// the test split. The baselines (Frequencies) know only the training
// frequencies: Marginal draws every atom and every atom pair's bond type
// independently from them (DiGress's prior), Assemble builds molecules of
// those frequencies under the valence rules.
//
// Example:
//
//	es, _, err := molgen.ReadNCI(molgen.NCIFile, molgen.NCIMaxAtoms, molgen.NCIElements)
//	…
//	gen := molgen.Generator{Model: model, Vocab: vocab}
//	ms, _, err := gen.Sample(ctx, molgen.Options{N: 100, Steps: 500, Temperature: 1, Class: molgen.AnyClass, Seed: 1})
//	s, err := molgen.Evaluate(ms, molgen.Canonicals(train), test)
//	fmt.Println(s.Valid, s.Unique, s.Novel)
package molgen
