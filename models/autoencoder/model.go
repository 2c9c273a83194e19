package autoencoder

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// block is a residual block without time embedding:
// out = skip(x) + conv2(SiLU(norm2(conv1(SiLU(norm1(x)))))).
type block struct {
	norm1, norm2 *nn.GroupNorm
	conv1, conv2 *nn.Conv2d
	skip         *nn.Conv2d // nil when cin = cout
}

func newBlock(name string, cin, cout, groups int, rng *tensor.RNG) *block {
	b := &block{
		norm1: nn.NewGroupNorm(nn.Join(name, "norm1"), groups, cin),
		conv1: nn.NewConv2d(nn.Join(name, "conv1"), cin, cout, 3, 1, 1, true, rng),
		norm2: nn.NewGroupNorm(nn.Join(name, "norm2"), groups, cout),
		conv2: nn.NewConv2d(nn.Join(name, "conv2"), cout, cout, 3, 1, 1, true, rng),
	}
	if cin != cout {
		b.skip = nn.NewConv2d(nn.Join(name, "skip"), cin, cout, 1, 1, 0, true, rng)
	}
	return b
}

func (b *block) forward(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	h := b.conv1.Forward(g, b.norm1.ForwardSiLU(g, x))
	skip := x
	if b.skip != nil {
		skip = b.skip.Forward(g, x)
	}
	return b.conv2.ForwardAdd(g, b.norm2.ForwardSiLU(g, h), nil, skip)
}

func (b *block) params() []*nn.Param {
	ps := nn.Collect(b.norm1, b.conv1, b.norm2, b.conv2)
	if b.skip != nil {
		ps = append(ps, b.skip.Params()...)
	}
	return ps
}

// Autoencoder is the encoder and decoder of the package comment.
//
// Encoder: conv_in 3→C; per level i a block to C·Mults[i] and a stride-2
// 3×3 convolution; a block; GroupNorm-SiLU; conv_out → 2·Latent (μ and
// log σ²). Decoder: conv_in Latent→C·Mults[last]; a block; per level from
// the last, nearest upsampling ×2, a 3×3 convolution and a block to
// C·Mults[i]; GroupNorm-SiLU; conv_out → 3.
type Autoencoder struct {
	Config Config

	encIn, encOut *nn.Conv2d
	encBlocks     []*block
	encDown       []*nn.Conv2d
	encMid        *block
	encNorm       *nn.GroupNorm

	decIn, decOut *nn.Conv2d
	decMid        *block
	decUp         []*nn.Conv2d
	decBlocks     []*block
	decNorm       *nn.GroupNorm
}

// New builds an autoencoder with weights drawn from seed. cfg must be
// valid (Validate); New panics otherwise, as a programmer error.
func New(cfg Config, seed uint64) *Autoencoder {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	rng := tensor.NewRNG(seed)
	c, gr := cfg.Channels, cfg.Groups
	a := &Autoencoder{Config: cfg}
	a.encIn = nn.NewConv2d("enc.in", 3, c, 3, 1, 1, true, rng)
	prev := c
	for i, m := range cfg.Mults {
		a.encBlocks = append(a.encBlocks, newBlock(nn.Join("enc.block", i), prev, c*m, gr, rng))
		a.encDown = append(a.encDown, nn.NewConv2d(nn.Join("enc.down", i), c*m, c*m, 3, 2, 1, true, rng))
		prev = c * m
	}
	a.encMid = newBlock("enc.mid", prev, prev, gr, rng)
	a.encNorm = nn.NewGroupNorm("enc.norm", gr, prev)
	a.encOut = nn.NewConv2d("enc.out", prev, 2*cfg.Latent, 3, 1, 1, true, rng)

	a.decIn = nn.NewConv2d("dec.in", cfg.Latent, prev, 3, 1, 1, true, rng)
	a.decMid = newBlock("dec.mid", prev, prev, gr, rng)
	for j := len(cfg.Mults) - 1; j >= 0; j-- {
		w := c * cfg.Mults[j]
		a.decUp = append(a.decUp, nn.NewConv2d(nn.Join("dec.up", j), prev, prev, 3, 1, 1, true, rng))
		a.decBlocks = append(a.decBlocks, newBlock(nn.Join("dec.block", j), prev, w, gr, rng))
		prev = w
	}
	a.decNorm = nn.NewGroupNorm("dec.norm", gr, prev)
	a.decOut = nn.NewConv2d("dec.out", prev, 3, 3, 1, 1, true, rng)
	return a
}

// Params lists every parameter with stable dotted names.
func (a *Autoencoder) Params() []*nn.Param {
	ps := a.encIn.Params()
	for i := range a.encBlocks {
		ps = append(ps, a.encBlocks[i].params()...)
		ps = append(ps, a.encDown[i].Params()...)
	}
	ps = append(ps, a.encMid.params()...)
	ps = append(ps, nn.Collect(a.encNorm, a.encOut, a.decIn)...)
	ps = append(ps, a.decMid.params()...)
	for i := range a.decUp {
		ps = append(ps, a.decUp[i].Params()...)
		ps = append(ps, a.decBlocks[i].params()...)
	}
	return append(ps, nn.Collect(a.decNorm, a.decOut)...)
}

