package tabular

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/data"
)

// maxCategories bounds the distinct texts of an inferred categorical column;
// a text column with more is refused as free text (drop it or override it).
const maxCategories = 64

// Infer decides the schema of t under cfg (nil for defaults). A column whose
// non-missing cells all parse as numbers is Integer when they are all whole,
// else Numeric; true/false columns are Boolean; others are Categorical. cfg
// can drop columns, force types, add missing-value spellings and set the
// target. A column with no values, a type override the cells do not fit, or
// an unknown column name in cfg is an error naming the row and column.
func Infer(t *data.Table, cfg *Config) (*Schema, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	policy := cfg.Missing
	if policy == "" {
		policy = MissingModel
	}
	if policy != MissingDrop && policy != MissingImpute && policy != MissingModel {
		return nil, fmt.Errorf("tabular: config: missing: want drop, impute or model, got %q", policy)
	}
	for name := range cfg.Types {
		if t.Column(name) < 0 {
			return nil, fmt.Errorf("tabular: config: types: %s has no column %q", t.File, name)
		}
	}
	for _, name := range cfg.Drop {
		if t.Column(name) < 0 {
			return nil, fmt.Errorf("tabular: config: drop: %s has no column %q", t.File, name)
		}
	}
	s := &Schema{Policy: policy, Target: cfg.Target}
	for j, name := range t.Columns {
		if slices.Contains(cfg.Drop, name) {
			continue
		}
		col, err := inferColumn(t, j, cfg)
		if err != nil {
			return nil, err
		}
		s.Columns = append(s.Columns, col)
	}
	if cfg.Target != "" {
		k := s.Index(cfg.Target)
		if k < 0 {
			return nil, fmt.Errorf("tabular: config: target: %s has no column %q", t.File, cfg.Target)
		}
		if !s.Columns[k].Kind.Discrete() {
			return nil, fmt.Errorf("tabular: config: target %q is %s, want categorical or boolean", cfg.Target, s.Columns[k].Kind)
		}
	}
	return s, nil
}

// cell returns the text of t's cell (i, j) and whether it is missing under cfg.
func cell(t *data.Table, i, j int, cfg *Config) (string, bool) {
	if t.Missing != nil && t.Missing[i][j] {
		return "", true
	}
	v := t.Rows[i][j]
	return v, slices.Contains(cfg.NA, v)
}

// inferColumn types column j of t.
func inferColumn(t *data.Table, j int, cfg *Config) (Column, error) {
	name := t.Columns[j]
	col := Column{Name: name}
	allNum, allInt, allBool, n := true, true, true, 0
	distinct := map[string]bool{}
	for i := range t.Rows {
		v, miss := cell(t, i, j, cfg)
		if miss {
			col.Missing = true
			continue
		}
		n++
		distinct[v] = true
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			allNum, allInt = false, false
		} else {
			if f != math.Trunc(f) || strings.ContainsAny(v, ".eE") {
				allInt = false
			}
			col.Decimals = max(col.Decimals, decimals(v))
		}
		if _, err := parseBool(v); err != nil {
			allBool = false
		}
	}
	if n == 0 {
		return col, &data.ParseError{File: t.File, Line: t.Line(0), Field: name, Want: "a column with at least one value", Got: "an empty column"}
	}
	switch {
	case allBool && !allNum:
		col.Kind = Boolean
	case allInt:
		col.Kind = Integer
	case allNum:
		col.Kind = Numeric
	default:
		col.Kind = Categorical
	}
	if k, ok := cfg.Types[name]; ok {
		col.Kind = k
	} else if col.Kind == Categorical && len(distinct) > maxCategories {
		return col, &data.ParseError{File: t.File, Field: name, Want: fmt.Sprintf("at most %d categories (drop the column or set its type)", maxCategories), Got: fmt.Sprintf("%d distinct values", len(distinct))}
	}
	if col.Kind != Numeric {
		col.Decimals = 0
	}
	// Check every cell fits the final kind, naming the first that does not.
	for i := range t.Rows {
		v, miss := cell(t, i, j, cfg)
		if miss {
			continue
		}
		if err := fits(col.Kind, v); err != nil {
			return col, &data.ParseError{File: t.File, Line: t.Line(i), Field: fmt.Sprintf("row %d, column %s", i+1, name), Want: err.Error(), Got: strconv.Quote(v)}
		}
	}
	if col.Kind.Discrete() {
		for v := range distinct {
			if col.Kind == Boolean {
				b, _ := parseBool(v)
				v = strconv.FormatBool(b)
			}
			if !slices.Contains(col.Categories, v) {
				col.Categories = append(col.Categories, v)
			}
		}
		slices.Sort(col.Categories)
	}
	return col, nil
}

// fits checks that text v can be a value of kind k.
func fits(k Kind, v string) error {
	switch k {
	case Numeric:
		if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("a finite number (type numeric)")
		}
	case Integer:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("a whole number (type integer)")
		}
	case Boolean:
		if _, err := parseBool(v); err != nil {
			return fmt.Errorf("true or false (type boolean)")
		}
	}
	return nil
}

// parseBool reads true/false in the usual spellings (not 0/1, which are
// read as integers unless the config says boolean).
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "t", "yes", "y":
		return true, nil
	case "false", "f", "no", "n":
		return false, nil
	case "1", "0":
		return v == "1", nil
	}
	return false, fmt.Errorf("not a boolean")
}

// decimals counts the digits after the decimal point in v (0 for exponents).
func decimals(v string) int {
	if strings.ContainsAny(v, "eE") {
		return 0
	}
	if k := strings.IndexByte(v, '.'); k >= 0 {
		return len(v) - k - 1
	}
	return 0
}
