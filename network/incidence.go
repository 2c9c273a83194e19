package network

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ReadIncidence reads a daily incidence curve from a CSV file with a header
// line: one row per day, in order, the counts in column (by name; when
// column is "", the column "incidence" if there is one, else the last
// column). Counts must be whole numbers ≥ 0. Errors name the file, line and
// column.
func ReadIncidence(path, column string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	defer f.Close()
	return ParseIncidence(path, f, column)
}

// ParseIncidence is ReadIncidence on a reader; name is used in errors.
func ParseIncidence(name string, r io.Reader, column string) ([]float64, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{File: name, Line: 1, Field: "header", Want: "a header line and one row per day", Got: "an empty file"}
	}
	if err != nil {
		return nil, csvParseError(name, err)
	}
	col := -1
	want := column
	if want == "" {
		want = "incidence"
	}
	for j, h := range header {
		if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == want {
			col = j
		}
	}
	if col < 0 {
		if column != "" {
			return nil, &ParseError{File: name, Line: 1, Field: "header", Want: fmt.Sprintf("a column %q", column), Got: strconv.Quote(strings.Join(header, ","))}
		}
		col = len(header) - 1
	}
	var y []float64
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvParseError(name, err)
		}
		line, _ := cr.FieldPos(0)
		field := fmt.Sprintf("column %q", strings.TrimSpace(header[col]))
		s := strings.TrimSpace(rec[col])
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, &ParseError{File: name, Line: line, Field: field, Want: "a whole count ≥ 0", Got: strconv.Quote(s)}
		}
		y = append(y, v)
	}
	if len(y) == 0 {
		return nil, &ParseError{File: name, Line: 2, Field: "rows", Want: "one row per day", Got: "a header only"}
	}
	return y, nil
}

// csvParseError turns an encoding/csv error into a *ParseError.
func csvParseError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Field: fmt.Sprintf("column %d", pe.Column), Want: "valid CSV", Got: pe.Err.Error()}
	}
	return &ParseError{File: name, Field: "CSV", Want: "valid CSV", Got: err.Error()}
}
