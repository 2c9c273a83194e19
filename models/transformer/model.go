package transformer

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Block is one transformer block. With adaLN (Ada non-nil), as bench-text's
// (TEXT_SPEC.md, "Block"):
//
//	s1, k1, g1, s2, k2, g2 = split6(Ada(SiLU(c)))
//	x = x + g1·Attn(Norm1(x)·(1 + k1) + s1)
//	x = x + g2·FC2(GELU(FC1(Norm2(x)·(1 + k2) + s2)))
//
// and without it x = x + Attn(Norm1(x)), x = x + FC2(GELU(FC1(Norm2(x)))).
// Parameters are named prefix.norm1, attn_qkv, attn_out, norm2, mlp_fc1,
// mlp_fc2, ada, listed in that order (PyTorch's registration order).
type Block struct {
	D            int
	Norm1, Norm2 *nn.LayerNorm // without affine parameters under adaLN
	Attn         *nn.SelfAttention
	FC1, FC2     *nn.Linear // D → 4D → D
	Ada          *nn.Linear // D → 6D; nil without time conditioning
}

// NewBlock makes a block whose parameters are named prefix.….
func NewBlock(prefix string, c Config, rng *tensor.RNG) *Block {
	normOpts := normOptions(c)
	name := func(s string) string { return nn.Join(prefix, s) }
	b := &Block{D: c.D, Norm1: nn.NewLayerNorm(name("norm1"), c.D, normOpts...)}
	b.Attn = nn.NewSelfAttention(name("attn_qkv"), name("attn_out"), c.D, c.Heads, rng)
	b.Attn.Causal, b.Attn.Rotary = c.Causal, c.Rotary
	b.Norm2 = nn.NewLayerNorm(name("norm2"), c.D, normOpts...)
	b.FC1 = nn.NewLinear(name("mlp_fc1"), c.D, MLPRatio*c.D, true, rng)
	b.FC2 = nn.NewLinear(name("mlp_fc2"), MLPRatio*c.D, c.D, true, rng)
	if c.TimeCond {
		b.Ada = nn.NewLinear(name("ada"), c.D, 6*c.D, true, rng)
	}
	return b
}

// Forward maps x: (B, L, D) to (B, L, D); ca is SiLU(c): (B, D), or nil
// without time conditioning.
func (b *Block) Forward(g *autograd.Graph, x, ca *autograd.Var) *autograd.Var {
	if b.Ada == nil {
		x = g.Add(x, b.Attn.Forward(g, b.Norm1.Forward(g, x)))
		return g.Add(x, b.mlp(g, b.Norm2.Forward(g, x)))
	}
	m := chunks(g, b.Ada.Forward(g, ca), 6) // shift1, scale1, gate1, shift2, scale2, gate2
	y := nn.NormModulate(g, b.Norm1, x, m[0], m[1])
	x = g.GatedAdd(x, b.Attn.Forward(g, y), m[2]) // x + g1·attn, g1 broadcast over positions
	y = nn.NormModulate(g, b.Norm2, x, m[3], m[4])
	return g.GatedAdd(x, b.mlp(g, y), m[5])
}

// mlp is FC2(GELU(FC1(y))) in one op (nn.MLP).
func (b *Block) mlp(g *autograd.Graph, y *autograd.Var) *autograd.Var {
	return nn.MLP(g, b.FC1, b.FC2, y)
}

// Params lists norm1, attn_qkv, attn_out, norm2, mlp_fc1, mlp_fc2, ada.
func (b *Block) Params() []*nn.Param {
	ps := nn.Collect(b.Norm1, b.Attn, b.Norm2, b.FC1, b.FC2)
	if b.Ada != nil {
		ps = append(ps, b.Ada.Params()...)
	}
	return ps
}

// normOptions makes every LayerNorm's ε NormEps, and drops the affine
// parameters under adaLN, where the conditioning scales and shifts.
func normOptions(c Config) []nn.LayerNormOption {
	opts := []nn.LayerNormOption{nn.WithEps(NormEps)}
	if c.TimeCond {
		opts = append(opts, nn.WithoutAffine())
	}
	return opts
}

// chunks splits y: (B, n·D) into n slices (B, D) along its last axis, as
// PyTorch's chunk(n, dim=1).
func chunks(g *autograd.Graph, y *autograd.Var, n int) []*autograd.Var {
	d := y.Shape()[1] / n
	out := make([]*autograd.Var, n)
	for i := range out {
		out[i] = g.Slice(y, 1, i*d, (i+1)*d)
	}
	return out
}

// Model is the transformer. Its fields are the modules under their PyTorch
// names; nil fields are absent from the configuration.
type Model struct {
	Config
	TokEmb     *nn.Embedding         // tok_emb: (Vocab, D)
	PosEmb     *nn.PositionEmbedding // pos_emb: (MaxLen, D); nil with Rotary
	TFC1, TFC2 *nn.Linear            // t_fc1: 128 → D, t_fc2: D → D; nil without TimeCond
	Blocks     []*Block              // blocks.i
	NormOut    *nn.LayerNorm         // norm_out
	AdaOut     *nn.Linear            // ada_out: D → 2D (shift, scale); nil without TimeCond
	Head       *nn.Linear            // head: D → Out
	// Trace, when set, is called with every block's output during Forward,
	// named "blocks.i", for comparing activations with a reference.
	Trace func(name string, v *autograd.Var)
}

