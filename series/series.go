package series

import (
	"math"
	"time"
)

// Series is a multivariate time series on a grid of rows, one row per time
// stamp, in increasing time order.
//
// Values[t][d] is numeric column d at row t, NaN where the cell is missing.
// Times holds the dates when the time column was read as dates (nil when it
// was a plain number); Steps holds every row's time as a number: days since
// 1970-01-01 UTC for dates, the value as read otherwise. Categorical columns
// are kept beside the numbers as covariates.
type Series struct {
	File        string        // the path or name the series was read from
	TimeName    string        // the time column's name
	Times       []time.Time   // (T) dates in UTC; nil for a numeric time column
	Steps       []float64     // (T) time of each row as a number
	Columns     []string      // (D) numeric column names
	Values      [][]float64   // (T, D) NaN where missing
	Categorical []Categorical // covariates, one per categorical column
	Lines       []int         // (T) file line of each row (wide files); nil for pivoted long files
}

// Categorical is a categorical covariate: IDs[t] indexes Levels, −1 where the
// cell is missing. Levels are in order of first appearance in the file.
type Categorical struct {
	Name   string
	Levels []string
	IDs    []int // (T)
}

// OneHot returns the covariate as (T, len(Levels)) indicators; a missing
// cell is a row of zeros.
func (c Categorical) OneHot() [][]float64 {
	out := make([][]float64, len(c.IDs))
	for t, id := range c.IDs {
		out[t] = make([]float64, len(c.Levels))
		if id >= 0 {
			out[t][id] = 1
		}
	}
	return out
}

// Len returns the number of rows T.
func (s *Series) Len() int { return len(s.Values) }

// Dim returns the number of numeric columns D.
func (s *Series) Dim() int { return len(s.Columns) }

// Observed returns the observed mask: true where Values holds a number.
func (s *Series) Observed() [][]bool { return ObservedMask(s.Values) }

// ObservedMask returns true for every cell of values that is not NaN.
func ObservedMask(values [][]float64) [][]bool {
	m := make([][]bool, len(values))
	for t, row := range values {
		m[t] = make([]bool, len(row))
		for d, v := range row {
			m[t][d] = !math.IsNaN(v)
		}
	}
	return m
}

// Slice returns rows [lo, hi) as a new Series sharing no memory with s.
func (s *Series) Slice(lo, hi int) *Series {
	out := &Series{File: s.File, TimeName: s.TimeName, Columns: append([]string(nil), s.Columns...)}
	if s.Times != nil {
		out.Times = append([]time.Time(nil), s.Times[lo:hi]...)
	}
	out.Steps = append([]float64(nil), s.Steps[lo:hi]...)
	out.Values = CloneValues(s.Values[lo:hi])
	if s.Lines != nil {
		out.Lines = append([]int(nil), s.Lines[lo:hi]...)
	}
	for _, c := range s.Categorical {
		out.Categorical = append(out.Categorical, Categorical{Name: c.Name,
			Levels: append([]string(nil), c.Levels...), IDs: append([]int(nil), c.IDs[lo:hi]...)})
	}
	return out
}

// Index returns the first row whose time is at or after at (Len when none
// is); the series must have dates.
func (s *Series) Index(at time.Time) int {
	for t, x := range s.Times {
		if !x.Before(at) {
			return t
		}
	}
	return len(s.Times)
}

// CloneValues returns a deep copy of a (T, D) table.
func CloneValues(v [][]float64) [][]float64 {
	out := make([][]float64, len(v))
	for t := range v {
		out[t] = append([]float64(nil), v[t]...)
	}
	return out
}

// cloneMask returns a deep copy of a (T, D) mask.
func cloneMask(m [][]bool) [][]bool {
	out := make([][]bool, len(m))
	for t := range m {
		out[t] = append([]bool(nil), m[t]...)
	}
	return out
}

// newMask returns a (T, D) mask of false.
func newMask(t, d int) [][]bool {
	m := make([][]bool, t)
	for i := range m {
		m[i] = make([]bool, d)
	}
	return m
}
