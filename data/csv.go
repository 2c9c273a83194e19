package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MissingTokens are the CSV cell texts read as missing values (compared after
// trimming spaces): the empty field and the usual spellings of NA.
var MissingTokens = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"}

// isMissing reports whether s spells a missing value.
func isMissing(s string) bool {
	s = strings.TrimSpace(s)
	for _, m := range MissingTokens {
		if s == m {
			return true
		}
	}
	return false
}

// ReadCSV reads the CSV file at path (RFC 4180, first line the header) into a
// Table. A row with a different number of fields than the header is an error
// that names its line.
func ReadCSV(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ParseCSV(f, path)
}

// ParseCSV reads a CSV table from r; name is used in error messages. Cells are
// trimmed of surrounding spaces; the tokens in MissingTokens are missing.
func ParseCSV(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, to name row and column
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{File: name, Line: 1, Field: "header", Want: "a header line", Got: "an empty file"}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	t := &Table{File: name}
	for _, h := range header {
		t.Columns = append(t.Columns, strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(t.Columns) {
			field := fmt.Sprintf("row %d", len(t.Rows)+1)
			if len(rec) > len(t.Columns) {
				field += fmt.Sprintf(", column %d", len(t.Columns)+1)
			} else {
				field += fmt.Sprintf(", column %d (%s)", len(rec)+1, t.Columns[len(rec)])
			}
			return nil, &ParseError{File: name, Line: line, Field: field,
				Want: fmt.Sprintf("%d fields as in the header", len(t.Columns)), Got: fmt.Sprintf("%d fields", len(rec))}
		}
		row := make([]string, len(rec))
		miss := make([]bool, len(rec))
		for j, c := range rec {
			row[j] = strings.TrimSpace(c)
			miss[j] = isMissing(c)
			if miss[j] {
				row[j] = ""
			}
		}
		t.Rows = append(t.Rows, row)
		t.Missing = append(t.Missing, miss)
		t.Lines = append(t.Lines, line)
	}
	return t, nil
}

// csvError turns an encoding/csv error into a *ParseError with its line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Field: fmt.Sprintf("column %d", pe.Column), Want: "valid CSV", Got: pe.Err.Error()}
	}
	return fmt.Errorf("data: %s: %w", name, err)
}

// WriteCSV writes t as CSV with a header line; missing cells are empty.
func WriteCSV(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for i, row := range t.Rows {
		for j := range rec {
			rec[j] = row[j]
			if t.Missing != nil && t.Missing[i][j] {
				rec[j] = ""
			}
		}
		if len(rec) == 1 && rec[0] == "" {
			// A lone empty field would be a blank line, which readers skip.
			cw.Flush()
			if _, err := io.WriteString(w, "\"\"\n"); err != nil {
				return err
			}
			continue
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