// New builds a model for c with PyTorch's initialisation: Linear
// U(±1/√in), tok_emb N(0, 1), pos_emb N(0, 0.02²), LayerNorm weight 1 and
// bias 0. It returns the error of c.Validate.
func New(c Config, rng *tensor.RNG) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Config: c, TokEmb: nn.NewEmbedding("tok_emb", c.Vocab, c.D, rng)}
	if !c.Rotary {
		m.PosEmb = nn.NewPositionEmbedding("pos_emb", c.MaxLen, c.D, PosStd, rng)
	}
	if c.TimeCond {
		m.TFC1 = nn.NewLinear("t_fc1", TimeDim, c.D, true, rng)
		m.TFC2 = nn.NewLinear("t_fc2", c.D, c.D, true, rng)
	}
	for i := range c.Layers {
		m.Blocks = append(m.Blocks, NewBlock(nn.Join("blocks", i), c, rng))
	}
	if c.TimeCond {
		m.AdaOut = nn.NewLinear("ada_out", c.D, 2*c.D, true, rng)
	}
	m.NormOut = nn.NewLayerNorm("norm_out", c.D, normOptions(c)...)
	m.Head = nn.NewLinear("head", c.D, c.Out, true, rng)
	return m, nil
}

// Params lists every parameter in the order of PyTorch's
// named_parameters: the model's own nn.Parameter pos_emb first, then the
// submodules in registration order: tok_emb, t_fc1, t_fc2, blocks.0 …
// blocks.N−1, norm_out, ada_out, head.
func (m *Model) Params() []*nn.Param {
	var ps []*nn.Param
	if m.PosEmb != nil {
		ps = append(ps, m.PosEmb.Params()...)
	}
	ps = append(ps, m.TokEmb.Params()...)
	if m.TFC1 != nil {
		ps = append(ps, nn.Collect(m.TFC1, m.TFC2)...)
	}
	for _, b := range m.Blocks {
		ps = append(ps, b.Params()...)
	}
	ps = append(ps, m.NormOut.Params()...)
	if m.AdaOut != nil {
		ps = append(ps, m.AdaOut.Params()...)
	}
	return append(ps, m.Head.Params()...)
}

// Forward returns the logits (B, L, Out) of tokens, b sequences of l ids
// in 0 … Vocab−1 stored row by row, at times t (b values in [0, 1]; nil
// without TimeCond). Bad sizes or ids panic with a *tensor.ShapeError;
// Logits is the entry point that returns them as errors.
func (m *Model) Forward(g *autograd.Graph, tokens []int, b, l int, t []float64) *autograd.Var {
	switch {
	case b < 1 || l < 1 || len(tokens) != b*l:
		tensor.Shapef("transformer", [][]int{{len(tokens)}, {b, l}}, "%d tokens for %d sequences of %d", len(tokens), b, l)
	case m.PosEmb != nil && l > m.MaxLen:
		tensor.Shapef("transformer", [][]int{{b, l}}, "length %d exceeds max_len %d", l, m.MaxLen)
	case m.TimeCond && len(t) != b:
		tensor.Shapef("transformer", [][]int{{b, l}, {len(t)}}, "%d times for %d sequences", len(t), b)
	}
	var ca *autograd.Var // SiLU(c): (B, D), shared by every adaLN Linear
	if m.TimeCond {
		ts := make([]float64, b)
		for i, v := range t { // float32 as in PyTorch: 1000·t rounded before the products
			ts[i] = float64(float32(TimeScale) * float32(v))
		}
		temb := autograd.NewVar(nn.SinusoidalEmbedding(ts, TimeDim)) // (B, 128)
		c := m.TFC2.Forward(g, g.SiLU(m.TFC1.Forward(g, temb)))
		ca = g.SiLU(c)
	}
	x := g.Reshape(m.TokEmb.Lookup(g, tokens), b, l, m.D) // (B, L, D)
	if m.PosEmb != nil {
		x = g.Add(x, m.PosEmb.Forward(g, l)) // (L, D) broadcast over the batch
	}
	for i, blk := range m.Blocks {
		x = blk.Forward(g, x, ca)
		if m.Trace != nil {
			m.Trace(fmt.Sprintf("blocks.%d", i), x)
		}
	}
	if m.AdaOut != nil {
		sc := chunks(g, m.AdaOut.Forward(g, ca), 2) // shift, scale
		x = nn.NormModulate(g, m.NormOut, x, sc[0], sc[1])
	} else {
		x = m.NormOut.Forward(g, x)
	}
	return m.Head.Forward(g, x)
}

// Logits runs Forward without recording (on a pooled no-grad graph, as
// sampling does) and returns a copy of the logits, (B, L, Out) row-major.
// Bad sizes, ids or times are returned as errors, not panics.
func (m *Model) Logits(tokens []int, b, l int, t []float64) (out []float32, err error) {
	defer tensor.Recover(&err)
	g := autograd.NoGradPooled()
	y := m.Forward(g, tokens, b, l, t)
	out = append([]float32(nil), y.Data()...)
	g.Release(nil)
	return out, nil
}
