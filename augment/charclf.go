package augment

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
)

// CharOptions are the settings of the character-level classifier.
type CharOptions struct {
	MaxN    int     // n-grams of 1..MaxN characters (default 4)
	Buckets int     // hashed feature dimension (default 2¹⁶)
	L2      float64 // weight of ½λ‖W‖² beside the mean cross-entropy (default 10⁻⁴)
	Iters   int     // full-batch gradient steps (default 300)
	LR      float64 // step size (default 2)
}

func (o CharOptions) withDefaults() CharOptions {
	if o.MaxN <= 0 {
		o.MaxN = 4
	}
	if o.Buckets <= 0 {
		o.Buckets = 1 << 16
	}
	if o.L2 == 0 {
		o.L2 = 1e-4
	}
	if o.Iters <= 0 {
		o.Iters = 300
	}
	if o.LR <= 0 {
		o.LR = 2
	}
	return o
}

// CharClassifier is a bag of character n-grams with multinomial logistic
// regression, the classic strong baseline for short-text classification
// (Joulin et al. 2017, fastText, use the same hashed n-gram bag; here
// without the embedding bottleneck). A text becomes the counts of its
// character n-grams, n = 1..MaxN, with the text's start and end marked,
// hashed into Buckets features; each count c becomes 1 + log c and the
// vector is scaled to unit length. Class probabilities are
// softmax(W·x + b); W and b minimise the mean cross-entropy plus ½λ‖W‖²
// by full-batch gradient descent with Nesterov momentum from zero, so a fit
// is deterministic.
type CharClassifier struct {
	Classes int
	Opt     CharOptions
	W       []float64 // (Classes, Buckets)
	B       []float64 // (Classes)
}

// sparse is a feature vector: indices and values.
type sparse struct {
	idx []int
	val []float64
}

// features is the unit-length hashed n-gram vector of s.
func (o CharOptions) features(s string) sparse {
	rs := append(append([]rune{'\x02'}, []rune(s)...), '\x03')
	counts := map[int]float64{}
	h := fnv.New64a()
	var buf [4]byte
	for n := 1; n <= o.MaxN; n++ {
		for i := 0; i+n <= len(rs); i++ {
			h.Reset()
			buf[0] = byte(n)
			h.Write(buf[:1])
			for _, r := range rs[i : i+n] {
				buf[0], buf[1], buf[2], buf[3] = byte(r), byte(r>>8), byte(r>>16), byte(r>>24)
				h.Write(buf[:])
			}
			counts[int(h.Sum64()%uint64(o.Buckets))]++
		}
	}
	var f sparse
	for j := range counts {
		f.idx = append(f.idx, j)
	}
	slices.Sort(f.idx)
	norm := 0.0
	for _, j := range f.idx {
		v := 1 + math.Log(counts[j])
		f.val = append(f.val, v)
		norm += v * v
	}
	norm = math.Sqrt(norm)
	for a := range f.val {
		f.val[a] /= norm
	}
	return f
}

// FitCharClassifier fits the classifier to texts with labels in [0, k).
func FitCharClassifier(texts []string, labels []int, k int, opt CharOptions) (*CharClassifier, error) {
	if len(texts) == 0 || len(texts) != len(labels) {
		return nil, fmt.Errorf("augment: char classifier: %d texts, %d labels: want as many, at least one", len(texts), len(labels))
	}
	for i, y := range labels {
		if y < 0 || y >= k {
			return nil, fmt.Errorf("augment: char classifier: text %d: label %d: want a class in [0, %d)", i, y, k)
		}
	}
	opt = opt.withDefaults()
	m := &CharClassifier{Classes: k, Opt: opt, W: make([]float64, k*opt.Buckets), B: make([]float64, k)}
	xs := make([]sparse, len(texts))
	for i, s := range texts {
		xs[i] = opt.features(s)
	}
	// Nesterov momentum: v ← μv − η∇L(θ + μv), θ ← θ + v.
	const mu = 0.9
	vW, vB := make([]float64, len(m.W)), make([]float64, k)
	gW, gB := make([]float64, len(m.W)), make([]float64, k)
	look := &CharClassifier{Classes: k, Opt: opt, W: make([]float64, len(m.W)), B: make([]float64, k)}
	for range opt.Iters {
		for j := range m.W {
			look.W[j] = m.W[j] + mu*vW[j]
		}
		for c := range k {
			look.B[c] = m.B[c] + mu*vB[c]
		}
		look.gradient(xs, labels, gW, gB)
		for j := range m.W {
			vW[j] = mu*vW[j] - opt.LR*gW[j]
			m.W[j] += vW[j]
		}
		for c := range k {
			vB[c] = mu*vB[c] - opt.LR*gB[c]
			m.B[c] += vB[c]
		}
	}
	return m, nil
}

