package data

import "fmt"

// Table is a table of text cells as read from a CSV file or a JSON array of
// records, before any column has a type. Missing[i][j] marks a cell that was
// absent: an empty CSV field, a JSON null or a key a record lacks. Lines[i] is
// the 1-based line of row i in its file, for error messages.
type Table struct {
	File    string     // the path or name the table was read from
	Columns []string   // column names, in file order
	Rows    [][]string // Rows[i][j] is the text of row i, column j
	Missing [][]bool   // Missing[i][j] is true for a missing cell
	Lines   []int      // Lines[i] is the file line row i started on
}

// NumRows returns the number of data rows.
func (t *Table) NumRows() int { return len(t.Rows) }

// Column returns the index of the column named name, or −1.
func (t *Table) Column(name string) int {
	for j, c := range t.Columns {
		if c == name {
			return j
		}
	}
	return -1
}

// Line returns the file line of row i, or 0 when the table has no lines.
func (t *Table) Line(i int) int {
	if i >= 0 && i < len(t.Lines) {
		return t.Lines[i]
	}
	return 0
}

// check verifies the table is rectangular and its column names are unique and
// not empty.
func (t *Table) check() error {
	if len(t.Columns) == 0 {
		return &ParseError{File: t.File, Line: 1, Field: "header", Want: "at least one column", Got: "none"}
	}
	seen := make(map[string]bool, len(t.Columns))
	for j, c := range t.Columns {
		if c == "" {
			return &ParseError{File: t.File, Line: 1, Field: fmt.Sprintf("column %d", j+1), Want: "a column name", Got: "an empty name"}
		}
		if seen[c] {
			return &ParseError{File: t.File, Line: 1, Field: c, Want: "unique column names", Got: "a repeated name"}
		}
		seen[c] = true
	}
	return nil
}
