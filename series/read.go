package series

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data"
)

// Options say how to read a table as a series. The zero value reads a wide
// file whose time column is found by name, with every other column typed by
// inference.
type Options struct {
	// Time names the time column. "" picks the first column named date,
	// time, timestamp, datetime or ds (any case), else the first column.
	Time string
	// ID names the series-id column of a long file (one row per (id, time),
	// as symbol,date,price); "" reads a wide file (one row per time).
	ID string
	// Values are the value columns of a long file; nil means every other
	// column that reads as numeric. Long files ignore every column that is
	// not the time, the id or a value.
	Values []string
	// Numeric and Categorical force a column's type instead of inferring it.
	Numeric, Categorical []string
	// Ignore lists columns to leave out.
	Ignore []string
}

// DateLayouts are the date and time layouts (Go reference time) a time
// column may use, tried in this order on its first cell; every other cell
// must use the layout the first one matched. Times without a zone are UTC.
// Purely numeric day-first or month-first dates (01/02/2006) are not
// accepted: they are ambiguous.
var DateLayouts = []string{
	"2006-01-02",
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006/01/02",
	"2006-01",
	"Jan 2 2006",
	"Jan 2, 2006",
	"January 2 2006",
	"January 2, 2006",
	"2 Jan 2006",
	"2 January 2006",
}

// timeNames are the column names taken as the time column by default.
var timeNames = []string{"date", "time", "timestamp", "datetime", "ds"}

// Read reads the series in the file at path: a JSON array of records when
// the name ends in .json, CSV (first line the header) otherwise. See
// FromTable for what is checked. Errors are *data.ParseError values naming
// the file, the line and the column.
func Read(path string, opt Options) (*Series, error) {
	var t *data.Table
	var err error
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		t, err = data.ReadJSONRows(path)
	} else {
		t, err = data.ReadCSV(path)
	}
	if err != nil {
		return nil, err
	}
	return FromTable(t, opt)
}

// FromTable types the text table t as a series.
//
// The time column is read as dates (DateLayouts) or, when its first cell is
// a number, as numbers; it may have no missing cells. In a wide table times
// must increase strictly from row to row; in a long table they must
// increase strictly within each id, and the ids are pivoted to one column
// each (named by the id, or id.value when there are several value columns),
// rows at the union of all times, NaN where an id has no row.
//
// A column is numeric when every present cell is a number; when more than
// half are, it is still numeric and the first cell that is not is an error
// that states the inferred type; otherwise it is categorical. Missing cells
// are the data.MissingTokens (empty, NA, NaN, null, …) and JSON nulls. A
// column with no present cell, an empty table, an unparseable time and
// times out of order or repeated are errors naming the file, line and
// column.
func FromTable(t *data.Table, opt Options) (*Series, error) {
	if t.NumRows() == 0 {
		return nil, &data.ParseError{File: t.File, Line: 2, Want: "at least one data row", Got: "none"}
	}
	col := func(name, what string) (int, error) {
		j := t.Column(name)
		if j < 0 {
			return -1, &data.ParseError{File: t.File, Line: 1, Field: name,
				Want: what + " named in the header (" + strings.Join(t.Columns, ", ") + ")", Got: "no such column"}
		}
		return j, nil
	}
	for _, list := range [][]string{opt.Values, opt.Numeric, opt.Categorical, opt.Ignore} {
		for _, name := range list {
			if _, err := col(name, "a column"); err != nil {
				return nil, err
			}
		}
	}
	tj, err := timeColumn(t, opt.Time)
	if err != nil {
		return nil, err
	}
	times, steps, err := parseTimes(t, tj)
	if err != nil {
		return nil, err
	}
	s := &Series{File: t.File, TimeName: t.Columns[tj]}
	if opt.ID == "" {
		return s, readWide(t, opt, tj, times, steps, s)
	}
	ij, err := col(opt.ID, "the id column")
	if err != nil {
		return nil, err
	}
	if ij == tj {
		return nil, &data.ParseError{File: t.File, Line: 1, Field: opt.ID, Want: "an id column other than the time column", Got: "the time column"}
	}
	return s, readLong(t, opt, tj, ij, times, steps, s)
}

// timeColumn returns the index of the time column.
func timeColumn(t *data.Table, name string) (int, error) {
	if name != "" {
		j := t.Column(name)
		if j < 0 {
			return -1, &data.ParseError{File: t.File, Line: 1, Field: name,
				Want: "the time column named in the header (" + strings.Join(t.Columns, ", ") + ")", Got: "no such column"}
		}
		return j, nil
	}
	for j, c := range t.Columns {
		if slices.Contains(timeNames, strings.ToLower(c)) {
			return j, nil
		}
	}
	return 0, nil
}

// missing reports whether cell (i, j) of t is missing.
func missing(t *data.Table, i, j int) bool {
	if t.Missing != nil && t.Missing[i][j] {
		return true
	}
	return slices.Contains(data.MissingTokens, strings.TrimSpace(t.Rows[i][j]))
}