// loss is the mean cross-entropy of xs plus ½λ‖W‖².
func (m *CharClassifier) loss(xs []sparse, labels []int) float64 {
	l := 0.0
	for i, x := range xs {
		p := m.proba(x)
		l -= math.Log(math.Max(p[labels[i]], 1e-300))
	}
	l /= float64(len(xs))
	for _, w := range m.W {
		l += 0.5 * m.Opt.L2 * w * w
	}
	return l
}

// gradient writes ∂loss/∂W and ∂loss/∂b into gW and gB:
// (1/N) Σ_i (p_i − onehot(y_i)) x_iᵀ + λW, and (1/N) Σ_i (p_i − onehot(y_i)).
func (m *CharClassifier) gradient(xs []sparse, labels []int, gW, gB []float64) {
	d := m.Opt.Buckets
	for j, w := range m.W {
		gW[j] = m.Opt.L2 * w
	}
	clear(gB)
	inv := 1 / float64(len(xs))
	for i, x := range xs {
		p := m.proba(x)
		p[labels[i]]--
		for c, pc := range p {
			r := pc * inv
			gB[c] += r
			row := gW[c*d : (c+1)*d]
			for a, j := range x.idx {
				row[j] += r * x.val[a]
			}
		}
	}
}

// proba is softmax(W·x + b).
func (m *CharClassifier) proba(x sparse) []float64 {
	d := m.Opt.Buckets
	z := make([]float64, m.Classes)
	top := math.Inf(-1)
	for c := range z {
		z[c] = m.B[c]
		row := m.W[c*d : (c+1)*d]
		for a, j := range x.idx {
			z[c] += row[j] * x.val[a]
		}
		top = math.Max(top, z[c])
	}
	sum := 0.0
	for c := range z {
		z[c] = math.Exp(z[c] - top)
		sum += z[c]
	}
	for c := range z {
		z[c] /= sum
	}
	return z
}

// Proba is the class probabilities of every text.
func (m *CharClassifier) Proba(texts []string) [][]float64 {
	out := make([][]float64, len(texts))
	for i, s := range texts {
		out[i] = m.proba(m.Opt.features(s))
	}
	return out
}

// Predict is the most probable class of every text.
func (m *CharClassifier) Predict(texts []string) []int {
	out := make([]int, len(texts))
	for i, p := range m.Proba(texts) {
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		out[i] = best
	}
	return out
}

// MacroF1 is the mean over the k classes of F1 = 2·TP/(2·TP + FP + FN); a
// class that is neither in truth nor predicted is left out of the mean.
func MacroF1(truth, pred []int, k int) float64 {
	tp, fp, fn := make([]float64, k), make([]float64, k), make([]float64, k)
	for i, t := range truth {
		if pred[i] == t {
			tp[t]++
		} else {
			fp[pred[i]]++
			fn[t]++
		}
	}
	sum, n := 0.0, 0
	for c := range k {
		if tp[c]+fp[c]+fn[c] == 0 {
			continue
		}
		n++
		sum += 2 * tp[c] / (2*tp[c] + fp[c] + fn[c])
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
