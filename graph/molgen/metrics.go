package molgen

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/diffusego/diffusego/graph/molecule"
)

// Scores are the molecule-generation metrics of a set of generated
// molecules, as DiGress (Vignac et al. 2023) and the works it compares with
// report them, with the histogram distances of the benchmark.
type Scores struct {
	Samples int // molecules scored

	// Valid is the fraction that passes molecule.Valid (every atom within
	// the valences RDKit allows its element and charge) as generated:
	// nothing is corrected, and no fragment is dropped.
	Valid float64
	// Connected is the fraction that is valid and of one component.
	Connected float64
	// Unique is the number of distinct canonical SMILES among the valid
	// molecules over the number of valid molecules.
	Unique float64
	// Novel is the fraction of the distinct valid molecules whose canonical
	// SMILES is no training molecule's.
	Novel float64

	// Total-variation distances, ½·Σ|p − q|, between the histograms of the
	// samples (all of them, valid or not) and of the reference set: atom
	// types (element and charge, over all atoms), bond orders (over all
	// bonds), heavy-atom counts (per molecule) and ring sizes (over the
	// rings of RingSizes).
	AtomTV, BondTV, SizeTV, RingTV float64
}

// Canonicals returns the set of canonical SMILES of ms; molecules that
// cannot be canonicalised are left out.
func Canonicals(ms []*molecule.Molecule) map[string]bool {
	out := make(map[string]bool, len(ms))
	for _, m := range ms {
		if s, err := m.Canonical(); err == nil {
			out[s] = true
		}
	}
	return out
}

// Evaluate scores samples against the training set (novelty; its
// canonical forms as from Canonicals) and the reference set ref
// (histograms; the test split).
func Evaluate(samples []*molecule.Molecule, train map[string]bool, ref []*molecule.Molecule) (Scores, error) {
	if len(samples) == 0 || len(ref) == 0 {
		return Scores{}, fmt.Errorf("molgen: evaluate %d samples against %d reference molecules: want at least one of each", len(samples), len(ref))
	}
	s := Scores{Samples: len(samples)}
	seen := map[string]bool{}
	valid, novel := 0, 0
	for i, m := range samples {
		if m.Valid() != nil {
			continue
		}
		valid++
		if m.Components() == 1 {
			s.Connected++
		}
		c, err := m.Canonical()
		if err != nil {
			return Scores{}, fmt.Errorf("molgen: sample %d: canonical form: %w", i, err)
		}
		if !seen[c] {
			seen[c] = true
			if !train[c] {
				novel++
			}
		}
	}
	n := float64(len(samples))
	s.Valid, s.Connected = float64(valid)/n, s.Connected/n
	if valid > 0 {
		s.Unique = float64(len(seen)) / float64(valid)
		s.Novel = float64(novel) / float64(len(seen))
	}
	hs, hr := Histograms(samples), Histograms(ref)
	s.AtomTV = TV(hs.Atoms, hr.Atoms)
	s.BondTV = TV(hs.Bonds, hr.Bonds)
	s.SizeTV = TV(hs.Sizes, hr.Sizes)
	s.RingTV = TV(hs.Rings, hr.Rings)
	return s, nil
}

// Hist holds the counts of one descriptor by value.
type Hist map[string]float64

// MoleculeHists are the histograms Evaluate compares: atom types ("C",
// "N+"), bond orders ("1", "2", "3"), heavy-atom counts and ring sizes.
type MoleculeHists struct {
	Atoms, Bonds, Sizes, Rings Hist
}

// Histograms counts the descriptors of ms.
func Histograms(ms []*molecule.Molecule) MoleculeHists {
	h := MoleculeHists{Atoms: Hist{}, Bonds: Hist{}, Sizes: Hist{}, Rings: Hist{}}
	for _, m := range ms {
		for _, a := range m.Atoms {
			h.Atoms[AtomType{a.Element, a.Charge}.String()]++
		}
		for _, b := range m.Bonds {
			h.Bonds[fmt.Sprint(b.Order)]++
		}
		h.Sizes[fmt.Sprint(len(m.Atoms))]++
		for _, r := range RingSizes(m) {
			h.Rings[fmt.Sprint(r)]++
		}
	}
	return h
}

// TV is the total-variation distance ½·Σ_k |p_k − q_k| between the
// histograms p and q, each normalised to sum 1. Two empty histograms are at
// distance 0; an empty one is at distance 1 from any other.
func TV(p, q Hist) float64 {
	sp, sq := sum(p), sum(q)
	switch {
	case sp == 0 && sq == 0:
		return 0
	case sp == 0 || sq == 0:
		return 1
	}
	all := maps.Clone(p)
	maps.Copy(all, q)
	keys := slices.Sorted(maps.Keys(all)) // a fixed order: the same sum to the last bit
	d := 0.0
	for _, k := range keys {
		d += math.Abs(p[k]/sp - q[k]/sq)
	}
	return d / 2
}

func sum(h Hist) float64 {
	s := 0.0
	for _, v := range h {
		s += v
	}
	return s
}
