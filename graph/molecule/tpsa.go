package molecule

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// TPSA is one record of a topological-polar-surface-area table: a SMILES
// string and its TPSA in Å² (Ertl et al. 2000), a property to condition
// generation on.
type TPSA struct {
	SMILES string
	TPSA   float64 // Å²
	Line   int     // 1-based line in the file
}

// TPSAError reports a malformed line of a TPSA table.
type TPSAError struct {
	File  string // name as given by the caller
	Line  int    // 1-based
	Field string // "smiles" or "tpsa"
	Want  string
	Got   string
}

// Error formats e as "first_5k.tpsa.csv:12: field "tpsa": want …, got …".
func (e *TPSAError) Error() string {
	return fmt.Sprintf("%s:%d: field %q: want %s, got %q", e.File, e.Line, e.Field, e.Want, e.Got)
}

// ReadTPSA reads "SMILES,TPSA" lines (the layout of RDKit's
// Data/NCI/first_5k.tpsa.csv): lines starting with '#' and blank lines are
// skipped, and every other line must hold a non-empty SMILES and a finite,
// non-negative number separated by one comma. The SMILES strings are not
// parsed here; name is used in errors.
func ReadTPSA(r io.Reader, name string) ([]TPSA, error) {
	var out []TPSA
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(text); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != 2 {
			return nil, &TPSAError{File: name, Line: line, Field: "line", Want: "2 comma-separated fields (smiles,tpsa)", Got: text}
		}
		smiles, num := strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
		if smiles == "" {
			return nil, &TPSAError{File: name, Line: line, Field: "smiles", Want: "a SMILES string", Got: fields[0]}
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, &TPSAError{File: name, Line: line, Field: "tpsa", Want: "a finite number ≥ 0 (Å²)", Got: num}
		}
		out = append(out, TPSA{SMILES: smiles, TPSA: v, Line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}
