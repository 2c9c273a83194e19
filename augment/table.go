package augment

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/diffusego/diffusego/data"

	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
)

// TargetError is a target column that cannot label an augmentation: absent,
// not categorical, or with a single class.
type TargetError struct {
	File, Target string
	Problem      string
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("augment: %s: target column %q: %s", e.File, e.Target, e.Problem)
}

// TableTarget checks that f has a categorical target column named target
// with at least two classes present, and returns its index and the row count
// of every class (indexed like the column's categories). file names the
// table in errors.
func TableTarget(f *tabular.Frame, file, target string) (int, []int, error) {
	if target == "" {
		return 0, nil, &TargetError{File: file, Target: target, Problem: "none given: name the column that holds the labels"}
	}
	j := f.Schema.Index(target)
	if j < 0 {
		var names []string
		for _, c := range f.Schema.Columns {
			names = append(names, c.Name)
		}
		return 0, nil, &TargetError{File: file, Target: target, Problem: fmt.Sprintf("no such column (columns: %q)", names)}
	}
	col := f.Schema.Columns[j]
	if !col.Kind.Discrete() {
		return 0, nil, &TargetError{File: file, Target: target, Problem: fmt.Sprintf("a %s column: want categorical labels (set its type to categorical in the config)", col.Kind)}
	}
	counts := make([]int, len(col.Categories))
	for _, v := range f.Cols[j] {
		if !math.IsNaN(v) {
			counts[int(v)]++
		}
	}
	present := 0
	for _, n := range counts {
		if n > 0 {
			present++
		}
	}
	if present < 2 {
		return 0, nil, &TargetError{File: file, Target: target, Problem: fmt.Sprintf("%d class present (%q): want at least two classes", present, col.Categories)}
	}
	return j, counts, nil
}

