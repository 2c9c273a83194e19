package benchunet

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Sizes fixed by the spec.
const (
	TimeDim    = 32  // width of the sinusoidal time features
	EmbDim     = 128 // width of the time (and class) embedding
	InChannels = 1   // image channels in and out
	Resolution = 28  // image height and width
	NumClasses = 10  // Fashion-MNIST classes; index NumClasses is the null class
)

var (
	channels       = []int{32, 64, 128} // per level, at resolutions 28, 14, 7
	numResBlocks   = 2                  // per encoder level; the decoder has one more
	attnResolution = 7                  // attention after every ResBlock at this size
)

// Config picks the variant of bench-unet.
type Config struct {
	// Classes is the number of classes (10, the default benchmark) or 0 for
	// the unconditional variant, which has no class embedding.
	Classes int
	// Dropout is the ResBlock dropout probability (0 in the benchmark).
	Dropout float64
}

// TimeMLP embeds time steps: fc2(SiLU(fc1(sinusoidal(t)))), 32 → 128 → 128.
type TimeMLP struct {
	FC1 *nn.Linear // 32 → 128
	FC2 *nn.Linear // 128 → 128
}

// Forward embeds the time steps t as (len(t), 128).
func (m *TimeMLP) Forward(g *autograd.Graph, t []float64) *autograd.Var {
	f := autograd.NewVar(nn.SinusoidalEmbedding(t, TimeDim)) // (N, 32)
	return m.FC2.Forward(g, g.SiLU(m.FC1.Forward(g, f)))
}

// Params lists fc1, then fc2.
func (m *TimeMLP) Params() []*nn.Param { return nn.Collect(m.FC1, m.FC2) }

// Level is one resolution of the encoder or decoder: ResBlocks, attention
// after each ResBlock (at resolution 7 only), and a resampler at the end
// (Down in the encoder, Up in the decoder; nil at the last level).
type Level struct {
	Res  []*ResBlock
	Attn []*AttnBlock // empty, or one per ResBlock
	Down *Downsample
	Up   *Upsample
}

