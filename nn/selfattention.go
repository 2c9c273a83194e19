package nn

import (
	"math"

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
	b, l := xs[0], xs[1]
	qkv := splitHeads(g, a.QKV.Forward(g, x), 3, a.Heads) // (3, B, H, L, dh)
	q, k, v := g.Index(qkv, 0), g.Index(qkv, 1), g.Index(qkv, 2)
	if a.Rotary {
		q, k = g.Rotary(q, a.RotaryBase, 0), g.Rotary(k, a.RotaryBase, 0)
	}
	return a.Out.Forward(g, attend(g, q, k, v, a.Causal, b, l, a.Dim))
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

// attend is softmax(q·kᵀ/√dh)·v per head for q: (B, H, T, dh) and k, v:
// (B, H, S, dh), with the heads joined back into (B, T, dim).
func attend(g *autograd.Graph, q, k, v *autograd.Var, causal bool, b, t, dim int) *autograd.Var {
	qs := q.Shape()
	h, dh := qs[1], qs[3]
	q = g.Scale(q, float32(1/math.Sqrt(float64(dh)))) // on q: T·dh products instead of T·S
	w := g.MatMulT(q, k)                              // (B, H, T, S)
	if causal {
		w = g.CausalSoftmax(w)
	} else {
		w = g.Softmax(w, -1)
	}
	o := g.Permute(g.MatMul(w, v), 0, 2, 1, 3) // (B, T, H, dh)
	return g.Reshape(o, b, t, h*dh)
}
