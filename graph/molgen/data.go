package molgen

import (
	"errors"
	"fmt"
	"os"

	"github.com/diffusego/diffusego/graph/molecule"
	"github.com/diffusego/diffusego/tensor"
)

// NCIFile is RDKit's sample of the NCI database as Debian's rdkit-data
// package installs it: 5000 SMILES strings with NCI identifiers.
const NCIFile = "/usr/share/RDKit/Data/NCI/first_5K.smi"

// NCIElements and NCIMaxAtoms select the molecule benchmark of diffusego
// from NCIFile: molecules of at most 12 heavy atoms, all of C, N, O, F, S
// and Cl (1534 molecules).
var NCIElements = []string{"C", "N", "O", "F", "S", "Cl"}

// NCIMaxAtoms is the largest heavy-atom count of the NCI benchmark.
const NCIMaxAtoms = 12

// LineError is a SMILES line of a file that does not parse or is refused.
//
//	molgen: mols.smi:3: smiles column 6: ring closure: ring 1 is never closed
type LineError struct {
	File string // the name as given by the caller
	Line int    // 1-based
	Err  error  // a *molecule.ParseError, or what else refused the line
}

// Error formats e as "molgen: FILE:LINE: the fault".
func (e *LineError) Error() string { return fmt.Sprintf("molgen: %s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the underlying fault.
func (e *LineError) Unwrap() error { return e.Err }

// Entry is a molecule read from a SMILES file with its line.
type Entry struct {
	Mol  *molecule.Molecule
	Line int
}

// ReadFile reads a SMILES file (molecule.ReadSMI's layout: one SMILES per
// line, optionally followed by a name). Every line must parse and pass the
// valence check; the first that does not is a *LineError naming the file
// and line. A file without molecules is an error too.
func ReadFile(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("molgen: %w", err)
	}
	defer f.Close()
	recs, err := molecule.ReadSMI(f, path)
	if err != nil {
		return nil, fmt.Errorf("molgen: %w", err)
	}
	if len(recs) == 0 {
		return nil, &LineError{File: path, Line: 1, Err: errors.New("no SMILES in the file: want one molecule per line")}
	}
	out := make([]Entry, 0, len(recs))
	for _, r := range recs {
		m, err := molecule.Parse(r.SMILES)
		if err == nil {
			err = m.Valid()
		}
		if err == nil && len(m.Atoms) == 0 {
			err = errors.New("a molecule with no atoms")
		}
		if err != nil {
			return nil, &LineError{File: path, Line: r.Line, Err: err}
		}
		out = append(out, Entry{Mol: m, Line: r.Line})
	}
	return out, nil
}

// ReadNCI reads RDKit's NCI sample (NCIFile, or the file at path) and keeps
// the molecules of at most maxAtoms heavy atoms, all of the given elements,
// in file order; lines this package cannot read (other elements, for the
// most part) are skipped, not refused, since they are filtered out anyway.
// It returns the kept molecules and the number of lines read.
func ReadNCI(path string, maxAtoms int, elements []string) ([]Entry, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("molgen: %w (the NCI sample comes with the Debian package rdkit-data)", err)
	}
	defer f.Close()
	recs, err := molecule.ReadSMI(f, path)
	if err != nil {
		return nil, 0, fmt.Errorf("molgen: %w", err)
	}
	var out []Entry
	for _, r := range recs {
		m, err := molecule.Parse(r.SMILES)
		if err != nil || m.Valid() != nil {
			continue
		}
		if len(m.Atoms) >= 1 && len(m.Atoms) <= maxAtoms && m.OnlyElements(elements...) {
			out = append(out, Entry{Mol: m, Line: r.Line})
		}
	}
	if len(out) == 0 {
		return nil, len(recs), fmt.Errorf("molgen: %s: no molecule of at most %d heavy atoms of %v", path, maxAtoms, elements)
	}
	return out, len(recs), nil
}

// Split shuffles ms with seed and returns the last (1 − testFrac) for
// training and the first ⌊testFrac·len⌋ for testing: the permutation of
// graph.Split, so that molecules and their graphs split alike.
func Split(ms []*molecule.Molecule, testFrac float64, seed uint64) (train, test []*molecule.Molecule, err error) {
	if !(testFrac >= 0 && testFrac <= 1) {
		return nil, nil, fmt.Errorf("molgen: test fraction %v: want 0 to 1", testFrac)
	}
	perm := tensor.NewRNG(seed).Perm(len(ms))
	shuffled := make([]*molecule.Molecule, len(ms))
	for i, p := range perm {
		shuffled[i] = ms[p]
	}
	nTest := int(testFrac * float64(len(ms)))
	return shuffled[nTest:], shuffled[:nTest], nil
}
