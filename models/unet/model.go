package unet

import (
	"fmt"
	"slices"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// TimeMLP embeds time steps: fc2(SiLU(fc1(sinusoidal(t)))),
// TimeDim → EmbDim → EmbDim.
type TimeMLP struct {
	Dim int        // width of the sinusoidal features
	FC1 *nn.Linear // TimeDim → EmbDim
	FC2 *nn.Linear // EmbDim → EmbDim
}

// Forward embeds the time steps t as (len(t), EmbDim).
func (m *TimeMLP) Forward(g *autograd.Graph, t []float64) *autograd.Var {
	f := autograd.NewVar(nn.SinusoidalEmbedding(t, m.Dim)) // (N, TimeDim)
	return m.FC2.Forward(g, g.SiLU(m.FC1.Forward(g, f)))
}

// Params lists fc1, then fc2.
func (m *TimeMLP) Params() []*nn.Param { return nn.Collect(m.FC1, m.FC2) }

// Level is one resolution of the encoder or decoder: ResBlocks, attention
// after each ResBlock (at attention resolutions only), and a resampler at
// the end (Down in the encoder, Up in the decoder; nil at the last level).
type Level struct {
	Res  []*ResBlock
	Attn []*AttnBlock // empty, or one per ResBlock
	// Cross holds one CrossBlock per AttnBlock when the model has a text
	// context (Config.ContextDim > 0); empty otherwise.
	Cross []*CrossBlock
	Down  *Downsample
	Up    *Upsample
}

// Params lists the ResBlocks, the AttnBlocks, then the resampler.
func (l *Level) Params() []*nn.Param {
	var ps []*nn.Param
	for _, r := range l.Res {
		ps = append(ps, r.Params()...)
	}
	for _, a := range l.Attn {
		ps = append(ps, a.Params()...)
	}
	for _, a := range l.Cross {
		ps = append(ps, a.Params()...)
	}
	if l.Down != nil {
		ps = append(ps, l.Down.Params()...)
	}
	if l.Up != nil {
		ps = append(ps, l.Up.Params()...)
	}
	return ps
}

// Model is the U-Net. Its fields are the modules under their parameter
// name prefixes.
type Model struct {
	Config
	Temb     *TimeMLP      // temb
	ClassEmb *nn.Embedding // class_emb: (Classes+1, EmbDim); nil when unconditional
	Stem     *nn.Conv2d    // stem: 3×3, InChannels → Channels
	Down     []*Level      // down.0 …, level i at ImageSize/2^i
	MidRes1  *ResBlock     // mid.res1
	MidAttn  *AttnBlock    // mid.attn
	MidRes2  *ResBlock     // mid.res2
	MidCross *CrossBlock   // mid.cross; nil without a text context
	Pooled   *nn.Linear    // pooled: ContextDim → EmbDim; nil without a text context
	Up       []*Level      // up.0 …, up.i at the resolution of down.i; run last to first
	OutNorm  *nn.GroupNorm // out.norm
	OutConv  *nn.Conv2d    // out.conv: 3×3, Channels → OutChannels

	// DropoutRNG drives dropout when Dropout > 0; nil turns dropout off
	// (evaluation and sampling).
	DropoutRNG *tensor.RNG
}

// New checks cfg and builds the U-Net with PyTorch's default
// initialisation drawn from rng: uniform ±1/√fan_in for convolutions and
// linear layers, N(0, 1) class embeddings, GroupNorm weight 1 and bias 0.
func New(cfg Config, rng *tensor.RNG) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.ChannelMult = slices.Clone(cfg.ChannelMult)
	cfg.AttentionResolutions = slices.Clone(cfg.AttentionResolutions)
	emb, gr := cfg.EmbDim(), cfg.Groups
	m := &Model{Config: cfg}
	m.Temb = &TimeMLP{
		Dim: cfg.TimeDim(),
		FC1: nn.NewLinear("temb.fc1", cfg.TimeDim(), emb, true, rng),
		FC2: nn.NewLinear("temb.fc2", emb, emb, true, rng),
	}
	if cfg.Classes > 0 {
		m.ClassEmb = nn.NewEmbedding("class_emb", cfg.Classes+1, emb, rng)
	}
	m.Stem = nn.NewConv2d("stem", cfg.InChannels, cfg.Channels, 3, 1, 1, true, rng)

	attnAt := func(res int) bool { return slices.Contains(cfg.AttentionResolutions, res) }
	res := cfg.Resolutions()
	skips := []int{cfg.Channels} // channels of the skip stack, in push order
	ch := cfg.Channels
	for i, mult := range cfg.ChannelMult {
		lvl, name, cout := &Level{}, nn.Join("down", i), cfg.Channels*mult
		for j := range cfg.ResBlocks {
			lvl.Res = append(lvl.Res, NewResBlock(nn.Join(name, "res", j), ch, cout, emb, gr, cfg.Dropout, rng))
			ch = cout
			if attnAt(res[i]) {
				lvl.Attn = append(lvl.Attn, NewAttnBlock(nn.Join(name, "attn", j), ch, cfg.Heads, gr, rng))
				if cfg.ContextDim > 0 {
					lvl.Cross = append(lvl.Cross, NewCrossBlock(nn.Join(name, "cross", j), ch, cfg.ContextDim, cfg.Heads, gr, rng))
				}
			}
			skips = append(skips, ch)
		}
		if i < len(cfg.ChannelMult)-1 {
			lvl.Down = NewDownsample(nn.Join(name, "down"), ch, rng)
			skips = append(skips, ch)
		}
		m.Down = append(m.Down, lvl)
	}

	m.MidRes1 = NewResBlock("mid.res1", ch, ch, emb, gr, cfg.Dropout, rng)
	m.MidAttn = NewAttnBlock("mid.attn", ch, cfg.Heads, gr, rng)
	m.MidRes2 = NewResBlock("mid.res2", ch, ch, emb, gr, cfg.Dropout, rng)
	if cfg.ContextDim > 0 {
		m.MidCross = NewCrossBlock("mid.cross", ch, cfg.ContextDim, cfg.Heads, gr, rng)
		m.Pooled = nn.NewLinear("pooled", cfg.ContextDim, emb, true, rng)
	}

	m.Up = make([]*Level, len(cfg.ChannelMult))
	for i := len(cfg.ChannelMult) - 1; i >= 0; i-- {
		lvl, name, cout := &Level{}, nn.Join("up", i), cfg.Channels*cfg.ChannelMult[i]
		for j := range cfg.ResBlocks + 1 {
			skip := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			lvl.Res = append(lvl.Res, NewResBlock(nn.Join(name, "res", j), ch+skip, cout, emb, gr, cfg.Dropout, rng))
			ch = cout
			if attnAt(res[i]) {
				lvl.Attn = append(lvl.Attn, NewAttnBlock(nn.Join(name, "attn", j), ch, cfg.Heads, gr, rng))
				if cfg.ContextDim > 0 {
					lvl.Cross = append(lvl.Cross, NewCrossBlock(nn.Join(name, "cross", j), ch, cfg.ContextDim, cfg.Heads, gr, rng))
				}
			}
		}
		if i > 0 {
			lvl.Up = NewUpsample(nn.Join(name, "up"), ch, rng)
		}
		m.Up[i] = lvl
	}

	m.OutNorm = nn.NewGroupNorm("out.norm", gr, ch)
	m.OutConv = nn.NewConv2d("out.conv", ch, cfg.OutChannels, 3, 1, 1, true, rng)
	return m, nil
}

