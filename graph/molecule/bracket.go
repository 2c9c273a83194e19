package molecule

import (
	"slices"
	"strings"
)

// bracketAtom reads [isotope? symbol chiral? hcount? charge? class?].
func (p *parser) bracketAtom() (int, error) {
	col := p.i + 1
	p.i++ // '['
	a := pAtom{col: col, bracket: true}
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		a.Isotope = 10*a.Isotope + int(p.s[p.i]-'0')
		if a.Isotope > 999 {
			return 0, p.fail(p.i+1, KindSyntax, "isotope above 999")
		}
		p.i++
	}
	if err := p.symbol(&a); err != nil {
		return 0, err
	}
	// Chirality (@, @@, @TH1, @AL2, @SP3, @TB12, @OH30) is read and dropped.
	if p.i < len(p.s) && p.s[p.i] == '@' {
		p.i++
		if p.i < len(p.s) && p.s[p.i] == '@' {
			p.i++
		} else {
			for _, cls := range []string{"TH", "AL", "SP", "TB", "OH"} {
				if strings.HasPrefix(p.s[p.i:], cls) {
					p.i += 2
					start := p.i
					for p.i < len(p.s) && isDigit(p.s[p.i]) && p.i-start < 2 {
						p.i++
					}
					if p.i == start {
						return 0, p.fail(p.i+1, KindSyntax, "want a number after chirality class @%s, got %s", cls, p.got(p.i))
					}
					break
				}
			}
		}
	}
	if p.i < len(p.s) && p.s[p.i] == 'H' {
		p.i++
		a.Hs = 1
		if p.i < len(p.s) && isDigit(p.s[p.i]) {
			a.Hs = int(p.s[p.i] - '0')
			p.i++
			if p.i < len(p.s) && isDigit(p.s[p.i]) { // beyond OpenSMILES, for [PH12+5]-like output
				a.Hs = 10*a.Hs + int(p.s[p.i]-'0')
				p.i++
			}
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		ccol := p.i + 1
		sign := 1
		if p.s[p.i] == '-' {
			sign = -1
		}
		sym := p.s[p.i]
		p.i++
		switch {
		case p.i < len(p.s) && isDigit(p.s[p.i]):
			n := 0
			for p.i < len(p.s) && isDigit(p.s[p.i]) && n <= 15 {
				n = 10*n + int(p.s[p.i]-'0')
				p.i++
			}
			if n > 15 {
				return 0, p.fail(ccol, KindCharge, "charge magnitude above 15")
			}
			a.Charge = sign * n
		default:
			n := 1
			for p.i < len(p.s) && p.s[p.i] == sym {
				n++
				p.i++
			}
			if n > 15 {
				return 0, p.fail(ccol, KindCharge, "charge magnitude above 15")
			}
			a.Charge = sign * n
		}
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			return 0, p.fail(p.i+1, KindCharge, "want one charge sign, got %q after %q", p.s[p.i], sym)
		}
	}
	if p.i < len(p.s) && p.s[p.i] == ':' { // atom class, dropped
		p.i++
		start := p.i
		for p.i < len(p.s) && isDigit(p.s[p.i]) {
			p.i++
		}
		if p.i == start {
			return 0, p.fail(p.i+1, KindSyntax, "want a number after ':' (atom class), got %s", p.got(p.i))
		}
	}
	if p.i >= len(p.s) || p.s[p.i] != ']' {
		return 0, p.fail(p.i+1, KindSyntax, "want ']' to end the bracket atom opened at column %d, got %s", col, p.got(p.i))
	}
	p.i++
	p.atoms = append(p.atoms, a)
	return len(p.atoms) - 1, nil
}

// aromaticSymbols are the lower-case symbols OpenSMILES allows in brackets.
var aromaticSymbols = []string{"se", "as", "te", "b", "c", "n", "o", "p", "s"}

// symbol reads the element symbol of a bracket atom.
func (p *parser) symbol(a *pAtom) error {
	col := p.i + 1
	s := p.s[p.i:]
	for _, sym := range aromaticSymbols {
		if strings.HasPrefix(s, sym) {
			el := strings.ToUpper(sym[:1]) + sym[1:]
			if !slices.Contains(Supported, el) {
				return p.fail(col, KindElement, "element %s is not supported (want one of %s)", el, strings.Join(Supported, " "))
			}
			a.Element, a.Aromatic = el, true
			p.i += len(sym)
			return nil
		}
	}
	if len(s) == 0 || s[0] < 'A' || s[0] > 'Z' {
		return p.fail(col, KindSyntax, "want an element symbol after '[', got %s", p.got(p.i))
	}
	el := s[:1]
	if len(s) > 1 && s[1] >= 'a' && s[1] <= 'z' && atomicNumber(s[:2]) > 0 {
		el = s[:2]
	}
	if atomicNumber(el) == 0 {
		two := el
		if len(s) > 1 && s[1] >= 'a' && s[1] <= 'z' {
			two = s[:2]
		}
		return p.fail(col, KindUnknown, "no element %q", two)
	}
	if !slices.Contains(Supported, el) {
		return p.fail(col, KindElement, "element %s is not supported (want one of %s)", el, strings.Join(Supported, " "))
	}
	a.Element = el
	p.i += len(el)
	return nil
}
