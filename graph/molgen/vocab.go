package molgen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/graph/molecule"
)

// BondTypes is the number of edge categories of a molecular graph: 0 is
// "no bond" and k = 1, 2, 3 is a bond of order k.
const BondTypes = 4

// AtomType is a node category: an element with a formal charge.
type AtomType struct {
	Element string
	Charge  int
}

// String writes the type as "C", "N+", "O-" or "N+2".
func (a AtomType) String() string {
	switch {
	case a.Charge == 0:
		return a.Element
	case a.Charge == 1:
		return a.Element + "+"
	case a.Charge == -1:
		return a.Element + "-"
	default:
		return fmt.Sprintf("%s%+d", a.Element, a.Charge)
	}
}

// ParseAtomType reads what AtomType.String writes.
func ParseAtomType(s string) (AtomType, error) {
	i := strings.IndexAny(s, "+-")
	if i < 0 {
		if s == "" {
			return AtomType{}, fmt.Errorf("molgen: empty atom type")
		}
		return AtomType{Element: s}, nil
	}
	a := AtomType{Element: s[:i]}
	switch rest := s[i:]; rest {
	case "+":
		a.Charge = 1
	case "-":
		a.Charge = -1
	default:
		c, err := strconv.Atoi(rest)
		if err != nil {
			return AtomType{}, fmt.Errorf("molgen: atom type %q: want an element and a charge such as N+ or O-", s)
		}
		a.Charge = c
	}
	if a.Element == "" {
		return AtomType{}, fmt.Errorf("molgen: atom type %q: no element", s)
	}
	return a, nil
}

// Vocab maps the atoms of molecules to node categories and back: node
// category t is Atoms[t]. Edge category k is bond order k (0: no bond).
// Hydrogens are implicit: they are not nodes, and a graph read back as a
// molecule gives each atom the hydrogens that fill it to the smallest
// valence it is allowed (ImplicitHs).
type Vocab struct {
	Atoms []AtomType
}

// NewVocab lists the atom types of ms, ordered by element symbol and then
// charge, so that the same molecules give the same vocabulary.
func NewVocab(ms []*molecule.Molecule) Vocab {
	seen := map[AtomType]bool{}
	var v Vocab
	for _, m := range ms {
		for _, a := range m.Atoms {
			t := AtomType{a.Element, a.Charge}
			if !seen[t] {
				seen[t] = true
				v.Atoms = append(v.Atoms, t)
			}
		}
	}
	slices.SortFunc(v.Atoms, func(a, b AtomType) int {
		if c := strings.Compare(a.Element, b.Element); c != 0 {
			return c
		}
		return a.Charge - b.Charge
	})
	return v
}

// Names returns the atom types' names, node category order.
func (v Vocab) Names() []string {
	out := make([]string, len(v.Atoms))
	for i, a := range v.Atoms {
		out[i] = a.String()
	}
	return out
}

// ParseVocab reads a vocabulary from the names Names writes.
func ParseVocab(names []string) (Vocab, error) {
	var v Vocab
	seen := map[AtomType]bool{}
	for i, s := range names {
		a, err := ParseAtomType(s)
		if err != nil {
			return Vocab{}, fmt.Errorf("atom type %d: %w", i, err)
		}
		if molecule.AllowedValences(a.Element, a.Charge) == nil {
			return Vocab{}, fmt.Errorf("molgen: atom type %d %q: element not supported (want one of %s)", i, s, strings.Join(molecule.Supported, " "))
		}
		if seen[a] {
			return Vocab{}, fmt.Errorf("molgen: atom type %d %q listed twice", i, s)
		}
		seen[a] = true
		v.Atoms = append(v.Atoms, a)
	}
	if len(v.Atoms) == 0 {
		return Vocab{}, fmt.Errorf("molgen: empty vocabulary")
	}
	return v, nil
}

// Graph encodes m as a typed graph: node i has the category of atom i, the
// edge i–j the bond order. Hydrogens, isotopes and the aromatic flag of the
// input are dropped. An atom type outside the vocabulary is an error.
func (v Vocab) Graph(m *molecule.Molecule) (*graph.Graph, error) {
	g, err := graph.New(len(m.Atoms))
	if err != nil {
		return nil, err
	}
	g.NodeNames, g.EdgeNames = v.Names(), []string{"single", "double", "triple"}
	for i, a := range m.Atoms {
		t := slices.Index(v.Atoms, AtomType{a.Element, a.Charge})
		if t < 0 {
			return nil, fmt.Errorf("molgen: atom %d: type %s is not in the vocabulary %v", i, AtomType{a.Element, a.Charge}, v.Names())
		}
		if err := g.SetNodeType(i, t); err != nil {
			return nil, err
		}
	}
	for _, b := range m.Bonds {
		if err := g.SetEdge(b.A, b.B, b.Order); err != nil {
			return nil, fmt.Errorf("molgen: bond %d–%d: %w", b.A, b.B, err)
		}
	}
	return g, nil
}

// Molecule decodes a graph as a molecule: atoms of the vocabulary's types,
// bonds of the edge types' orders, and implicit hydrogens (ImplicitHs). It
// corrects nothing: an atom above every valence its type allows is kept as
// it is (Valid refuses it), and several components stay one molecule. Node
// categories outside the vocabulary and edge types above 3 are errors.
func (v Vocab) Molecule(g *graph.Graph) (*molecule.Molecule, error) {
	m := &molecule.Molecule{Atoms: make([]molecule.Atom, g.N())}
	sum := make([]int, g.N())
	for _, e := range g.Edges() {
		if e.Type < 1 || e.Type >= BondTypes {
			return nil, fmt.Errorf("molgen: edge %d–%d: type %d: want a bond order 1, 2 or 3", e.Source, e.Target, e.Type)
		}
		m.Bonds = append(m.Bonds, molecule.Bond{A: e.Source, B: e.Target, Order: e.Type})
		sum[e.Source] += e.Type
		sum[e.Target] += e.Type
	}
	for i := range m.Atoms {
		t := g.NodeType(i)
		if t >= len(v.Atoms) {
			return nil, fmt.Errorf("molgen: node %d: type %d: want below %d (the vocabulary)", i, t, len(v.Atoms))
		}
		a := v.Atoms[t]
		m.Atoms[i] = molecule.Atom{Element: a.Element, Charge: a.Charge, Hs: ImplicitHs(a, sum[i])}
	}
	return m, nil
}

// ImplicitHs is the number of hydrogens an atom of type a with bond-order
// sum s carries: the smallest valence allowed for its element and charge
// (molecule.AllowedValences, RDKit's) that is at least s, less s; 0 when s
// exceeds them all (the atom is then invalid) or when the type allows no
// valence.
func ImplicitHs(a AtomType, s int) int {
	for _, v := range molecule.AllowedValences(a.Element, a.Charge) {
		if v >= s {
			return v - s
		}
	}
	return 0
}
