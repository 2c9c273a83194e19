package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// PositionEmbedding is a learned absolute position embedding (as in GPT-2
// and bench-text's pos_emb): one trained vector of Dim features for each
// position below MaxLen. Its parameter is the bare (MaxLen, Dim) table,
// without a ".weight" suffix, as PyTorch names an nn.Parameter attribute.
type PositionEmbedding struct {
	MaxLen, Dim int
	Weight      *Param // (MaxLen, Dim)
}

// NewPositionEmbedding makes a table named name, its entries N(0, std²)
// (bench-text and GPT-2 use std = 0.02).
func NewPositionEmbedding(name string, maxLen, dim int, std float64, rng *tensor.RNG) *PositionEmbedding {
	w := tensor.New(maxLen, dim)
	rng.FillNormal(w, 0, std)
	return &PositionEmbedding{MaxLen: maxLen, Dim: dim, Weight: NewParam(name, w)}
}

// Forward returns the embeddings of positions 0 … l−1: (l, Dim), to add to
// a (B, l, Dim) sequence (it broadcasts over the batch). l above MaxLen
// panics with a *tensor.ShapeError.
func (p *PositionEmbedding) Forward(g *autograd.Graph, l int) *autograd.Var {
	if l < 0 || l > p.MaxLen {
		tensor.Shapef("PositionEmbedding", [][]int{{p.MaxLen, p.Dim}}, "length %d exceeds the %d positions", l, p.MaxLen)
	}
	if l == p.MaxLen {
		return p.Weight.V
	}
	return g.Slice(p.Weight.V, 0, 0, l)
}

// Params lists the table.
func (p *PositionEmbedding) Params() []*Param { return params(p.Weight) }
