package tabular

import "math"

// Classifier is the multinomial logistic regression of the ML-efficacy
// test (L2 10⁻³, 300 full-batch gradient steps), exported for downstream
// benchmarks: features are numbers standardised by a reference frame with
// missing indicators, and one-hot categories; the target column is the
// label.
type Classifier struct {
	fm     *featureMap
	lr     *logistic
	target int
}

// FitClassifier scales features by ref (usually the real training rows),
// then fits the classifier to train's rows; rows with a missing target are
// left out.
func FitClassifier(train, ref *Frame, target int) *Classifier {
	fm := newFeatureMap(ref, target)
	k := len(train.Schema.Columns[target].Categories)
	return &Classifier{fm: fm, lr: fitLogistic(fm.rows(train), Labels(train, target), k), target: target}
}

// Labels returns the target class index of every row of f (−1 when missing).
func Labels(f *Frame, target int) []int {
	y := make([]int, f.Rows())
	for i, v := range f.Cols[target] {
		y[i] = -1
		if !math.IsNaN(v) {
			y[i] = int(v)
		}
	}
	return y
}

// Predict returns the most probable class of every row of f.
func (c *Classifier) Predict(f *Frame) []int {
	x := c.fm.rows(f)
	out := make([]int, len(x))
	for i, row := range x {
		out[i] = c.lr.predict(row)
	}
	return out
}

// Proba returns the class probabilities of every row of f.
func (c *Classifier) Proba(f *Frame) [][]float64 {
	x := c.fm.rows(f)
	out := make([][]float64, len(x))
	for i, row := range x {
		out[i] = make([]float64, len(c.lr.w))
		c.lr.probs(row, out[i])
	}
	return out
}
