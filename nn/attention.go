package nn

import (
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// MultiHeadAttention is scaled dot-product attention with Heads heads
// (Vaswani et al. 2017): Q = x·Wqᵀ, K = c·Wkᵀ, V = c·Wvᵀ (c = x for self
// attention, the context for cross attention), split into Heads slices of
// Dim/Heads features, softmax(Q·Kᵀ/√(Dim/Heads))·V per head, heads joined
// and mapped by Out. Sequences are (B, T, D): batch, position, feature.
//
// The four projections are separate Linear layers with bias (names
// name.q, name.k, name.v, name.out), initialised as PyTorch's nn.Linear;
// PyTorch's nn.MultiheadAttention instead packs q, k, v into one
// in_proj_weight with Xavier init, which a checkpoint converter can split.
type MultiHeadAttention struct {
	Dim, Heads int
	Q, K, V    *Linear // (Dim → Dim) each
	Out        *Linear // (Dim → Dim)
}

// NewMultiHeadAttention makes attention over dim features split into heads
// heads; heads must divide dim.
func NewMultiHeadAttention(name string, dim, heads int, rng *tensor.RNG) *MultiHeadAttention {
	if heads < 1 || dim%heads != 0 {
		tensor.Shapef("NewMultiHeadAttention", [][]int{{dim}}, "%d heads do not divide %d features", heads, dim)
	}
	return &MultiHeadAttention{Dim: dim, Heads: heads,
		Q:   NewLinear(Join(name, "q"), dim, dim, true, rng),
		K:   NewLinear(Join(name, "k"), dim, dim, true, rng),
		V:   NewLinear(Join(name, "v"), dim, dim, true, rng),
		Out: NewLinear(Join(name, "out"), dim, dim, true, rng)}
}

// Forward attends from x: (B, T, D) to ctx: (B, S, D), or to x itself when
// ctx is nil, and returns (B, T, D).
func (a *MultiHeadAttention) Forward(g *autograd.Graph, x, ctx *autograd.Var) *autograd.Var {
	if ctx == nil {
		ctx = x
	}
	xs, cs := x.Shape(), ctx.Shape()
	if len(xs) != 3 || len(cs) != 3 || xs[2] != a.Dim || cs[2] != a.Dim || cs[0] != xs[0] {
		tensor.Shapef("MultiHeadAttention", [][]int{xs, cs}, "want x (B, T, %d) and context (B, S, %d)", a.Dim, a.Dim)
	}
	b, t, s, h, dh := xs[0], xs[1], cs[1], a.Heads, a.Dim/a.Heads
	q := a.splitHeads(g, a.Q.Forward(g, x), b, t)   // (B·H, T, dh)
	k := a.splitHeads(g, a.K.Forward(g, ctx), b, s) // (B·H, S, dh)
	v := a.splitHeads(g, a.V.Forward(g, ctx), b, s) // (B·H, S, dh)
	w := g.Scale(g.MatMulT(q, k), float32(1/math.Sqrt(float64(dh))))
	w = g.Softmax(w, -1)                                 // (B·H, T, S): weights over keys
	o := g.MatMul(w, v)                                  // (B·H, T, dh)
	o = g.Permute(g.Reshape(o, b, h, t, dh), 0, 2, 1, 3) // (B, T, H, dh)
	return a.Out.Forward(g, g.Reshape(o, b, t, a.Dim))
}

// splitHeads turns y: (B, L, D) into (B·H, L, D/H), head-major.
func (a *MultiHeadAttention) splitHeads(g *autograd.Graph, y *autograd.Var, b, l int) *autograd.Var {
	y = g.Permute(g.Reshape(y, b, l, a.Heads, a.Dim/a.Heads), 0, 2, 1, 3) // (B, H, L, dh)
	return g.Reshape(y, b*a.Heads, l, a.Dim/a.Heads)
}

// Params lists q, k, v, then out, each weight then bias.
func (a *MultiHeadAttention) Params() []*Param { return Collect(a.Q, a.K, a.V, a.Out) }