// parseNumber reads a finite number.
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseTimes reads column j as dates (times non-nil) or numbers.
func parseTimes(t *data.Table, j int) (times []time.Time, steps []float64, err error) {
	name := t.Columns[j]
	for i := range t.Rows {
		if missing(t, i, j) {
			return nil, nil, &data.ParseError{File: t.File, Line: t.Line(i), Field: name, Want: "a time", Got: "a missing cell"}
		}
	}
	first := strings.TrimSpace(t.Rows[0][j])
	steps = make([]float64, len(t.Rows))
	if _, ok := parseNumber(first); ok {
		for i, row := range t.Rows {
			v, ok := parseNumber(row[j])
			if !ok {
				return nil, nil, &data.ParseError{File: t.File, Line: t.Line(i), Field: name,
					Want: fmt.Sprintf("a number, as the time on line %d (%s)", t.Line(0), first), Got: fmt.Sprintf("%q", row[j])}
			}
			steps[i] = v
		}
		return nil, steps, nil
	}
	layout := ""
	for _, l := range DateLayouts {
		if _, err := time.Parse(l, first); err == nil {
			layout = l
			break
		}
	}
	if layout == "" {
		return nil, nil, &data.ParseError{File: t.File, Line: t.Line(0), Field: name,
			Want: "a date (like 2012-01-31, 2012-01-31T08:00:00Z, Jan 31 2012; see series.DateLayouts) or a number", Got: fmt.Sprintf("%q", first)}
	}
	times = make([]time.Time, len(t.Rows))
	for i, row := range t.Rows {
		x, err := time.Parse(layout, strings.TrimSpace(row[j]))
		if err != nil {
			return nil, nil, &data.ParseError{File: t.File, Line: t.Line(i), Field: name,
				Want: fmt.Sprintf("a date in the layout of line %d (%q, Go layout %q)", t.Line(0), first, layout), Got: fmt.Sprintf("%q", row[j])}
		}
		times[i] = x.UTC()
		steps[i] = float64(x.Unix())/86400 + float64(x.Nanosecond())/86400e9
	}
	return times, steps, nil
}

// checkOrder checks that steps at rows idx increase strictly.
func checkOrder(t *data.Table, tj int, idx []int, steps []float64) error {
	for k := 1; k < len(idx); k++ {
		prev, cur := idx[k-1], idx[k]
		if steps[cur] > steps[prev] {
			continue
		}
		pe := &data.ParseError{File: t.File, Line: t.Line(cur), Field: t.Columns[tj]}
		if steps[cur] == steps[prev] {
			pe.Want = "one row per time"
			pe.Got = fmt.Sprintf("%s again (first on line %d)", t.Rows[cur][tj], t.Line(prev))
		} else {
			pe.Want = fmt.Sprintf("times in increasing order, after %s on line %d", t.Rows[prev][tj], t.Line(prev))
			pe.Got = t.Rows[cur][tj]
		}
		return pe
	}
	return nil
}

// kind is a column's type.
type kind int

const (
	kindNumeric kind = iota
	kindCategorical
)

// columnKind infers (or takes from opt) the type of column j over rows idx
// and checks it has a present cell.
func columnKind(t *data.Table, opt Options, j int, idx []int, what string) (kind, error) {
	name := t.Columns[j]
	present, numbers, firstBad := 0, 0, -1
	for _, i := range idx {
		if missing(t, i, j) {
			continue
		}
		present++
		if _, ok := parseNumber(t.Rows[i][j]); ok {
			numbers++
		} else if firstBad < 0 {
			firstBad = i
		}
	}
	if present == 0 {
		line := 1
		if len(idx) > 0 {
			line = t.Line(idx[0])
		}
		return 0, &data.ParseError{File: t.File, Line: line, Field: name + what, Want: "at least one present value", Got: "every cell missing"}
	}
	switch {
	case slices.Contains(opt.Categorical, name):
		return kindCategorical, nil
	case numbers == present:
		return kindNumeric, nil
	case slices.Contains(opt.Numeric, name):
		return kindNumeric, &data.ParseError{File: t.File, Line: t.Line(firstBad), Field: name + what,
			Want: "a number (the column is declared numeric)", Got: fmt.Sprintf("%q", t.Rows[firstBad][j])}
	case 2*numbers > present:
		return kindNumeric, &data.ParseError{File: t.File, Line: t.Line(firstBad), Field: name + what,
			Want: fmt.Sprintf("a number (the column reads as numeric: %d of %d present cells are numbers; list it in Options.Categorical to keep it as categories)", numbers, present),
			Got:  fmt.Sprintf("%q", t.Rows[firstBad][j])}
	}
	return kindCategorical, nil
}

// readWide fills s from a wide table.
func readWide(t *data.Table, opt Options, tj int, times []time.Time, steps []float64, s *Series) error {
	all := make([]int, t.NumRows())
	for i := range all {
		all[i] = i
	}
	if err := checkOrder(t, tj, all, steps); err != nil {
		return err
	}
	s.Times, s.Steps = times, steps
	s.Lines = append([]int(nil), t.Lines...)
	s.Values = make([][]float64, t.NumRows())
	var numeric []int
	for j, name := range t.Columns {
		if j == tj || slices.Contains(opt.Ignore, name) {
			continue
		}
		k, err := columnKind(t, opt, j, all, "")
		if err != nil {
			return err
		}
		if k == kindNumeric {
			numeric = append(numeric, j)
			s.Columns = append(s.Columns, name)
			continue
		}
		c := Categorical{Name: name, IDs: make([]int, t.NumRows())}
		index := map[string]int{}
		for i := range t.Rows {
			if missing(t, i, j) {
				c.IDs[i] = -1
				continue
			}
			v := strings.TrimSpace(t.Rows[i][j])
			id, ok := index[v]
			if !ok {
				id = len(c.Levels)
				index[v] = id
				c.Levels = append(c.Levels, v)
			}
			c.IDs[i] = id
		}
		s.Categorical = append(s.Categorical, c)
	}
	for i := range t.Rows {
		row := make([]float64, len(numeric))
		for d, j := range numeric {
			row[d] = math.NaN()
			if !missing(t, i, j) {
				row[d], _ = parseNumber(t.Rows[i][j]) // checked by columnKind
			}
		}
		s.Values[i] = row
	}
	return nil
}
