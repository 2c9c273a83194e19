package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestWeightedCrossEntropyGrad(t *testing.T) {
	cases := []struct {
		name    string
		shape   []int
		labels  []int
		weights []float32
	}{
		{"mixed", []int{4, 5}, []int{4, 0, 2, 1}, []float32{0.5, 0, 2, -0.3}},
		{"one class", []int{2, 1}, []int{0, 0}, []float32{1, 3}}, // loss 0, gradient 0
		{"ignored label", []int{3, 7}, []int{6, -1, 3}, []float32{1.5, 0, 0.25}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.WeightedCrossEntropy(x, c.labels, c.weights)
			}, gradcheck.Rand(c.shape, 31), gradcheck.Tol{})
		})
	}
}

// TestWeightedCrossEntropyValues: with every weight 1/N it is CrossEntropy;
// rows of weight 0 add nothing; hand-computed rows add up as weighted.
func TestWeightedCrossEntropyValues(t *testing.T) {
	g := autograd.NoGrad()
	const n, k = 300, 129 // several chunks
	x := autograd.NewVar(tensor.NewRNG(4).Randn(n, k))
	labels, w := make([]int, n), make([]float32, n)
	for i := range labels {
		labels[i], w[i] = (7*i)%k, 1/float32(n)
	}
	got, want := g.WeightedCrossEntropy(x, labels, w).Data()[0], g.CrossEntropy(x, labels).Data()[0]
	if math.Abs(float64(got-want)) > 1e-6*math.Abs(float64(want)) {
		t.Errorf("WeightedCrossEntropy(weights 1/N) = %.7g, CrossEntropy = %.7g", got, want)
	}
	// Row 0: logits (0, ln 3), label 1 → −ln(3/4), weight 2; row 1 weight 0
	// with a label out of range; row 2 label 0 → −ln(1/4), weight 0.5.
	l3 := float32(math.Log(3))
	y := tensor.FromData([]float32{0, l3, 5, 9, 0, l3}, 3, 2)
	got64 := float64(g.WeightedCrossEntropy(autograd.NewVar(y), []int{1, 99, 0}, []float32{2, 0, 0.5}).Data()[0])
	if want := -2*math.Log(0.75) - 0.5*math.Log(0.25); math.Abs(got64-want) > 1e-6 {
		t.Errorf("WeightedCrossEntropy = %.7f, want %.7f", got64, want)
	}
	// The same input twice gives the same bits.
	a, b := g.WeightedCrossEntropy(x, labels, w).Data()[0], g.WeightedCrossEntropy(x, labels, w).Data()[0]
	if math.Float32bits(a) != math.Float32bits(b) {
		t.Errorf("two runs differ: %v, %v", a, b)
	}
}

func TestWeightedCrossEntropyShapeErrors(t *testing.T) {
	x := autograd.NewVar(tensor.New(2, 3))
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"rank", func() { autograd.NoGrad().WeightedCrossEntropy(autograd.NewVar(tensor.New(6)), nil, nil) },
			"WeightedCrossEntropy: (6,): logits must have shape (N, K)"},
		{"weights", func() { autograd.NoGrad().WeightedCrossEntropy(x, []int{0, 1}, []float32{1}) },
			"WeightedCrossEntropy: (2, 3) × (2,) × (1,): 2 labels and 1 weights for 2 rows"},
		{"label", func() { autograd.NoGrad().WeightedCrossEntropy(x, []int{0, 3}, []float32{1, 1}) },
			"WeightedCrossEntropy: (2, 3): label 3 at row 1 outside [0, 3)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() { defer tensor.Recover(&err); c.f() }()
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

func ExampleGraph_WeightedCrossEntropy() {
	g := autograd.NoGrad()
	logits := autograd.NewVar(tensor.FromData([]float32{0, 0, 0, 0}, 2, 2)) // uniform over 2 classes
	loss := g.WeightedCrossEntropy(logits, []int{1, 0}, []float32{1, 0})    // only row 0 counts
	fmt.Printf("%.4f\n", loss.Data()[0])                                    // ln 2
	// Output: 0.6931
}
