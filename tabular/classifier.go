package tabular

import (
	"math"
)

// featureMap turns a Frame into dense rows for the classifier and the
// distance to closest record: numbers standardised by the real training data
// (a missing number is 0 plus a 1 in its missing indicator), categories one-hot
// (missing as its own entry). The skip column (the target) is left out.
type featureMap struct {
	schema *Schema
	skip   int
	mean   []float64
	std    []float64
	width  int
}

// newFeatureMap fits the scaling on f.
func newFeatureMap(f *Frame, skip int) *featureMap {
	fm := &featureMap{schema: f.Schema, skip: skip}
	for j, c := range f.Schema.Columns {
		fm.mean = append(fm.mean, 0)
		fm.std = append(fm.std, 1)
		if j == skip {
			continue
		}
		if c.Kind.Discrete() {
			fm.width += len(c.Categories) + 1
			continue
		}
		var vals []float64
		for _, v := range f.Cols[j] {
			if !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		fm.mean[j], fm.std[j] = meanStd(vals)
		fm.width += 2
	}
	return fm
}

// rows maps every row of f.
func (fm *featureMap) rows(f *Frame) [][]float64 {
	out := make([][]float64, f.Rows())
	for i := range out {
		row := make([]float64, 0, fm.width)
		for j, c := range fm.schema.Columns {
			if j == fm.skip {
				continue
			}
			v := f.Cols[j][i]
			if c.Kind.Discrete() {
				oh := make([]float64, len(c.Categories)+1)
				if math.IsNaN(v) {
					oh[len(c.Categories)] = 1
				} else {
					oh[int(v)] = 1
				}
				row = append(row, oh...)
				continue
			}
			if math.IsNaN(v) {
				row = append(row, 0, 1)
			} else {
				row = append(row, (v-fm.mean[j])/fm.std[j], 0)
			}
		}
		out[i] = row
	}
	return out
}

// logistic is multinomial logistic regression with an L2 penalty, fitted by
// full-batch gradient descent with a fixed step: small, deterministic and
// without hyperparameters to tune per data set.
type logistic struct {
	w [][]float64 // (K, D+1), last entry the bias
}

// fitLogistic fits k classes to rows x with labels y (−1 rows are skipped).
func fitLogistic(x [][]float64, y []int, k int) *logistic {
	d := 0
	if len(x) > 0 {
		d = len(x[0])
	}
	m := &logistic{w: make([][]float64, k)}
	for c := range m.w {
		m.w[c] = make([]float64, d+1)
	}
	const iters, lr, l2 = 300, 0.5, 1e-3
	grad := make([][]float64, k)
	for c := range grad {
		grad[c] = make([]float64, d+1)
	}
	p := make([]float64, k)
	for range iters {
		for c := range grad {
			clear(grad[c])
		}
		n := 0
		for i, row := range x {
			if y[i] < 0 {
				continue
			}
			n++
			m.probs(row, p)
			for c := range k {
				g := p[c]
				if c == y[i] {
					g--
				}
				for a, v := range row {
					grad[c][a] += g * v
				}
				grad[c][d] += g
			}
		}
		if n == 0 {
			return m
		}
		for c := range k {
			for a := range m.w[c] {
				m.w[c][a] -= lr * (grad[c][a]/float64(n) + l2*m.w[c][a])
			}
		}
	}
	return m
}

// probs sets p to the class probabilities of row.
func (m *logistic) probs(row, p []float64) {
	mx := math.Inf(-1)
	for c, w := range m.w {
		s := w[len(row)]
		for a, v := range row {
			s += w[a] * v
		}
		p[c] = s
		mx = max(mx, s)
	}
	sum := 0.0
	for c := range p {
		p[c] = math.Exp(p[c] - mx)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// predict returns the most probable class of row.
func (m *logistic) predict(row []float64) int {
	p := make([]float64, len(m.w))
	m.probs(row, p)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return best
}

// macroF1 is the unweighted mean over the classes present in truth of the
// per-class F1 score of pred.
func macroF1(truth, pred []int, k int) float64 {
	tp, fp, fn := make([]float64, k), make([]float64, k), make([]float64, k)
	for i := range truth {
		if truth[i] == pred[i] {
			tp[truth[i]]++
		} else {
			fp[pred[i]]++
			fn[truth[i]]++
		}
	}
	sum, n := 0.0, 0
	for c := range k {
		if tp[c]+fn[c] == 0 {
			continue
		}
		n++
		if tp[c] > 0 {
			sum += 2 * tp[c] / (2*tp[c] + fp[c] + fn[c])
		}
	}
	return sum / float64(max(n, 1))
}

// StandardRows maps every row of f to a dense vector as the classifier
// sees it: numbers standardised by fit's mean and standard deviation (a
// missing number is 0 plus a 1 in its missing indicator), categories
// one-hot with missing as its own entry. This is the row space of the
// isolation-forest and k-NN anomaly baselines. fit and f must share a
// schema.
func StandardRows(fit, f *Frame) [][]float64 {
	return newFeatureMap(fit, -1).rows(f)
}