// SMOTE draws counts[c] synthetic rows of every class c by SMOTE (Chawla et
// al. 2002): a random row of the class, one of its k nearest neighbours in
// the class (Euclidean distance of the numbers standardised over f, missing
// cells ignored), and a point u ∈ [0, 1) of the way between them for every
// number (rounded for integer columns); a category or a missing cell is
// copied from the nearer end (u < 1/2: the row, else the neighbour). A class
// with one row is copied.
func SMOTE(f *tabular.Frame, target int, counts []int, k int, rng *tensor.RNG) *tabular.Frame {
	cols := f.Schema.Columns
	mean, sd := make([]float64, len(cols)), make([]float64, len(cols))
	for j, c := range cols {
		if c.Kind.Discrete() {
			continue
		}
		n := 0.0
		for _, v := range f.Cols[j] {
			if !math.IsNaN(v) {
				mean[j] += v
				n++
			}
		}
		mean[j] /= math.Max(n, 1)
		for _, v := range f.Cols[j] {
			if !math.IsNaN(v) {
				sd[j] += (v - mean[j]) * (v - mean[j])
			}
		}
		sd[j] = math.Sqrt(sd[j] / math.Max(n-1, 1))
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	dist := func(a, b int) float64 {
		d := 0.0
		for j, c := range cols {
			if c.Kind.Discrete() || j == target {
				continue
			}
			x, y := f.Cols[j][a], f.Cols[j][b]
			if math.IsNaN(x) || math.IsNaN(y) {
				continue
			}
			d += ((x - y) / sd[j]) * ((x - y) / sd[j])
		}
		return d
	}
	out := &tabular.Frame{Schema: f.Schema, Cols: make([][]float64, len(cols))}
	for c, want := range counts {
		var rows []int
		for i, v := range f.Cols[target] {
			if !math.IsNaN(v) && int(v) == c {
				rows = append(rows, i)
			}
		}
		if want == 0 || len(rows) == 0 {
			continue
		}
		// neighbours[a]: the k nearest other rows of the class to rows[a].
		neighbours := make([][]int, len(rows))
		for a, ra := range rows {
			others := slices.Clone(rows)
			others = slices.Delete(others, a, a+1)
			sort.SliceStable(others, func(i, j int) bool { return dist(ra, others[i]) < dist(ra, others[j]) })
			neighbours[a] = others[:min(k, len(others))]
		}
		for range want {
			a := rng.Intn(len(rows))
			row, nb := rows[a], rows[a]
			if len(neighbours[a]) > 0 {
				nb = neighbours[a][rng.Intn(len(neighbours[a]))]
			}
			u := rng.Uniform()
			for j, col := range cols {
				x, y := f.Cols[j][row], f.Cols[j][nb]
				v := x
				switch {
				case col.Kind.Discrete() || math.IsNaN(x) || math.IsNaN(y):
					if u >= 0.5 {
						v = y
					}
				default:
					v = x + u*(y-x)
					if col.Kind == tabular.Integer {
						v = math.Round(v)
					}
				}
				out.Cols[j] = append(out.Cols[j], v)
			}
		}
	}
	for j := range out.Cols {
		if out.Cols[j] == nil {
			out.Cols[j] = []float64{}
		}
	}
	return out
}

// TableOptions are the settings of GenerateRows.
type TableOptions struct {
	Seed uint64
	// MinConfidence > 0 keeps a row of class c only when a logistic
	// regression fitted to the real rows gives c at least that
	// probability; rows are drawn until each class has its count or
	// MaxTries·count were drawn (default 4).
	MinConfidence float64
	MaxTries      int
}

// GenerateRows draws counts[c] rows of every class c of the target column
// from the conditional model m; real is the labelled table the model and the
// filter's classifier were fitted to. Row j of class c draws its randomness
// from (Seed, c·2²⁰ + j) alone, so the same settings give the same rows.
func GenerateRows(ctx context.Context, m *tabular.Model, real *tabular.Frame, target int, counts []int, opt TableOptions) (*tabular.Frame, []ClassReport, error) {
	if m.Target < 0 {
		return nil, nil, fmt.Errorf("augment: the table model was trained without a target column: want a class-conditional model")
	}
	col := real.Schema.Columns[target]
	if mc := m.Tr.Schema.Columns[m.Tr.Cat[m.Target].Column]; mc.Name != col.Name || len(mc.Categories) < len(col.Categories) {
		return nil, nil, &ClassError{Source: fmt.Sprintf("target %q", col.Name), DataClasses: len(col.Categories), ModelKnows: len(mc.Categories)}
	}
	if mcols := m.Tr.Schema.Columns; len(mcols) != len(real.Schema.Columns) {
		return nil, nil, fmt.Errorf("augment: the table model has %d columns, the data %d: want the model trained on this table's columns", len(mcols), len(real.Schema.Columns))
	} else {
		for j, c := range mcols {
			if c.Name != real.Schema.Columns[j].Name || c.Kind != real.Schema.Columns[j].Kind {
				return nil, nil, fmt.Errorf("augment: column %d: the model has %q (%s), the data %q (%s)", j+1, c.Name, c.Kind, real.Schema.Columns[j].Name, real.Schema.Columns[j].Kind)
			}
		}
	}
	if math.IsNaN(opt.MinConfidence) || opt.MinConfidence < 0 || opt.MinConfidence > 1 {
		return nil, nil, fmt.Errorf("augment: minimum confidence %g: want a probability in [0, 1]", opt.MinConfidence)
	}
	if opt.MaxTries <= 0 {
		opt.MaxTries = 4
	}
	var filter *tabular.Classifier
	if opt.MinConfidence > 0 {
		filter = tabular.FitClassifier(real, real, target)
	}
	out := &tabular.Frame{Schema: real.Schema, Cols: make([][]float64, len(real.Schema.Columns))}
	reports := make([]ClassReport, len(counts))
	for c, want := range counts {
		r := &reports[c]
		r.Class, r.Requested = col.Categories[c], want
		for r.Kept < want && r.Drawn < opt.MaxTries*want {
			n := want - r.Kept
			if filter != nil {
				n = max(n, 8)
			}
			rows, err := m.Sample(ctx, n, tabular.SampleOptions{Class: col.Categories[c], Seed: opt.Seed, First: c*classStride + r.Drawn})
			if err != nil {
				return nil, nil, fmt.Errorf("augment: class %s: %w", col.Categories[c], err)
			}
			var p [][]float64
			if filter != nil {
				p = filter.Proba(rows)
			}
			for i := range n {
				if r.Kept == want {
					break
				}
				if p != nil && p[i][c] < opt.MinConfidence {
					r.Rejected++
					continue
				}
				for j := range out.Cols {
					out.Cols[j] = append(out.Cols[j], rows.Cols[j][i])
				}
				r.Kept++
			}
			r.Drawn += n
		}
	}
	for j := range out.Cols {
		if out.Cols[j] == nil {
			out.Cols[j] = []float64{}
		}
	}
	return out, reports, nil
}

// LoadTable reads a CSV file with a header line, or a JSON array of
// records when the name ends in .json, and types it with cfg (nil infers
// everything): the same reading as diffuse tabular.
func LoadTable(path string, cfg *tabular.Config) (*tabular.Frame, error) {
	if cfg == nil {
		cfg = &tabular.Config{}
	}
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
	if cfg.Target != "" && t.Column(cfg.Target) < 0 {
		return nil, &TargetError{File: path, Target: cfg.Target, Problem: fmt.Sprintf("no such column (columns: %q)", t.Columns)}
	}
	s, err := tabular.Infer(t, cfg)
	if err != nil {
		return nil, err
	}
	f, err := tabular.Parse(t, s, cfg.NA)
	if err != nil {
		return nil, err
	}
	return s.Apply(f), nil
}
