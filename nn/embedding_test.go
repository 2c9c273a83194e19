package nn_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func TestEmbeddingGrad(t *testing.T) {
	e := nn.NewEmbedding("emb", 5, 3, tensor.NewRNG(1))
	// indices as float32 values; repeated index 2 accumulates
	idx := tensor.FromData([]float32{2, 0, 2, 4, 1, 2}, 2, 3)
	gradcheck.Check(t, e.Forward, idx, gradcheck.Tol{}, e.Weight.V)
	lookup := func(g *autograd.Graph, _ *autograd.Var) *autograd.Var { return e.Lookup(g, []int{4, 4, 0}) }
	gradcheck.Check(t, lookup, tensor.New(1), gradcheck.Tol{}, e.Weight.V)
}

func TestEmbeddingValue(t *testing.T) {
	e := nn.NewEmbedding("class_emb", 11, 128, tensor.NewRNG(1))
	wantParams(t, e.Params(), []string{"class_emb.weight"}, [][]int{{11, 128}})
	var s, ss float64
	for _, v := range e.Weight.V.Data() {
		s += float64(v)
		ss += float64(v) * float64(v)
	}
	n := float64(11 * 128)
	if mean, std := s/n, math.Sqrt(ss/n-(s/n)*(s/n)); math.Abs(mean) > 0.1 || math.Abs(std-1) > 0.1 {
		t.Errorf("N(0, 1) init: mean %.3f std %.3f", mean, std)
	}
	y := e.Forward(autograd.NoGrad(), autograd.NewVar(tensor.FromData([]float32{10, 3}, 2)))
	if !tensor.SameShape(y.Shape(), []int{2, 128}) {
		t.Fatalf("shape %v, want (2, 128)", y.Shape())
	}
	for j := range 128 {
		if y.Data()[j] != e.Weight.V.Value.At(10, j) || y.Data()[128+j] != e.Weight.V.Value.At(3, j) {
			t.Fatalf("row mismatch at feature %d", j)
		}
	}
}