// NewPreset builds the named preset (see Preset).
func NewPreset(name string, rng *tensor.RNG) (*Model, error) {
	cfg, err := Preset(name)
	if err != nil {
		return nil, err
	}
	return New(cfg, rng)
}

// Params lists every parameter in registration order: temb, class_emb,
// stem, down.0…, mid, up.0…, out (bench-unet's order for the "bench"
// preset).
func (m *Model) Params() []*nn.Param {
	ps := m.Temb.Params()
	if m.ClassEmb != nil {
		ps = append(ps, m.ClassEmb.Params()...)
	}
	ps = append(ps, m.Stem.Params()...)
	for _, l := range m.Down {
		ps = append(ps, l.Params()...)
	}
	ps = append(ps, nn.Collect(m.MidRes1, m.MidAttn, m.MidRes2)...)
	if m.MidCross != nil {
		ps = append(ps, nn.Collect(m.MidCross, m.Pooled)...)
	}
	for _, l := range m.Up {
		ps = append(ps, l.Params()...)
	}
	return append(ps, nn.Collect(m.OutNorm, m.OutConv)...)
}

// SetDropoutRNG sets the stream that drives dropout (nil turns it off), so
// that a trainer can replay dropout exactly on resume.
func (m *Model) SetDropoutRNG(rng *tensor.RNG) { m.DropoutRNG = rng }

