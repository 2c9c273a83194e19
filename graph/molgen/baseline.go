package molgen

import (
	"fmt"
	"slices"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/digress"
	"github.com/diffusego/diffusego/graph/molecule"
	"github.com/diffusego/diffusego/tensor"
)

// Frequencies are what the baselines know of the training molecules: the
// distributions of heavy-atom counts, ring counts, atom types (node
// categories of a Vocab) and bond types (edge categories 0…3 over atom
// pairs, 0 being "no bond").
type Frequencies struct {
	Vocab     Vocab
	Sizes     []int     // Sizes[n]: training molecules of n heavy atoms
	Rings     []int     // Rings[r]: training molecules of r rings (RingCount)
	Atoms     []float64 // m_X over all atoms
	BondTypes []float64 // m_E over all atom pairs i < j
}

// NewFrequencies counts the training molecules, whose atom types must all
// be in v.
func NewFrequencies(v Vocab, train []*molecule.Molecule) (*Frequencies, error) {
	if len(train) == 0 {
		return nil, fmt.Errorf("molgen: frequencies of no molecules")
	}
	gs := make([]*graph.Graph, len(train))
	f := &Frequencies{Vocab: v}
	for i, m := range train {
		g, err := v.Graph(m)
		if err != nil {
			return nil, fmt.Errorf("molgen: training molecule %d: %w", i, err)
		}
		gs[i] = g
		n, r := len(m.Atoms), RingCount(m)
		for len(f.Sizes) <= n {
			f.Sizes = append(f.Sizes, 0)
		}
		for len(f.Rings) <= r {
			f.Rings = append(f.Rings, 0)
		}
		f.Sizes[n]++
		f.Rings[r]++
	}
	var err error
	if f.Atoms, f.BondTypes, err = digress.Marginals(gs, len(v.Atoms), BondTypes); err != nil {
		return nil, err
	}
	return f, nil
}

// drawIndex draws an index in proportion to the weights w (a sum > 0).
func drawIndex(w []float64, u float64) int {
	s := 0.0
	for _, x := range w {
		s += x
	}
	u *= s
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1 // rounding: the last category with weight
}

func toFloats(c []int) []float64 {
	out := make([]float64, len(c))
	for i, v := range c {
		out[i] = float64(v)
	}
	return out
}

// Marginal draws count molecular graphs from the frequencies alone: a
// heavy-atom count from the training sizes, every atom's type
// independently from m_X and every atom pair's bond type (none, single,
// double, triple) independently from m_E. It is the prior of DiGress's
// marginal diffusion, the model's starting point, and respects no valence.
// Graph k draws from rng.Split(k).
func (f *Frequencies) Marginal(count int, rng *tensor.RNG) []*graph.Graph {
	nodes, _ := digress.NewMarginal(f.Atoms)
	edges, _ := digress.NewMarginal(f.BondTypes)
	p := digress.Process{Nodes: nodes, Edges: edges}
	sizes := toFloats(f.Sizes)
	out := make([]*graph.Graph, count)
	for k := range out {
		r := rng.Split(uint64(k))
		n := drawIndex(sizes, r.Uniform())
		out[k] = p.Prior([]int{n}, r.Split(1)).Graphs()[0]
	}
	return out
}

// Assemble draws count molecules from the frequencies with valences
// respected by construction, a stronger baseline than Marginal: a
// heavy-atom count n from the training sizes and a ring count r from the
// training ring counts; atom types from m_X; then a random spanning tree
// (atom i bonds to a random earlier atom with free valence) and r extra
// bonds between random unbonded pairs with free valence, every bond's
// order drawn from the bond-order frequencies (m_E without "no bond") and
// lowered to the free valence of its two atoms. Free valence is the
// largest valence molecule.AllowedValences gives the atom's type less its
// bonds. Molecule k draws from rng.Split(k).
func (f *Frequencies) Assemble(count int, rng *tensor.RNG) []*molecule.Molecule {
	sizes, rings := toFloats(f.Sizes), toFloats(f.Rings)
	orders := slices.Clone(f.BondTypes)
	orders[0] = 0
	out := make([]*molecule.Molecule, count)
	for k := range out {
		r := rng.Split(uint64(k))
		n := drawIndex(sizes, r.Uniform())
		m := &molecule.Molecule{Atoms: make([]molecule.Atom, n)}
		free := make([]int, n)
		for i := range m.Atoms {
			t := f.Vocab.Atoms[drawIndex(f.Atoms, r.Uniform())]
			m.Atoms[i] = molecule.Atom{Element: t.Element, Charge: t.Charge}
			free[i] = slices.Max(molecule.AllowedValences(t.Element, t.Charge))
		}
		bonded := map[[2]int]bool{}
		bond := func(i, j int) {
			o := min(drawIndex(orders, r.Uniform()), free[i], free[j])
			m.Bonds = append(m.Bonds, molecule.Bond{A: min(i, j), B: max(i, j), Order: o})
			free[i] -= o
			free[j] -= o
			bonded[[2]int{min(i, j), max(i, j)}] = true
		}
		for i := 1; i < n; i++ {
			var open []int
			for j := range i {
				if free[j] > 0 {
					open = append(open, j)
				}
			}
			if len(open) > 0 && free[i] > 0 {
				bond(i, open[r.Intn(len(open))])
			}
		}
		want := drawIndex(rings, r.Uniform())
		for tries := 0; want > 0 && tries < 100 && n >= 3; tries++ {
			i, j := r.Intn(n), r.Intn(n)
			if i == j || bonded[[2]int{min(i, j), max(i, j)}] || free[i] == 0 || free[j] == 0 {
				continue
			}
			bond(i, j)
			want--
		}
		for i, a := range m.Atoms {
			m.Atoms[i].Hs = ImplicitHs(AtomType{a.Element, a.Charge}, slices.Max(molecule.AllowedValences(a.Element, a.Charge))-free[i])
		}
		out[k] = m
	}
	return out
}
