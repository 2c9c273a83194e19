package autograd_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestEmbeddingGrad(t *testing.T) {
	idx := []int{4, 0, 4, 2, 4} // repeats add up; rows 1 and 3 get no gradient
	gradcheck.Check(t, func(g *autograd.Graph, w *autograd.Var) *autograd.Var {
		return g.Embedding(w, idx)
	}, gradcheck.Rand([]int{5, 3}, 16), gradcheck.Tol{})
}

func TestEmbeddingValues(t *testing.T) {
	w := tensor.FromData([]float32{0, 1, 10, 11, 20, 21}, 3, 2) // (V=3, D=2)
	idx := []int{2, 0, 2}
	out := autograd.NoGrad().Embedding(autograd.NewVar(w), idx)
	idx[0] = 1 // the op copied idx
	want := []float32{20, 21, 0, 1, 20, 21}
	if !tensor.SameShape(out.Shape(), []int{3, 2}) {
		t.Fatalf("Embedding shape = %v, want [3 2]", out.Shape())
	}
	for i, v := range want {
		if out.Data()[i] != v {
			t.Fatalf("Embedding = %v, want %v", out.Data(), want)
		}
	}
}

func TestEmbeddingScatterAdd(t *testing.T) {
	w := autograd.NewParam(tensor.New(3, 2))
	g := autograd.New()
	out := g.Embedding(w, []int{1, 1, 2})
	if err := g.BackwardWith(out, tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 3, 2)); err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 0, 4, 6, 5, 6}
	for i, v := range want {
		if w.Grad.Data[i] != v {
			t.Fatalf("Embedding weight gradient = %v, want %v", w.Grad.Data, want)
		}
	}
}

func TestEmbeddingErrors(t *testing.T) {
	cases := []struct {
		name string
		w    *tensor.Tensor
		idx  []int
		want string
	}{
		{"too large", tensor.New(4, 3), []int{0, 4}, "Embedding: (4, 3): index 4 at position 1 outside [0, 4)"},
		{"negative", tensor.New(4, 3), []int{-1}, "Embedding: (4, 3): index -1 at position 0 outside [0, 4)"},
		{"weight rank", tensor.New(12), []int{0}, "Embedding: (12,): weight must have shape (V, D)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer tensor.Recover(&err)
				autograd.NoGrad().Embedding(autograd.NewVar(c.w), c.idx)
			}()
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
}
