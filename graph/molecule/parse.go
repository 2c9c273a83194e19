package molecule

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Kind groups parse errors, so that a reader of many SMILES can count why
// molecules were refused.
type Kind string

// The kinds of ParseError.
const (
	KindSyntax  Kind = "syntax"              // a character that cannot come here
	KindElement Kind = "unsupported element" // a real element outside Supported, or a wildcard
	KindUnknown Kind = "unknown element"     // no such element symbol
	KindRing    Kind = "ring closure"        // unclosed, self or duplicate ring bond
	KindBranch  Kind = "branch"              // unclosed, unmatched or empty branch
	KindBond    Kind = "bond"                // dangling or unsupported bond symbol
	KindCharge  Kind = "charge"              // malformed or out-of-range charge
	KindKekule  Kind = "kekulisation"        // aromatic input with no Kekulé structure
	KindValence Kind = "valence"             // an atom above its allowed valence
)

// ParseError reports where a SMILES string is wrong and what was expected.
type ParseError struct {
	Col  int    // 1-based column (byte offset + 1) of the offending character or atom
	Kind Kind   // the group of the fault
	Msg  string // what was expected and what was found
}

// Error formats e as "smiles column 4: ring closure: …".
func (e *ParseError) Error() string {
	return fmt.Sprintf("smiles column %d: %s: %s", e.Col, e.Kind, e.Msg)
}

// pAtom is an atom while parsing: the atom, where it was written, and
// whether its hydrogens were given (bracket) or are to be computed.
type pAtom struct {
	Atom
	col     int
	bracket bool
}

// pBond is a bond while parsing; order 0 with arom set is an aromatic bond.
type pBond struct {
	a, b, order int
	arom        bool
	col         int
}

// bondSym is a bond symbol read and waiting for its second atom.
type bondSym struct {
	set   bool
	order int // 1, 2, 3; 0 for ':' (aromatic)
	col   int
}

// ringOpen is a ring-closure number waiting for its partner.
type ringOpen struct {
	atom int
	bond bondSym
	col  int
}

type parser struct {
	s      string
	i      int
	atoms  []pAtom
	bonds  []pBond
	bonded map[[2]int]bool
	rings  map[int]ringOpen
}

