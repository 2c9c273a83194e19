package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// CrossAttention is multi-head attention from a sequence x: (B, T, D) to a
// context c: (B, S, C) of another length and width (Vaswani et al. 2017;
// the conditioning layers of latent diffusion, Rombach et al. 2022):
//
//	q = Q(x) split into H heads,  k, v = split2(KV(c)) split into H heads,
//	y = Out(softmax(q·kᵀ/√(D/H))·v with heads joined),  (B, T, D).
//
// The keys and values come from one fused projection KV (C → 2D, k first).
type CrossAttention struct {
	Dim, CtxDim, Heads int
	Q                  *Linear // D → D
	KV                 *Linear // C → 2D
	Out                *Linear // D → D
}

// NewCrossAttention makes cross-attention from dim features to ctxDim
// context features, heads heads (heads must divide dim); its projections
// are named name.q, name.kv and name.out, with bias, initialised as
// PyTorch's nn.Linear.
func NewCrossAttention(name string, dim, ctxDim, heads int, rng *tensor.RNG) *CrossAttention {
	if heads < 1 || dim%heads != 0 {
		tensor.Shapef("NewCrossAttention", [][]int{{dim}}, "%d heads do not divide %d features", heads, dim)
	}
	return &CrossAttention{Dim: dim, CtxDim: ctxDim, Heads: heads,
		Q:   NewLinear(Join(name, "q"), dim, dim, true, rng),
		KV:  NewLinear(Join(name, "kv"), ctxDim, 2*dim, true, rng),
		Out: NewLinear(Join(name, "out"), dim, dim, true, rng)}
}

// Forward attends from x: (B, T, D) to c: (B, S, C) and returns (B, T, D).
func (a *CrossAttention) Forward(g *autograd.Graph, x, c *autograd.Var) *autograd.Var {
	xs, cs := x.Shape(), c.Shape()
	if len(xs) != 3 || len(cs) != 3 || xs[2] != a.Dim || cs[2] != a.CtxDim || cs[0] != xs[0] {
		tensor.Shapef("CrossAttention", [][]int{xs, cs}, "want x (B, T, %d) and context (B, S, %d)", a.Dim, a.CtxDim)
	}
	q := g.Index(splitHeads(g, a.Q.Forward(g, x), 1, a.Heads), 0) // (B, H, T, dh)
	kv := splitHeads(g, a.KV.Forward(g, c), 2, a.Heads)           // (2, B, H, S, dh)
	return a.Out.Forward(g, g.Attention(q, g.Index(kv, 0), g.Index(kv, 1), false))
}

// Params lists q, kv, then out, each weight then bias.
func (a *CrossAttention) Params() []*Param { return Collect(a.Q, a.KV, a.Out) }
