package nn

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// SelfAttention is multi-head scaled dot-product self-attention (Vaswani
// et al. 2017) over sequences x: (B, L, D) with one fused projection, as
// in GPT-2, DiT and bench-text:
//
//	q, k, v = split3(QKV(x)),  each reshaped to (B, H, L, D/H), q = channels 0 … D−1
//	a       = softmax(q·kᵀ/√(D/H) [+ causal mask]) · v,  per head
//	y       = Out(a with heads concatenated back to (B, L, D)).
//
// With Causal set, position i attends only to positions j ≤ i (a decoder);
// otherwise every position sees every position. With Rotary set, q and k
// are rotated by autograd's Rotary (RoPE, Su et al. 2021, GPT-NeoX's
// half-split convention) with base RotaryBase before the product, and the
// attention depends on positions only through their differences.
//
// The attention itself is autograd's fused Attention (AttentionQKV without
// Rotary, reading q, k and v where the projection wrote them): the
// (B, H, L, L) weights are never stored, only recomputed per head in
// backward.
type SelfAttention struct {
	Dim, Heads int
	Causal     bool    // mask future keys
	Rotary     bool    // rotary position embedding of q and k
	RotaryBase float64 // θ base of Rotary (default 10000)
	QKV        *Linear // D → 3D
	Out        *Linear // D → D
}

// NewSelfAttention makes self-attention over dim features split into heads
// heads (heads must divide dim); its projections are named qkvName and
// outName (bench-text's blocks use "blocks.i.attn_qkv" and
// "blocks.i.attn_out"), with bias, initialised as PyTorch's nn.Linear.
// Causal and Rotary start off.
func NewSelfAttention(qkvName, outName string, dim, heads int, rng *tensor.RNG) *SelfAttention {
	if heads < 1 || dim%heads != 0 {
		tensor.Shapef("NewSelfAttention", [][]int{{dim}}, "%d heads do not divide %d features", heads, dim)
	}
	return &SelfAttention{Dim: dim, Heads: heads, RotaryBase: 10000,
		QKV: NewLinear(qkvName, dim, 3*dim, true, rng),
		Out: NewLinear(outName, dim, dim, true, rng)}
}

// Forward attends within x: (B, L, D) and returns (B, L, D).
func (a *SelfAttention) Forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	xs := x.Shape()
	if len(xs) != 3 || xs[2] != a.Dim {
		tensor.Shapef("SelfAttention", [][]int{xs}, "want x (B, L, %d)", a.Dim)
	}
	y := a.QKV.Forward(g, x) // (B, L, 3D)
	if !a.Rotary {
		return a.Out.Forward(g, g.AttentionQKV(y, a.Heads, a.Causal)) // q, k, v read in place
	}
	qkv := splitHeads(g, y, 3, a.Heads) // (3, B, H, L, dh)
	q, k, v := g.Index(qkv, 0), g.Index(qkv, 1), g.Index(qkv, 2)
	q, k = g.Rotary(q, a.RotaryBase, 0), g.Rotary(k, a.RotaryBase, 0)
	return a.Out.Forward(g, g.Attention(q, k, v, a.Causal))
}

// Params lists qkv, then out, each weight then bias.
func (a *SelfAttention) Params() []*Param { return Collect(a.QKV, a.Out) }

// splitHeads turns a fused projection y: (B, L, P·D) into (P, B, H, L, D/H)
// with one copy: part p holds channels p·D … (p+1)·D − 1, split into heads.
func splitHeads(g *autograd.Graph, y *autograd.Var, parts, heads int) *autograd.Var {
	ys := y.Shape()
	b, l, d := ys[0], ys[1], ys[2]/parts
	y = g.Reshape(y, b, l, parts, heads, d/heads)
	return g.Permute(y, 2, 0, 3, 1, 4)
}
