package tabular

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Scalings for numeric columns.
const (
	ScaleQuantile = "quantile" // empirical CDF mapped to N(0, 1) (TabDDPM's default)
	ScaleStandard = "standard" // (x − mean)/std
)

// Feature is one encoded feature: a numeric column (scaled to about N(0, 1)),
// or a categorical block with K classes. A column with missing numbers gives
// a numeric feature plus a 2-class mask feature (class 1 = missing); a
// discrete column with missing cells gets one extra class, the last.
type Feature struct {
	Column int       `json:"column"`          // index into Schema.Columns
	K      int       `json:"k,omitempty"`     // classes; 0 for numeric features
	Mask   bool      `json:"mask,omitempty"`  // the missing-value mask of a numeric column
	Mean   float64   `json:"mean,omitempty"`  // standard scaling
	Std    float64   `json:"std,omitempty"`   // standard scaling
	Knots  []float64 `json:"knots,omitempty"` // quantile scaling: distinct values, ascending
	Z      []float64 `json:"z,omitempty"`     // quantile scaling: normal score of each knot
}

// Transformer is the fitted, reversible map between a Frame and the model's
// features: numeric features first (Num), then categorical ones (Cat).
type Transformer struct {
	Schema  *Schema   `json:"schema"`
	Scaling string    `json:"scaling"`
	Num     []Feature `json:"num"`
	Cat     []Feature `json:"cat"`
}

// Encoded is a Frame in feature space: Num[i] holds the numeric features of
// row i, Cat[i] the class of each categorical feature.
type Encoded struct {
	Num [][]float64
	Cat [][]int
}

// Fit learns the transforms of f's columns; scaling is ScaleQuantile or
// ScaleStandard.
func Fit(f *Frame, scaling string) (*Transformer, error) {
	if scaling != ScaleQuantile && scaling != ScaleStandard {
		return nil, fmt.Errorf("tabular: scaling: want quantile or standard, got %q", scaling)
	}
	tr := &Transformer{Schema: f.Schema, Scaling: scaling}
	for j, c := range f.Schema.Columns {
		if c.Kind.Discrete() {
			k := len(c.Categories)
			if c.Missing {
				k++
			}
			tr.Cat = append(tr.Cat, Feature{Column: j, K: k})
			continue
		}
		ft := Feature{Column: j}
		var vals []float64
		for _, v := range f.Cols[j] {
			if !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("tabular: column %q: no values to fit", c.Name)
		}
		if scaling == ScaleStandard {
			ft.Mean, ft.Std = meanStd(vals)
		} else {
			ft.Knots, ft.Z = quantileKnots(vals)
		}
		tr.Num = append(tr.Num, ft)
		if c.Missing {
			tr.Cat = append(tr.Cat, Feature{Column: j, K: 2, Mask: true})
		}
	}
	return tr, nil
}

// meanStd returns the mean and standard deviation of xs (std 1 when 0).
func meanStd(xs []float64) (float64, float64) {
	var m, s float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	s = math.Sqrt(s / float64(len(xs)))
	if s == 0 {
		s = 1
	}
	return m, s
}

// quantileKnots gives each distinct value its mid-rank normal score
// Φ⁻¹((#below + #equal/2)/n), so the knots map one-to-one.
func quantileKnots(xs []float64) (knots, z []float64) {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := float64(len(xs))
	norm := distuv.UnitNormal
	for i := 0; i < len(xs); {
		k := i
		for k < len(xs) && xs[k] == xs[i] {
			k++
		}
		knots = append(knots, xs[i])
		z = append(z, norm.Quantile((float64(i)+float64(k-i)/2)/n))
		i = k
	}
	if len(knots) == 1 {
		z[0] = 0
	}
	return knots, z
}

// interp maps x through the piecewise-linear curve (xs, ys), xs ascending,
// clamping outside; a knot maps exactly to its partner.
func interp(xs, ys []float64, x float64) float64 {
	k := sort.SearchFloat64s(xs, x)
	switch {
	case k < len(xs) && xs[k] == x:
		return ys[k]
	case k == 0:
		return ys[0]
	case k == len(xs):
		return ys[len(ys)-1]
	}
	w := (x - xs[k-1]) / (xs[k] - xs[k-1])
	return ys[k-1] + w*(ys[k]-ys[k-1])
}

// forward scales one number.
func (ft *Feature) forward(x float64) float64 {
	if ft.Knots != nil {
		return interp(ft.Knots, ft.Z, x)
	}
	return (x - ft.Mean) / ft.Std
}

// inverse unscales one number.
func (ft *Feature) inverse(z float64) float64 {
	if ft.Knots != nil {
		return interp(ft.Z, ft.Knots, z)
	}
	return z*ft.Std + ft.Mean
}

// Encode maps f to features. A missing number becomes 0 (the centre) with its
// mask class set to 1; a missing category becomes the extra last class.
func (tr *Transformer) Encode(f *Frame) *Encoded {
	n := f.Rows()
	e := &Encoded{Num: make([][]float64, n), Cat: make([][]int, n)}
	for i := range n {
		e.Num[i] = make([]float64, len(tr.Num))
		e.Cat[i] = make([]int, len(tr.Cat))
		for k := range tr.Num {
			v := f.Cols[tr.Num[k].Column][i]
			if !math.IsNaN(v) {
				e.Num[i][k] = tr.Num[k].forward(v)
			}
		}
		for k, ft := range tr.Cat {
			v := f.Cols[ft.Column][i]
			switch {
			case ft.Mask && math.IsNaN(v):
				e.Cat[i][k] = 1
			case ft.Mask:
				e.Cat[i][k] = 0
			case math.IsNaN(v):
				e.Cat[i][k] = ft.K - 1
			default:
				e.Cat[i][k] = int(v)
			}
		}
	}
	return e
}

// Decode maps features back to a Frame: numbers are unscaled (quantile scaling
// clamps to the seen range) and rounded to the column's grid (whole for integers), masked
// numbers and the missing class become NaN. Decode(Encode(f)) == f.
func (tr *Transformer) Decode(e *Encoded) (*Frame, error) {
	s := tr.Schema
	n := len(e.Num)
	f := &Frame{Schema: s, Cols: make([][]float64, len(s.Columns))}
	for j := range f.Cols {
		f.Cols[j] = make([]float64, n)
	}
	for i := range n {
		for k := range tr.Num {
			ft := &tr.Num[k]
			c := s.Columns[ft.Column]
			f.Cols[ft.Column][i] = c.round(ft.inverse(e.Num[i][k]))
		}
		for k, ft := range tr.Cat {
			v := e.Cat[i][k]
			c := s.Columns[ft.Column]
			if v < 0 || v >= ft.K {
				return nil, fmt.Errorf("tabular: row %d, column %q: class %d outside 0..%d", i+1, c.Name, v, ft.K-1)
			}
			switch {
			case ft.Mask:
				if v == 1 {
					f.Cols[ft.Column][i] = math.NaN()
				}
			case c.Missing && v == ft.K-1:
				f.Cols[ft.Column][i] = math.NaN()
			default:
				f.Cols[ft.Column][i] = float64(v)
			}
		}
	}
	return f, nil
}

// CatFeature returns the index in Cat of the (non-mask) feature of the
// column named name, or −1.
func (tr *Transformer) CatFeature(name string) int {
	for k, ft := range tr.Cat {
		if !ft.Mask && tr.Schema.Columns[ft.Column].Name == name {
			return k
		}
	}
	return -1
}
