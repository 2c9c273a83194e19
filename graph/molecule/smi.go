package molecule

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Record is one line of a SMILES file: the SMILES string, the rest of the
// line (a name or an identifier, often empty) and the 1-based line number.
type Record struct {
	SMILES string
	Name   string
	Line   int
}

// ReadSMI reads a .smi file: one molecule per line, the SMILES string first,
// then optional whitespace and a name (the layout of RDKit's
// Data/NCI/first_5K.smi). Blank lines and lines starting with '#' are
// skipped. The SMILES strings are not parsed here, so that a caller can count
// refusals (Parse each Record.SMILES); name is used in errors.
func ReadSMI(r io.Reader, name string) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		smiles := strings.Fields(text)[0] // text is trimmed, so it starts with the SMILES
		out = append(out, Record{SMILES: smiles, Name: strings.TrimSpace(text[len(smiles):]), Line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}
