package series

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/diffusego/diffusego/data"
)

// readLong pivots a long table (id column ij) into s.
func readLong(t *data.Table, opt Options, tj, ij int, times []time.Time, steps []float64, s *Series) error {
	var ids []string
	rows := map[string][]int{}
	for i := range t.Rows {
		if missing(t, i, ij) {
			return &data.ParseError{File: t.File, Line: t.Line(i), Field: t.Columns[ij], Want: "a series id", Got: "a missing cell"}
		}
		id := strings.TrimSpace(t.Rows[i][ij])
		if _, ok := rows[id]; !ok {
			ids = append(ids, id)
		}
		rows[id] = append(rows[id], i)
	}
	for _, id := range ids {
		if err := checkOrder(t, tj, rows[id], steps); err != nil {
			return err
		}
	}
	all := make([]int, t.NumRows())
	for i := range all {
		all[i] = i
	}
	var values []int
	if opt.Values != nil {
		for _, name := range opt.Values {
			j := t.Column(name)
			if j == tj || j == ij {
				return &data.ParseError{File: t.File, Line: 1, Field: name, Want: "a value column other than the time and id", Got: "the time or id column"}
			}
			values = append(values, j)
		}
	} else {
		for j, name := range t.Columns {
			if j == tj || j == ij || slices.Contains(opt.Ignore, name) || slices.Contains(opt.Categorical, name) {
				continue
			}
			present, numbers := 0, 0
			for i := range t.Rows {
				if !missing(t, i, j) {
					present++
					if _, ok := parseNumber(t.Rows[i][j]); ok {
						numbers++
					}
				}
			}
			if 2*numbers > present || slices.Contains(opt.Numeric, name) {
				values = append(values, j)
			}
		}
		if len(values) == 0 {
			return &data.ParseError{File: t.File, Line: 1, Field: t.Columns[ij], Want: "a numeric value column beside the time and id", Got: "none"}
		}
	}
	// Union of times, sorted; each distinct step gets one row.
	uniq := slices.Clone(steps)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	row := make(map[float64]int, len(uniq))
	for r, x := range uniq {
		row[x] = r
	}
	s.Steps = uniq
	if times != nil {
		s.Times = make([]time.Time, len(uniq))
		for i, x := range steps {
			s.Times[row[x]] = times[i]
		}
	}
	s.Values = make([][]float64, len(uniq))
	for r := range s.Values {
		s.Values[r] = make([]float64, len(ids)*len(values))
		for d := range s.Values[r] {
			s.Values[r][d] = math.NaN()
		}
	}
	for a, id := range ids {
		for b, j := range values {
			what := fmt.Sprintf(" (%s %s)", t.Columns[ij], id)
			// Forced numeric: a cell that is not a number is an error.
			if _, err := columnKind(t, Options{Numeric: []string{t.Columns[j]}}, j, rows[id], what); err != nil {
				return err
			}
			name := id
			if len(values) > 1 {
				name = id + "." + t.Columns[j]
			}
			s.Columns = append(s.Columns, name)
			d := a*len(values) + b
			for _, i := range rows[id] {
				if !missing(t, i, j) {
					s.Values[row[steps[i]]][d], _ = parseNumber(t.Rows[i][j])
				}
			}
		}
	}
	return nil
}
