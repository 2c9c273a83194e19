package nn

import (
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Embedding is a lookup table of N vectors of Dim features (PyTorch's
// nn.Embedding); rows start N(0, 1).
type Embedding struct {
	N, Dim int
	Weight *Param // (N, Dim)
}

// NewEmbedding makes an Embedding whose table is named name.weight.
func NewEmbedding(name string, n, dim int, rng *tensor.RNG) *Embedding {
	return &Embedding{N: n, Dim: dim, Weight: NewParam(Join(name, "weight"), rng.Randn(n, dim))}
}

// Lookup returns the rows idx of the table: (len(idx), Dim). An index out
// of [0, N) panics with a *tensor.ShapeError.
func (e *Embedding) Lookup(g *autograd.Graph, idx []int) *autograd.Var {
	return g.Embedding(e.Weight.V, idx)
}

// Forward looks up x, whose values are indices stored as float32 (rounded
// to the nearest integer), and returns (x's shape…, Dim). No gradient flows
// to x. It lets an Embedding sit in a Sequential; Lookup is the direct way.
func (e *Embedding) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	idx := make([]int, x.Value.Len())
	for i, v := range x.Value.Data {
		idx[i] = int(math.Round(float64(v)))
	}
	out := g.Embedding(e.Weight.V, idx)
	shape := append(append([]int(nil), x.Value.Shape...), e.Dim)
	return g.Reshape(out, shape...)
}

// Params lists the table.
func (e *Embedding) Params() []*Param { return params(e.Weight) }
