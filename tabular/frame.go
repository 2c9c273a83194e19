package tabular

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/diffusego/diffusego/data"
)

// Frame is a typed table: Cols[j][i] is row i of column j. Numbers are kept
// as float64; discrete columns hold the index into Column.Categories. A
// missing cell is NaN.
type Frame struct {
	Schema *Schema
	Cols   [][]float64
}

// Rows returns the number of rows of f.
func (f *Frame) Rows() int {
	if len(f.Cols) == 0 {
		return 0
	}
	return len(f.Cols[0])
}

// Subset returns the rows idx of f, in that order, as a new Frame.
func (f *Frame) Subset(idx []int) *Frame {
	out := &Frame{Schema: f.Schema, Cols: make([][]float64, len(f.Cols))}
	for j, col := range f.Cols {
		out.Cols[j] = make([]float64, len(idx))
		for k, i := range idx {
			out.Cols[j][k] = col[i]
		}
	}
	return out
}

// Append returns the rows of f followed by those of g (same schema).
func (f *Frame) Append(g *Frame) *Frame {
	out := &Frame{Schema: f.Schema, Cols: make([][]float64, len(f.Cols))}
	for j := range f.Cols {
		out.Cols[j] = append(slices.Clone(f.Cols[j]), g.Cols[j]...)
	}
	return out
}

// Parse types the cells of t by schema s: columns are found by name (extra
// columns of t are ignored), numbers parsed, categories looked up. A cell that
// does not fit, or a category not in the schema, is an error naming its row
// and column. na lists extra texts read as missing. The schema's missing
// policy is not applied here; see Schema.Apply.
func Parse(t *data.Table, s *Schema, na []string) (*Frame, error) {
	f := &Frame{Schema: s, Cols: make([][]float64, len(s.Columns))}
	for j, c := range s.Columns {
		src := t.Column(c.Name)
		if src < 0 {
			return nil, &data.ParseError{File: t.File, Line: 1, Field: c.Name, Want: "a column of the schema", Got: "no such column"}
		}
		col := make([]float64, len(t.Rows))
		for i := range t.Rows {
			v, miss := cell(t, i, src, &Config{NA: na})
			if miss {
				col[i] = math.NaN()
				continue
			}
			x, err := parseCell(c, v)
			if err != nil {
				return nil, &data.ParseError{File: t.File, Line: t.Line(i), Field: fmt.Sprintf("row %d, column %s", i+1, c.Name), Want: err.Error(), Got: strconv.Quote(v)}
			}
			col[i] = x
		}
		f.Cols[j] = col
	}
	return f, nil
}

// parseCell reads one non-missing cell of column c.
func parseCell(c Column, v string) (float64, error) {
	if err := fits(c.Kind, v); err != nil {
		return 0, err
	}
	switch c.Kind {
	case Numeric, Integer:
		return strconv.ParseFloat(v, 64)
	case Boolean:
		b, _ := parseBool(v)
		v = strconv.FormatBool(b)
	}
	k := slices.Index(c.Categories, v)
	if k < 0 {
		return 0, fmt.Errorf("one of the %d categories seen in training", len(c.Categories))
	}
	return float64(k), nil
}

// Apply carries out the schema's missing policy on f in place and returns
// it: drop removes rows with a missing cell, impute fills the column mean
// (rounded for integers) or mode, model leaves them. After drop or impute no
// column is marked Missing.
func (s *Schema) Apply(f *Frame) *Frame {
	switch s.Policy {
	case MissingDrop:
		var keep []int
		for i := range f.Rows() {
			ok := true
			for _, col := range f.Cols {
				ok = ok && !math.IsNaN(col[i])
			}
			if ok {
				keep = append(keep, i)
			}
		}
		f = f.Subset(keep)
	case MissingImpute:
		for j, c := range s.Columns {
			fill := columnCenter(c, f.Cols[j])
			for i, v := range f.Cols[j] {
				if math.IsNaN(v) {
					f.Cols[j][i] = fill
				}
			}
		}
	}
	if s.Policy != MissingModel {
		for j := range s.Columns {
			s.Columns[j].Missing = false
		}
	}
	return f
}

// columnCenter is the mean (numbers, rounded as the column is) or the mode
// (categories) of the non-missing values of col.
func columnCenter(c Column, col []float64) float64 {
	if c.Kind.Discrete() {
		counts := make([]int, len(c.Categories))
		for _, v := range col {
			if !math.IsNaN(v) {
				counts[int(v)]++
			}
		}
		return float64(argmax(counts))
	}
	sum, n := 0.0, 0
	for _, v := range col {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	return c.round(sum / float64(max(n, 1)))
}

// round puts a sampled number on the grid of column c: whole for integers,
// c.Decimals digits after the point for numbers. A tiny negative value
// rounds to +0, not −0, so that it is written "0" rather than "-0".
func (c Column) round(v float64) float64 {
	switch c.Kind {
	case Integer:
		v = math.Round(v)
	case Numeric:
		p := math.Pow(10, float64(c.Decimals))
		v = math.Round(v*p) / p
	default:
		return v
	}
	if v == 0 {
		return 0 // also for −0
	}
	return v
}

// argmax returns the index of the largest count (the first on ties).
func argmax(xs []int) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}

// Table formats f back to text: integers without a point, numbers in the
// shortest form that reads back to the same float64, categories by name,
// missing cells empty. name becomes the table's File.
func (f *Frame) Table(name string) *data.Table {
	s := f.Schema
	t := &data.Table{File: name}
	for _, c := range s.Columns {
		t.Columns = append(t.Columns, c.Name)
	}
	for i := range f.Rows() {
		row := make([]string, len(s.Columns))
		miss := make([]bool, len(s.Columns))
		for j, c := range s.Columns {
			v := f.Cols[j][i]
			switch {
			case math.IsNaN(v):
				miss[j] = true
			case c.Kind.Discrete():
				row[j] = c.Categories[int(v)]
			case c.Kind == Integer:
				row[j] = strconv.FormatInt(int64(v), 10)
			default:
				row[j] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		t.Rows = append(t.Rows, row)
		t.Missing = append(t.Missing, miss)
	}
	return t
}