// Moments maps x: (N, 3, H, W) to μ and log σ², each (N, Latent, H/f,
// W/f), unscaled. log σ² passes through 25·tanh(·/25), a smooth clamp to
// (−25, 25) (the paper clamps to [−30, 20]) that keeps exp(log σ²) finite.
func (a *Autoencoder) Moments(g *autograd.Graph, x *autograd.Var) (mu, logVar *autograd.Var) {
	h := a.encIn.Forward(g, x)
	for i := range a.encBlocks {
		h = a.encDown[i].Forward(g, a.encBlocks[i].forward(g, h))
	}
	h = a.encOut.Forward(g, a.encNorm.ForwardSiLU(g, a.encMid.forward(g, h))) // (N, 2·Latent, h, w)
	l := a.Config.Latent
	mu, logVar = g.Slice(h, 1, 0, l), g.Slice(h, 1, l, 2*l)
	logVar = g.Scale(g.Tanh(g.Scale(logVar, 1.0/25)), 25) // smooth clamp to (−25, 25)
	return mu, logVar
}

// DecodeVar maps unscaled latents z: (N, Latent, h, w) to images (N, 3,
// h·f, w·f), recording on g.
func (a *Autoencoder) DecodeVar(g *autograd.Graph, z *autograd.Var) *autograd.Var {
	h := a.decMid.forward(g, a.decIn.Forward(g, z))
	for i := range a.decUp {
		h = a.decBlocks[i].forward(g, a.decUp[i].Forward(g, g.UpsampleNearest2d(h, 2)))
	}
	return a.decOut.Forward(g, a.decNorm.ForwardSiLU(g, h))
}

// Loss is the training objective of the package comment on a batch x,
// with ε drawn from rng. It returns the loss and its two terms (L1 per
// value and β·KL per value) for logging.
func (a *Autoencoder) Loss(g *autograd.Graph, x *tensor.Tensor, rng *tensor.RNG) (loss *autograd.Var, l1, kl float64) {
	xv := autograd.NewVar(x)
	mu, logVar := a.Moments(g, xv)
	eps := rng.Randn(mu.Shape()...)
	z := g.Add(mu, g.Mul(g.Exp(g.Scale(logVar, 0.5)), autograd.NewVar(eps))) // μ + σ·ε
	d := g.Sub(a.DecodeVar(g, z), xv)
	rec := g.Mean(g.Add(g.ReLU(d), g.ReLU(g.Neg(d))), nil, false) // mean |x − D(z)|
	// KL = ½ Σ (μ² + σ² − 1 − log σ²), summed over latents, per image value.
	klSum := g.Sum(g.Sub(g.Add(g.Mul(mu, mu), g.Exp(logVar)), g.AddScalar(logVar, 1)), nil, false)
	klTerm := g.Scale(klSum, float32(0.5*a.Config.Beta/float64(len(x.Data))))
	return g.Add(rec, klTerm), float64(rec.Value.Data[0]), float64(klTerm.Value.Data[0])
}

// Encode maps images x: (N, 3, H, W) in [-1, 1] (H, W multiples of f) to
// the scaled mean latents μ·Scale: (N, Latent, H/f, W/f), which is what
// latent diffusion trains on (the paper samples z; the mean is the
// deterministic choice and differs by σ, tiny once trained).
func (a *Autoencoder) Encode(x *tensor.Tensor) (z *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if err := a.checkImages(x); err != nil {
		return nil, err
	}
	g := autograd.NoGrad()
	mu, _ := a.Moments(g, autograd.NewVar(x))
	return g.Scale(mu, float32(a.Config.Scale)).Value, nil
}

// Decode maps scaled latents z: (N, Latent, h, w) to images (N, 3, h·f,
// w·f), clamped to [-1, 1].
func (a *Autoencoder) Decode(z *tensor.Tensor) (x *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if z.Rank() != 4 || z.Shape[1] != a.Config.Latent {
		return nil, fmt.Errorf("autoencoder decode: latents %v: want (N, %d, h, w)", z.Shape, a.Config.Latent)
	}
	g := autograd.NoGrad()
	y := a.DecodeVar(g, g.Scale(autograd.NewVar(z), float32(1/a.Config.Scale))).Value
	for i, v := range y.Data {
		y.Data[i] = float32(math.Max(-1, math.Min(1, float64(v))))
	}
	return y, nil
}

func (a *Autoencoder) checkImages(x *tensor.Tensor) error {
	f := a.Config.Factor()
	if x.Rank() != 4 || x.Shape[1] != 3 || x.Shape[2]%f != 0 || x.Shape[3]%f != 0 {
		return fmt.Errorf("autoencoder encode: images %v: want (N, 3, H, W) with H and W multiples of %d", x.Shape, f)
	}
	return nil
}

// Calibrate sets Config.Scale to 1/std of the unscaled mean latents of x
// (the paper's scale factor, from one batch) and returns it.
func (a *Autoencoder) Calibrate(x *tensor.Tensor) (float64, error) {
	a.Config.Scale = 1
	z, err := a.Encode(x)
	if err != nil {
		return 0, err
	}
	var s, s2 float64
	for _, v := range z.Data {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(len(z.Data))
	std := math.Sqrt(max(s2/n-(s/n)*(s/n), 1e-12))
	a.Config.Scale = 1 / std
	return a.Config.Scale, nil
}