func (p *parser) fail(col int, kind Kind, format string, args ...any) error {
	return &ParseError{Col: col, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// got describes the character at byte offset i for error messages.
func (p *parser) got(i int) string {
	if i >= len(p.s) {
		return "end of input"
	}
	return fmt.Sprintf("%q", p.s[i])
}

// Parse reads one SMILES string (OpenSMILES, organic subset plus bracket atoms
// of the same elements) into a kekulised, valence-checked Molecule. Errors are
// *ParseError values naming the column. See the package documentation for
// what is kept and what is ignored (stereo, atom classes).
func Parse(smiles string) (*Molecule, error) {
	p := &parser{s: smiles, bonded: map[[2]int]bool{}, rings: map[int]ringOpen{}}
	if err := p.scan(); err != nil {
		return nil, err
	}
	return p.finish()
}

type branchOpen struct{ atom, col, natoms int }

// scan reads the string into p.atoms and p.bonds.
func (p *parser) scan() error {
	const (
		wantAtom  = iota // start, after '.'
		afterOpen        // after '(': bond, '.' or atom
		afterBond        // atom or ring number
		afterAtom        // anything
	)
	state := wantAtom
	prev := -1
	var pending bondSym
	var stack []branchOpen
	dotCol := 0
	for p.i < len(p.s) {
		c := p.s[p.i]
		col := p.i + 1
		switch {
		case (c == '(' || c == '.') && state == afterBond:
			return p.fail(pending.col, KindBond, "dangling bond %q: want an atom after it, got %q", p.s[pending.col-1], c)
		case c == '(':
			if state != afterAtom {
				return p.fail(col, KindBranch, "want an atom before '(', got '('")
			}
			stack = append(stack, branchOpen{prev, col, len(p.atoms)})
			state = afterOpen
			p.i++
		case c == ')':
			if len(stack) == 0 {
				return p.fail(col, KindBranch, "')' with no open branch")
			}
			if pending.set {
				return p.fail(pending.col, KindBond, "dangling bond %q: want an atom after it, got ')'", p.s[pending.col-1])
			}
			top := stack[len(stack)-1]
			if len(p.atoms) == top.natoms {
				return p.fail(top.col, KindBranch, "empty branch: want an atom inside '(' … ')'")
			}
			if state == wantAtom {
				return p.fail(col, KindSyntax, "want an atom after '.', got ')'")
			}
			stack = stack[:len(stack)-1]
			prev = top.atom
			state = afterAtom
			p.i++
		case c == '.':
			if state != afterAtom && state != afterOpen {
				return p.fail(col, KindSyntax, "want an atom before '.', got '.'")
			}
			prev, state, dotCol = -1, wantAtom, col
			p.i++
		case strings.IndexByte("-=#:/\\$", c) >= 0:
			if state != afterAtom && state != afterOpen {
				return p.fail(col, KindBond, "want an atom before bond %q", c)
			}
			switch c {
			case '$':
				return p.fail(col, KindBond, "quadruple bond '$' is not supported: want - = # or :")
			case '=':
				pending = bondSym{true, 2, col}
			case '#':
				pending = bondSym{true, 3, col}
			case ':':
				pending = bondSym{true, 0, col}
			default: // '-', and '/' '\' whose cis/trans meaning is ignored
				pending = bondSym{true, 1, col}
			}
			state = afterBond
			p.i++
		case c >= '0' && c <= '9' || c == '%':
			if state != afterAtom && state != afterBond || prev < 0 {
				return p.fail(col, KindRing, "want an atom before ring-closure number, got %q", c)
			}
			n, err := p.ringNumber()
			if err != nil {
				return err
			}
			if err := p.ring(n, prev, pending, col); err != nil {
				return err
			}
			pending = bondSym{}
			state = afterAtom
		default:
			idx, err := p.atom()
			if err != nil {
				return err
			}
			if prev >= 0 {
				if err := p.addBond(prev, idx, pending, p.atoms[idx].col); err != nil {
					return err
				}
			}
			pending = bondSym{}
			prev, state = idx, afterAtom
		}
	}
	end := len(p.s) + 1
	if pending.set {
		return p.fail(pending.col, KindBond, "dangling bond %q: want an atom after it, got end of input", p.s[pending.col-1])
	}
	if len(stack) > 0 {
		return p.fail(stack[len(stack)-1].col, KindBranch, "unclosed branch: want ')' before the end")
	}
	if len(p.rings) > 0 {
		first := ringOpen{col: end}
		num := 0
		for n, r := range p.rings {
			if r.col < first.col {
				first, num = r, n
			}
		}
		return p.fail(first.col, KindRing, "unclosed ring %d: want a second %d before the end", num, num)
	}
	if len(p.atoms) == 0 {
		return p.fail(1, KindSyntax, "want at least one atom, got an empty string")
	}
	if state == wantAtom {
		return p.fail(dotCol, KindSyntax, "want an atom after '.', got end of input")
	}
	return nil
}

// ringNumber reads a ring-closure number: a digit, %nn or %(n…).
func (p *parser) ringNumber() (int, error) {
	col := p.i + 1
	c := p.s[p.i]
	if c != '%' {
		p.i++
		return int(c - '0'), nil
	}
	p.i++
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		n, digits := 0, 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' && digits < 5 {
			n = 10*n + int(p.s[p.i]-'0')
			p.i++
			digits++
		}
		if digits == 0 || p.i >= len(p.s) || p.s[p.i] != ')' {
			return 0, p.fail(col, KindRing, "want %%(digits) with up to 5 digits, got %s", p.got(p.i))
		}
		p.i++
		return n, nil
	}
	if p.i+1 >= len(p.s) || !isDigit(p.s[p.i]) || !isDigit(p.s[p.i+1]) {
		return 0, p.fail(col, KindRing, "want two digits after '%%', got %s", p.got(p.i))
	}
	n := int(p.s[p.i]-'0')*10 + int(p.s[p.i+1]-'0')
	p.i += 2
	return n, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ring opens or closes ring-closure number n at atom a.
func (p *parser) ring(n, a int, bond bondSym, col int) error {
	open, ok := p.rings[n]
	if !ok {
		p.rings[n] = ringOpen{atom: a, bond: bond, col: col}
		return nil
	}
	delete(p.rings, n)
	if open.atom == a {
		return p.fail(col, KindRing, "ring %d opened at column %d closes on the same atom", n, open.col)
	}
	if open.bond.set && bond.set && open.bond.order != bond.order {
		return p.fail(bond.col, KindRing, "ring %d: bond %q here conflicts with %q at column %d",
			n, p.s[bond.col-1], p.s[open.bond.col-1], open.bond.col)
	}
	if !bond.set {
		bond = open.bond
	}
	return p.addBond(open.atom, a, bond, col)
}

// addBond joins atoms a and b with the bond symbol (or the default bond).
func (p *parser) addBond(a, b int, sym bondSym, col int) error {
	key := [2]int{min(a, b), max(a, b)}
	if p.bonded[key] {
		return p.fail(col, KindRing, "atoms at columns %d and %d are already bonded", p.atoms[a].col, p.atoms[b].col)
	}
	p.bonded[key] = true
	pb := pBond{a: a, b: b, order: sym.order, col: col}
	switch {
	case sym.set && sym.order == 0:
		pb.arom = true
	case !sym.set && p.atoms[a].Aromatic && p.atoms[b].Aromatic:
		pb.arom = true // OpenSMILES: an unwritten bond between aromatic atoms is aromatic
	case !sym.set:
		pb.order = 1
	}
	p.bonds = append(p.bonds, pb)
	return nil
}

// atom reads a bare organic-subset atom or a bracket atom.
func (p *parser) atom() (int, error) {
	col := p.i + 1
	s := p.s[p.i:]
	if s[0] == '[' {
		return p.bracketAtom()
	}
	var a pAtom
	switch {
	case strings.HasPrefix(s, "Cl"), strings.HasPrefix(s, "Br"):
		a.Element = s[:2]
	case strings.IndexByte("BCNOPSFI", s[0]) >= 0:
		a.Element = s[:1]
	case strings.IndexByte("bcnops", s[0]) >= 0:
		a.Element, a.Aromatic = strings.ToUpper(s[:1]), true
	case s[0] == '*':
		return 0, p.fail(col, KindElement, "wildcard atom '*' is not supported")
	case s[0] == 'H':
		return 0, p.fail(col, KindSyntax, "want hydrogen as a count inside brackets ([CH4]) or as [H], got bare 'H'")
	default:
		return 0, p.fail(col, KindSyntax, "want an atom (B C N O P S F Cl Br I, b c n o p s, or [...]), got %q", s[0])
	}
	p.i += len(a.Element)
	a.col = col
	p.atoms = append(p.atoms, a)
	return len(p.atoms) - 1, nil
}

// finish resolves aromatic bonds to a Kekulé structure, fills in implicit
// hydrogens and checks valences.
func (p *parser) finish() (*Molecule, error) {
	m := &Molecule{Atoms: make([]Atom, len(p.atoms)), Bonds: make([]Bond, len(p.bonds))}
	for i, a := range p.atoms {
		m.Atoms[i] = a.Atom
	}
	for k, b := range p.bonds {
		m.Bonds[k] = Bond{A: b.a, B: b.b, Order: b.order}
	}
	p.aromaticNOxides(m)
	if err := p.kekulise(m); err != nil {
		return nil, err
	}
	sum := make([]int, len(m.Atoms))
	for _, b := range m.Bonds {
		sum[b.A] += b.Order
		sum[b.B] += b.Order
	}
	for i, a := range p.atoms {
		if !a.bracket {
			m.Atoms[i].Hs = implicitHs(a.Element, sum[i])
		}
	}
	if m.CleanUp() > 0 {
		clear(sum)
		for _, b := range m.Bonds {
			sum[b.A] += b.Order
			sum[b.B] += b.Order
		}
	}
	for i, a := range m.Atoms {
		if err := checkValence(i, a, sum[i]+a.Hs); err != nil {
			var ve *ValenceError
			errors.As(err, &ve)
			what := "[" + a.Element + "]"
			if !p.atoms[i].bracket {
				what = a.Element
			}
			return nil, p.fail(p.atoms[i].col, KindValence, "%s has valence %d, want at most %d for %s with charge %+d",
				what, ve.Valence, slices.Max(ve.Allowed), a.Element, a.Charge)
		}
	}
	return m, nil
}

// aromaticNOxides charge-separates an aromatic n written with a double bond
// to O (c1ccn(=O)cc1) into [n+][O-] before kekulisation, as RDKit's clean-up
// does: written that way the n would be pentavalent and take no ring double
// bond, leaving the ring without a Kekulé structure.
func (p *parser) aromaticNOxides(m *Molecule) {
	adj := m.adjacency()
	for i, a := range p.atoms {
		if !a.Aromatic || a.Element != "N" || a.Charge != 0 || a.Hs != 0 {
			continue
		}
		arom, oxo := 0, -1
		for _, e := range adj[i] {
			b, o := p.bonds[e.bond], p.atoms[e.to]
			switch {
			case b.arom:
				arom++
			case b.order == 2 && o.Element == "O" && o.Charge == 0 && !o.Aromatic:
				oxo = e.bond
			}
		}
		if arom != 2 || oxo < 0 {
			continue
		}
		o := p.bonds[oxo].a
		if o == i {
			o = p.bonds[oxo].b
		}
		p.bonds[oxo].order, m.Bonds[oxo].Order = 1, 1
		p.atoms[i].Charge, m.Atoms[i].Charge = 1, 1
		p.atoms[o].Charge, m.Atoms[o].Charge = -1, -1
		p.atoms[i].bracket, p.atoms[o].bracket = true, true // hydrogens stay 0
		m.Atoms[i].Hs, m.Atoms[o].Hs = 0, 0
	}
}
