package augment

import (
	"math"
	"testing"
)

// The gradient the classifier descends is the derivative of its loss:
// central differences of loss at a non-zero point agree with gradient.
func TestCharClassifierGradient(t *testing.T) {
	opt := CharOptions{MaxN: 2, Buckets: 64, L2: 0.01}.withDefaults()
	texts := []string{"abc", "bcd", "xyz", "zzy", "ab"}
	labels := []int{0, 0, 1, 2, 1}
	xs := make([]sparse, len(texts))
	for i, s := range texts {
		xs[i] = opt.features(s)
	}
	m := &CharClassifier{Classes: 3, Opt: opt, W: make([]float64, 3*opt.Buckets), B: make([]float64, 3)}
	for j := range m.W {
		m.W[j] = 0.3 * math.Sin(float64(j))
	}
	m.B[1] = 0.2
	gW, gB := make([]float64, len(m.W)), make([]float64, 3)
	m.gradient(xs, labels, gW, gB)
	const h = 1e-6
	check := func(name string, p *float64, g float64) {
		old := *p
		*p = old + h
		up := m.loss(xs, labels)
		*p = old - h
		down := m.loss(xs, labels)
		*p = old
		if num := (up - down) / (2 * h); math.Abs(num-g) > 1e-6*math.Max(1, math.Abs(num)) {
			t.Errorf("%s: gradient %.9g, finite difference %.9g", name, g, num)
		}
	}
	for _, j := range []int{0, 5, 17, 64 + 3, 128 + 40, 191} {
		check("W", &m.W[j], gW[j])
	}
	for c := range 3 {
		check("b", &m.B[c], gB[c])
	}
}

// Features are unit vectors, the same for the same text.
func TestCharFeaturesUnit(t *testing.T) {
	opt := CharOptions{}.withDefaults()
	a, b := opt.features("hello world"), opt.features("hello world")
	n := 0.0
	for i, v := range a.val {
		n += v * v
		if a.idx[i] != b.idx[i] || v != b.val[i] {
			t.Fatal("features differ between calls")
		}
	}
	if math.Abs(n-1) > 1e-12 {
		t.Errorf("‖x‖² = %g, want 1", n)
	}
}

// Classes told apart by their words are learnt: held-out texts of the same
// vocabulary are classified perfectly, and training texts with high
// confidence. (Well under a second.)
func TestCharClassifierLearns(t *testing.T) {
	train := []string{"the cat sat", "a cat ran", "cats purr", "my cat naps", "dogs bark", "the dog ran", "a dog sat", "my dog digs"}
	labels := []int{0, 0, 0, 0, 1, 1, 1, 1}
	m, err := FitCharClassifier(train, labels, 2, CharOptions{Buckets: 1 << 12})
	if err != nil {
		t.Fatal(err)
	}
	test := []string{"cat", "your cat", "dog", "your dog"}
	truth := []int{0, 0, 1, 1}
	pred := m.Predict(test)
	if f1 := MacroF1(truth, pred, 2); f1 != 1 {
		t.Errorf("held-out predictions %v, want %v (macro-F1 %g)", pred, truth, f1)
	}
	for i, p := range m.Proba(train) {
		if p[labels[i]] < 0.7 {
			t.Errorf("training text %q: p(class %d) = %.3f, want ≥ 0.7", train[i], labels[i], p[labels[i]])
		}
	}
	if _, err := FitCharClassifier(train, labels[:3], 2, CharOptions{}); err == nil {
		t.Error("mismatched texts and labels accepted")
	}
	if _, err := FitCharClassifier(train, labels, 1, CharOptions{}); err == nil {
		t.Error("label 1 with one class accepted")
	}
}

func TestMacroF1(t *testing.T) {
	cases := []struct {
		name        string
		truth, pred []int
		k           int
		want        float64
	}{
		{"perfect", []int{0, 1, 2}, []int{0, 1, 2}, 3, 1},
		{"all wrong", []int{0, 1}, []int{1, 0}, 2, 0},
		// class 0: TP 1, FN 1 → 2/3; class 1: TP 1, FP 1 → 2/3.
		{"one miss", []int{0, 0, 1}, []int{0, 1, 1}, 2, 2.0 / 3},
		// class 2 absent from truth and predictions: left out.
		{"absent class", []int{0, 1}, []int{0, 1}, 3, 1},
	}
	for _, tc := range cases {
		if got := MacroF1(tc.truth, tc.pred, tc.k); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %g, want %g", tc.name, got, tc.want)
		}
	}
}
