package autograd

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// TestDirtyOutputsOverwritten fills the pool with NaN buffers of each op's
// output length, then runs the op on a NoGradPooled graph: the ops that
// take their output without zeroing it must still write every element, so
// the result is bit-identical to a NoGrad run.
func TestDirtyOutputsOverwritten(t *testing.T) {
	rng := tensor.NewRNG(11)
	x4 := NewVar(rng.Rand(-2, 2, 2, 4, 6, 5))  // (N, C, H, W)
	y4 := NewVar(rng.Rand(-2, 2, 2, 4, 6, 5))  // same shape
	c4 := NewVar(rng.Rand(0.5, 2, 1, 4, 1, 1)) // per-channel, broadcast
	m := NewVar(rng.Rand(-1, 1, 3, 7, 5))
	w := NewVar(rng.Rand(-1, 1, 5, 9))
	aff, sh := NewVar(rng.Rand(0.5, 1.5, 4)), NewVar(rng.Rand(-0.5, 0.5, 4))
	affD, shD := NewVar(rng.Rand(0.5, 1.5, 5)), NewVar(rng.Rand(-0.5, 0.5, 5))
	emb := NewVar(rng.Rand(-1, 1, 10, 6))
	cases := []struct {
		name string
		f    func(g *Graph) *Var
	}{
		{"Add", func(g *Graph) *Var { return g.Add(x4, y4) }},
		{"Mul broadcast", func(g *Graph) *Var { return g.Mul(x4, c4) }},
		{"Div broadcast", func(g *Graph) *Var { return g.Div(c4, x4) }},
		{"Scale", func(g *Graph) *Var { return g.Scale(x4, 3) }},
		{"SiLU", func(g *Graph) *Var { return g.SiLU(x4) }},
		{"Exp", func(g *Graph) *Var { return g.Exp(x4) }},
		{"ReLU", func(g *Graph) *Var { return g.ReLU(x4) }},
		{"Dropout", func(g *Graph) *Var { return g.Dropout(x4, 0.3, tensor.NewRNG(1)) }},
		{"Embedding", func(g *Graph) *Var { return g.Embedding(emb, []int{3, 0, 9, 3}) }},
		{"MatMul", func(g *Graph) *Var { return g.MatMul(m, w) }},
		{"MatMulTrans", func(g *Graph) *Var { return g.MatMulTrans(m, m, true, false) }},
		{"Permute", func(g *Graph) *Var { return g.Permute(x4, 0, 2, 3, 1) }},
		{"Concat", func(g *Graph) *Var { return g.Concat(1, x4, y4, x4) }},
		{"Slice", func(g *Graph) *Var { return g.Slice(x4, 2, 1, 4) }},
		{"UpsampleNearest2d", func(g *Graph) *Var { return g.UpsampleNearest2d(x4, 2) }},
		{"AvgPool2d", func(g *Graph) *Var { return g.AvgPool2d(x4, 2, 2) }},
		{"Softmax rows", func(g *Graph) *Var { return g.Softmax(x4, -1) }},
		{"Softmax strided", func(g *Graph) *Var { return g.Softmax(x4, 1) }},
		{"LogSoftmax", func(g *Graph) *Var { return g.LogSoftmax(m, 1) }},
		{"GroupNorm", func(g *Graph) *Var { return g.GroupNorm(x4, 2, aff, sh, 1e-5) }},
		{"GroupNormSiLU", func(g *Graph) *Var { return g.GroupNormSiLU(x4, 4, aff, nil, 1e-5) }},
		{"LayerNorm", func(g *Graph) *Var { return g.LayerNorm(x4, affD, shD, 1e-5) }},
	}
	for _, c := range cases {
		want := c.f(NoGrad()).Value
		for range 4 {
			poison := tensor.New(want.Len())
			poison.Fill(float32(math.NaN()))
			give(poison)
		}
		g := NoGradPooled()
		got := c.f(g).Value
		if !tensor.SameShape(got.Shape, want.Shape) {
			t.Fatalf("%s: shape %v, want %v", c.name, got.Shape, want.Shape)
		}
		for i := range want.Data {
			if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
				t.Fatalf("%s: element %d = %v from a NaN-filled pooled buffer, want %v", c.name, i, got.Data[i], want.Data[i])
			}
		}
		g.Release(nil)
	}
	FreeBuffers()
}