// Forward predicts from x: (N, InChannels, ImageSize, ImageSize), the
// network's noise input t (N values, e.g. time steps 0..999, through the
// sinusoidal features) and labels y (N values in 0..Classes, Classes
// being the null class; nil means the null class for all; ignored when
// unconditional). The result is (N, OutChannels, ImageSize, ImageSize).
// Wrong shapes or labels panic with a *tensor.ShapeError; entry points
// turn that into an error with tensor.Recover.
func (m *Model) Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	return m.Decode(g, m.Encode(g, x, t, y))
}

// Encoding is what the encoder half of a forward pass hands to the
// decoder half.
type Encoding struct {
	// Skips is the skip stack in push order: the stem's output, then each
	// encoder ResBlock's (after its attention) and each Downsample's, level
	// by level. The decoder pops it from the end.
	Skips []*autograd.Var
	// Mid is the middle block's output: (N, Channels·ChannelMult[L−1],
	// ImageSize/2^(L−1), ImageSize/2^(L−1)) for L levels, the bottleneck.
	Mid *autograd.Var
	// Emb is SiLU of the time (plus class) embedding: (N, EmbDim), shared
	// by every ResBlock.
	Emb *autograd.Var
	// Context is the text context (N, S, ContextDim) the cross-attention
	// reads; nil without one.
	Context *autograd.Var
}

// Text is the prompt conditioning of a model with ContextDim > 0: the
// per-character context (N, S, ContextDim) and the pooled vector (N,
// ContextDim), from models/textenc.
type Text struct {
	Context, Pooled *autograd.Var
}