// Params lists the ResBlocks, the AttnBlocks, then the resampler, as
// PyTorch registers them.
func (l *Level) Params() []*nn.Param {
	var ps []*nn.Param
	for _, r := range l.Res {
		ps = append(ps, r.Params()...)
	}
	for _, a := range l.Attn {
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

// Model is bench-unet. Its fields are the spec's modules under their
// PyTorch names.
type Model struct {
	Config
	Temb     *TimeMLP      // temb
	ClassEmb *nn.Embedding // class_emb: (Classes+1, 128); nil when unconditional
	Stem     *nn.Conv2d    // stem: 3×3, 1 → 32
	Down     []*Level      // down.0 … down.2 (28, 14, 7)
	MidRes1  *ResBlock     // mid.res1
	MidAttn  *AttnBlock    // mid.attn
	MidRes2  *ResBlock     // mid.res2
	Up       []*Level      // up.0 … up.2, up.i at the resolution of down.i; run from 2 to 0
	OutNorm  *nn.GroupNorm // out.norm: GroupNorm(8, 32)
	OutConv  *nn.Conv2d    // out.conv: 3×3, 32 → 1

	// Trace, when set, is called with every block's output during Forward,
	// named as the reference's activations ("temb", "class_emb", "stem",
	// "down.0.res.0", …, "up.0.res.2"), to find where another
	// implementation departs.
	Trace func(name string, v *autograd.Var)
	// DropoutRNG drives dropout when Config.Dropout > 0; nil turns dropout
	// off (evaluation and sampling).
	DropoutRNG *tensor.RNG
}

// New builds bench-unet with PyTorch's default initialisation drawn from
// rng (the values differ from PyTorch's; load a state dict to match them).
func New(cfg Config, rng *tensor.RNG) *Model {
	m := &Model{Config: cfg}
	m.Temb = &TimeMLP{
		FC1: nn.NewLinear("temb.fc1", TimeDim, EmbDim, true, rng),
		FC2: nn.NewLinear("temb.fc2", EmbDim, EmbDim, true, rng),
	}
	if cfg.Classes > 0 {
		m.ClassEmb = nn.NewEmbedding("class_emb", cfg.Classes+1, EmbDim, rng)
	}
	m.Stem = nn.NewConv2d("stem", InChannels, channels[0], 3, 1, 1, true, rng)

	skips := []int{channels[0]} // channels of the skip stack, in push order
	ch, res := channels[0], Resolution
	for i, cout := range channels {
		lvl := &Level{}
		name := nn.Join("down", i)
		for j := range numResBlocks {
			lvl.Res = append(lvl.Res, NewResBlock(nn.Join(name, "res", j), ch, cout, EmbDim, cfg.Dropout, rng))
			ch = cout
			if res == attnResolution {
				lvl.Attn = append(lvl.Attn, NewAttnBlock(nn.Join(name, "attn", j), ch, rng))
			}
			skips = append(skips, ch)
		}
		if i < len(channels)-1 {
			lvl.Down = NewDownsample(nn.Join(name, "down"), ch, rng)
			res = (res + 1) / 2
			skips = append(skips, ch)
		}
		m.Down = append(m.Down, lvl)
	}

	m.MidRes1 = NewResBlock("mid.res1", ch, ch, EmbDim, cfg.Dropout, rng)
	m.MidAttn = NewAttnBlock("mid.attn", ch, rng)
	m.MidRes2 = NewResBlock("mid.res2", ch, ch, EmbDim, cfg.Dropout, rng)

	m.Up = make([]*Level, len(channels))
	for i := len(channels) - 1; i >= 0; i-- {
		cout := channels[i]
		lvl := &Level{}
		name := nn.Join("up", i)
		for j := range numResBlocks + 1 {
			skip := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			lvl.Res = append(lvl.Res, NewResBlock(nn.Join(name, "res", j), ch+skip, cout, EmbDim, cfg.Dropout, rng))
			ch = cout
			if res == attnResolution {
				lvl.Attn = append(lvl.Attn, NewAttnBlock(nn.Join(name, "attn", j), ch, rng))
			}
		}
		if i > 0 {
			lvl.Up = NewUpsample(nn.Join(name, "up"), ch, rng)
			res *= 2
		}
		m.Up[i] = lvl
	}

	m.OutNorm = nn.NewGroupNorm("out.norm", groups, ch)
	m.OutConv = nn.NewConv2d("out.conv", ch, InChannels, 3, 1, 1, true, rng)
	return m
}

// Params lists every parameter in PyTorch's registration order: temb,
// class_emb, stem, down.0…2, mid, up.0…2, out.
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
	for _, l := range m.Up {
		ps = append(ps, l.Params()...)
	}
	return append(ps, nn.Collect(m.OutNorm, m.OutConv)...)
}

// Forward predicts the noise in x: (N, 1, 28, 28) at time steps t (N
// values) for classes y (N values in 0..Classes, Classes being the null
// class; nil means the null class for all). y is ignored by the
// unconditional variant. The result is (N, 1, 28, 28).
func (m *Model) Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	n := x.Shape()[0]
	if len(t) != n || (y != nil && len(y) != n) {
		tensor.Shapef("benchunet.Forward", [][]int{x.Shape(), {len(t)}, {len(y)}}, "want one time step and one label per image")
	}
	emb := m.trace("temb", m.Temb.Forward(g, t)) // (N, 128)
	if m.ClassEmb != nil {
		if y == nil {
			y = make([]int, n)
			for i := range y {
				y[i] = m.Classes
			}
		}
		emb = g.Add(emb, m.trace("class_emb", m.ClassEmb.Lookup(g, y)))
	}
	e := g.SiLU(emb) // shared by every ResBlock

	h := m.trace("stem", m.Stem.Forward(g, x)) // (N, 32, 28, 28)
	hs := []*autograd.Var{h}
	for i, l := range m.Down {
		for j, r := range l.Res {
			h = m.trace(nn.Join("down", i, "res", j), r.Forward(g, h, e, m.DropoutRNG))
			if len(l.Attn) > 0 {
				h = m.trace(nn.Join("down", i, "attn", j), l.Attn[j].Forward(g, h))
			}
			hs = append(hs, h)
		}
		if l.Down != nil {
			h = m.trace(nn.Join("down", i, "down"), l.Down.Forward(g, h))
			hs = append(hs, h)
		}
	}

	h = m.trace("mid.res1", m.MidRes1.Forward(g, h, e, m.DropoutRNG))
	h = m.trace("mid.attn", m.MidAttn.Forward(g, h))
	h = m.trace("mid.res2", m.MidRes2.Forward(g, h, e, m.DropoutRNG))

	for i := len(m.Up) - 1; i >= 0; i-- {
		l := m.Up[i]
		for j, r := range l.Res {
			skip := hs[len(hs)-1]
			hs = hs[:len(hs)-1]
			// The input is the concatenation (running activation first,
			// skip second), read where its two parts lie.
			h = m.trace(nn.Join("up", i, "res", j), r.ForwardCat(g, []*autograd.Var{h, skip}, e, m.DropoutRNG))
			if len(l.Attn) > 0 {
				h = m.trace(nn.Join("up", i, "attn", j), l.Attn[j].Forward(g, h))
			}
		}
		if l.Up != nil {
			h = m.trace(nn.Join("up", i, "up"), l.Up.Forward(g, h))
		}
	}
	a := m.OutNorm.ForwardSiLU(g, h)
	out := m.OutConv.Forward(g, a)
	g.Evict(a)
	return out
}

func (m *Model) trace(name string, v *autograd.Var) *autograd.Var {
	if m.Trace != nil {
		m.Trace(name, v)
	}
	return v
}