// Encode runs the embedding, the encoder levels and the middle block on
// the inputs of Forward (same shapes, same panics). Forward is
// Decode(g, Encode(g, x, t, y)).
func (m *Model) Encode(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *Encoding {
	return m.EncodeText(g, x, t, y, nil)
}

// ForwardText is Forward with a text condition (required when
// ContextDim > 0, refused otherwise).
func (m *Model) ForwardText(g *autograd.Graph, x *autograd.Var, t []float64, y []int, text *Text) *autograd.Var {
	return m.Decode(g, m.EncodeText(g, x, t, y, text))
}

// EncodeText is Encode with a text condition; see ForwardText.
func (m *Model) EncodeText(g *autograd.Graph, x *autograd.Var, t []float64, y []int, text *Text) *Encoding {
	s := x.Shape()
	if len(s) != 4 || s[1] != m.InChannels || s[2] != m.ImageSize || s[3] != m.ImageSize {
		tensor.Shapef("unet.Forward", [][]int{s}, "want (N, %d, %d, %d)", m.InChannels, m.ImageSize, m.ImageSize)
	}
	n := s[0]
	if len(t) != n || (y != nil && len(y) != n) {
		tensor.Shapef("unet.Forward", [][]int{s, {len(t)}, {len(y)}}, "want one noise level and one label per image")
	}
	emb := m.Temb.Forward(g, t) // (N, EmbDim)
	if m.ClassEmb != nil {
		if y == nil {
			y = make([]int, n)
			for i := range y {
				y[i] = m.Classes
			}
		}
		for i, c := range y {
			if c < 0 || c > m.Classes {
				tensor.Shapef("unet.Forward", [][]int{{len(y)}}, "label %d is %d, want 0..%d (%d = no label)", i, c, m.Classes, m.Classes)
			}
		}
		emb = g.Add(emb, m.ClassEmb.Lookup(g, y))
	}
	var context *autograd.Var
	switch {
	case m.ContextDim > 0 && text == nil:
		tensor.Shapef("unet.Forward", [][]int{s}, "the model has a text context (context_dim %d) but none was given", m.ContextDim)
	case m.ContextDim == 0 && text != nil:
		tensor.Shapef("unet.Forward", [][]int{s}, "a text context was given to a model without one")
	case text != nil:
		cs, ps := text.Context.Shape(), text.Pooled.Shape()
		if len(cs) != 3 || cs[0] != n || cs[2] != m.ContextDim || len(ps) != 2 || ps[0] != n || ps[1] != m.ContextDim {
			tensor.Shapef("unet.Forward", [][]int{s, cs, ps}, "want context (N, S, %d) and pooled (N, %d)", m.ContextDim, m.ContextDim)
		}
		emb = g.Add(emb, m.Pooled.Forward(g, text.Pooled))
		context = text.Context
	}
	e := g.SiLU(emb) // shared by every ResBlock

	h := m.Stem.Forward(g, x) // (N, Channels, S, S)
	hs := []*autograd.Var{h}
	for _, l := range m.Down {
		for j, r := range l.Res {
			h = r.Forward(g, h, e, m.DropoutRNG)
			if len(l.Attn) > 0 {
				h = l.Attn[j].Forward(g, h)
			}
			if len(l.Cross) > 0 {
				h = l.Cross[j].Forward(g, h, context)
			}
			hs = append(hs, h)
		}
		if l.Down != nil {
			h = l.Down.Forward(g, h)
			hs = append(hs, h)
		}
	}

	h = m.MidRes1.Forward(g, h, e, m.DropoutRNG)
	h = m.MidAttn.Forward(g, h)
	if m.MidCross != nil {
		h = m.MidCross.Forward(g, h, context)
	}
	h = m.MidRes2.Forward(g, h, e, m.DropoutRNG)
	return &Encoding{Skips: hs, Mid: h, Emb: e, Context: context}
}

// Features returns the bottleneck activations for the inputs of Forward:
// Encode's Mid, without running the decoder.
func (m *Model) Features(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	return m.Encode(g, x, t, y).Mid
}

// Decode runs the decoder levels and the output layer on an Encoding from
// Encode, leaving enc unchanged. The result is (N, OutChannels,
// ImageSize, ImageSize).
func (m *Model) Decode(g *autograd.Graph, enc *Encoding) *autograd.Var {
	h, e := enc.Mid, enc.Emb
	next := len(enc.Skips) // the decoder pops the skip stack from here
	for i := len(m.Up) - 1; i >= 0; i-- {
		l := m.Up[i]
		for j, r := range l.Res {
			next--
			// The input is the concatenation (running activation first,
			// skip second), read where its two parts lie.
			h = r.ForwardCat(g, []*autograd.Var{h, enc.Skips[next]}, e, m.DropoutRNG)
			if len(l.Attn) > 0 {
				h = l.Attn[j].Forward(g, h)
			}
			if len(l.Cross) > 0 {
				h = l.Cross[j].Forward(g, h, enc.Context)
			}
		}
		if l.Up != nil {
			h = l.Up.Forward(g, h)
		}
	}
	a := m.OutNorm.ForwardSiLU(g, h)
	out := m.OutConv.Forward(g, a)
	g.Evict(a)
	return out
}

// String describes the model in one line: sizes, widths, blocks,
// attention, classes and the parameter count.
func (m *Model) String() string {
	return fmt.Sprintf("unet %d×%d×%d→%d, %d·%v, %d res, attn %v, %d heads, %d classes, %d params",
		m.ImageSize, m.ImageSize, m.InChannels, m.OutChannels, m.Channels, m.ChannelMult,
		m.ResBlocks, m.AttentionResolutions, m.Heads, m.Classes, nn.Count(m.Params()))
}
