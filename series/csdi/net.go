package csdi

import (
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Net is CSDI's denoising network ε_θ(x_t^ta, t | x^co, m^co, side), the
// residual network of Tashiro et al. (2021, §4.3 and figure 6). Cells are
// laid out (B, K, L, C): batch, column, row, channel.
//
//	h      = ReLU(Input([x^co, x_t^ta(, interp)]))          2 (3 with Interp) → C per cell (1 → C unconditional)
//	e      = SiLU(Step2(SiLU(Step1(sin/cos(t)))))           the diffusion-step embedding
//	side   = [time embedding of the row, learned column embedding, m^co, covariates, time of year]
//	per residual layer:
//	  y    = h + StepProj(e)
//	  y    = TimeLayer(y)      attention across the L rows of each column
//	  y    = FeatureLayer(y)   attention across the K columns of each row
//	  y    = Mid(y) + Cond(side);  y = σ(y[:C])·tanh(y[C:])
//	  r, s = split(Out(y));   h = (h + r)/√2;  skip += s
//	ε̂      = Out2(ReLU(Out1(skip/√Layers)))                 C → 1 per cell, Out2 starts at zero
//
// Cond is one linear map of the side information, computed as the sum of
// its parts (the row part broadcast over columns, the column part over
// rows), which is the same map as CSDI's 1×1 convolution of the
// concatenated side information. The two attention passes are pre-LN
// transformer blocks (models/transformer.Block) rather than CSDI's post-LN
// nn.TransformerEncoderLayer with a 64-wide MLP: the pre-LN form trains
// without warm-up tuning, and its MLP is 4C wide.
//
// Two optional inputs go beyond CSDI. With Config.Interp the input of a
// cell has a third channel, the linear interpolation of its column's
// conditioning values (Interpolate, computed here from Cond and Mask), as
// PriSTI (Liu et al. 2023) feeds its interpolated condition. With
// Config.Season the side information has the time-of-year features of each
// row (SeasonFeatures, Input.Season), through CondSeason.
type Net struct {
	Config
	Input        *nn.Linear    // 2 → C (1 → C unconditional)
	Feature      *nn.Embedding // (K, FeatureEmb)
	Step1, Step2 *nn.Linear    // StepEmb → StepEmb
	Layers       []*Residual
	Out1, Out2   *nn.Linear // C → C, C → 1
}

// Residual is one residual layer of Net.
type Residual struct {
	StepProj                *nn.Linear         // StepEmb → C
	TimeLayer, FeatureLayer *transformer.Block // attention across rows, then across columns
	CondTime                *nn.Linear         // TimeEmb → 2C, with the bias of the side projection
	CondFeature             *nn.Linear         // FeatureEmb → 2C
	CondMask                *nn.Linear         // 1 → 2C; nil unconditional
	CondCov                 *nn.Linear         // Covariates → 2C; nil without covariates
	CondSeason              *nn.Linear         // 2·Season → 2C; nil without season features
	Mid, Out                *nn.Linear         // C → 2C each
}

// NewNet builds the network of c with weights drawn from rng; Out2 starts
// at zero, as CSDI's output projection.
func NewNet(c Config, rng *tensor.RNG) (*Net, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	ch := c.Channels
	in := 2
	if c.Unconditional {
		in = 1
	}
	if c.Interp {
		in = 3
	}
	n := &Net{Config: c,
		Input:   nn.NewLinear("input", in, ch, true, rng),
		Feature: nn.NewEmbedding("feature_emb", c.K(), c.FeatureEmb, rng),
		Step1:   nn.NewLinear("step.fc1", c.StepEmb, c.StepEmb, true, rng),
		Step2:   nn.NewLinear("step.fc2", c.StepEmb, c.StepEmb, true, rng),
	}
	tc := transformer.Config{D: ch, Heads: c.Heads}
	for i := range c.Layers {
		name := func(s string) string { return nn.Join("layers", i, s) }
		r := &Residual{
			StepProj:     nn.NewLinear(name("step"), c.StepEmb, ch, true, rng),
			TimeLayer:    transformer.NewBlock(name("time_layer"), tc, rng),
			FeatureLayer: transformer.NewBlock(name("feature_layer"), tc, rng),
			CondTime:     nn.NewLinear(name("cond_time"), c.TimeEmb, 2*ch, true, rng),
			CondFeature:  nn.NewLinear(name("cond_feature"), c.FeatureEmb, 2*ch, false, rng),
			Mid:          nn.NewLinear(name("mid"), ch, 2*ch, true, rng),
			Out:          nn.NewLinear(name("out"), ch, 2*ch, true, rng),
		}
		if !c.Unconditional {
			r.CondMask = nn.NewLinear(name("cond_mask"), 1, 2*ch, false, rng)
		}
		if c.Covariates > 0 {
			r.CondCov = nn.NewLinear(name("cond_cov"), c.Covariates, 2*ch, false, rng)
		}
		if c.Season > 0 {
			r.CondSeason = nn.NewLinear(name("cond_season"), 2*c.Season, 2*ch, false, rng)
		}
		n.Layers = append(n.Layers, r)
	}
	n.Out1 = nn.NewLinear("output.fc1", ch, ch, true, rng)
	n.Out2 = nn.NewLinear("output.fc2", ch, 1, true, rng)
	n.Out2.Weight.V.Value.Zero()
	n.Out2.Bias.V.Value.Zero()
	return n, nil
}

// Params lists input, feature_emb, step, the layers in order, then output.
func (n *Net) Params() []*nn.Param {
	ps := nn.Collect(n.Input, n.Feature, n.Step1, n.Step2)
	for _, r := range n.Layers {
		ps = append(ps, nn.Collect(r.StepProj, r.TimeLayer, r.FeatureLayer, r.CondTime, r.CondFeature)...)
		if r.CondMask != nil {
			ps = append(ps, r.CondMask.Params()...)
		}
		if r.CondCov != nil {
			ps = append(ps, r.CondCov.Params()...)
		}
		if r.CondSeason != nil {
			ps = append(ps, r.CondSeason.Params()...)
		}
		ps = append(ps, nn.Collect(r.Mid, r.Out)...)
	}
	return append(ps, nn.Collect(n.Out1, n.Out2)...)
}

// Input is one batch for Net, every array in (B, K, L) order (column-major
// windows, as CSDI's (B, K, L) tensors) unless said otherwise.
type Input struct {
	B     int
	Cond  []float32 // m^co·x^co: the conditioning values, 0 elsewhere; nil unconditional
	Noisy []float32 // (1 − m^co)·x_t: the noisy cells to denoise
	Mask  []float32 // m^co; nil unconditional
	Cov   []float32 // (B, L, Covariates) one-hot covariates; nil without
	// Season is (B, L, 2·Season): SeasonFeatures of each window's rows; nil
	// when Config.Season is 0.
	Season []float32
	T      []int // (B) diffusion steps
}

// Forward returns ε̂: (B, K, L), recording on g.
func (n *Net) Forward(g *autograd.Graph, in Input) *autograd.Var {
	b, k, l, ch := in.B, n.K(), n.Window, n.Channels
	var x *autograd.Var // (B, K, L, 1 or 2)
	noisy := autograd.NewVar(tensor.FromData(in.Noisy, b, k, l, 1))
	if n.Unconditional {
		x = noisy
	} else {
		x = g.Concat(3, autograd.NewVar(tensor.FromData(in.Cond, b, k, l, 1)), noisy)
	}
	if n.Interp {
		x = g.Concat(3, x, autograd.NewVar(tensor.FromData(Interpolate(in.Cond, in.Mask, b, k, l), b, k, l, 1)))
	}
	h := g.ReLU(n.Input.Forward(g, x)) // (B, K, L, C)

	ts := make([]float64, b)
	for i, t := range in.T {
		ts[i] = float64(t)
	}
	e := autograd.NewVar(nn.SinusoidalEmbedding(ts, n.StepEmb))
	e = g.SiLU(n.Step2.Forward(g, g.SiLU(n.Step1.Forward(g, e)))) // (B, StepEmb)

	rows := make([]float64, l)
	for i := range rows {
		rows[i] = float64(i)
	}
	timeEmb := autograd.NewVar(nn.SinusoidalEmbedding(rows, n.TimeEmb).Reshape(1, 1, l, n.TimeEmb))
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	featEmb := g.Reshape(n.Feature.Lookup(g, idx), 1, k, 1, n.FeatureEmb)
	var mask, cov, season *autograd.Var
	if !n.Unconditional {
		mask = autograd.NewVar(tensor.FromData(in.Mask, b, k, l, 1))
	}
	if n.Covariates > 0 {
		cov = autograd.NewVar(tensor.FromData(in.Cov, b, 1, l, n.Covariates))
	}
	if n.Season > 0 {
		season = autograd.NewVar(tensor.FromData(in.Season, b, 1, l, 2*n.Season))
	}

	var skip *autograd.Var
	for _, r := range n.Layers {
		y := g.Add(h, g.Reshape(r.StepProj.Forward(g, e), b, 1, 1, ch))
		if l > 1 {
			y = g.Reshape(r.TimeLayer.Forward(g, g.Reshape(y, b*k, l, ch), nil), b, k, l, ch)
		}
		if k > 1 {
			y = g.Permute(y, 0, 2, 1, 3) // (B, L, K, C)
			y = g.Reshape(r.FeatureLayer.Forward(g, g.Reshape(y, b*l, k, ch), nil), b, l, k, ch)
			y = g.Permute(y, 0, 2, 1, 3)
		}
		cond := g.Add(r.CondTime.Forward(g, timeEmb), r.CondFeature.Forward(g, featEmb)) // (1, K, L, 2C)
		if mask != nil {
			cond = g.Add(cond, r.CondMask.Forward(g, mask)) // (B, K, L, 2C)
		}
		if cov != nil {
			cond = g.Add(cond, r.CondCov.Forward(g, cov))
		}
		if season != nil {
			cond = g.Add(cond, r.CondSeason.Forward(g, season))
		}
		y = g.Add(r.Mid.Forward(g, y), cond)
		y = g.Mul(g.Sigmoid(g.Slice(y, 3, 0, ch)), g.Tanh(g.Slice(y, 3, ch, 2*ch)))
		y = r.Out.Forward(g, y)
		h = g.Scale(g.Add(h, g.Slice(y, 3, 0, ch)), float32(1/math.Sqrt2))
		s := g.Slice(y, 3, ch, 2*ch)
		if skip == nil {
			skip = s
		} else {
			skip = g.Add(skip, s)
		}
	}
	skip = g.Scale(skip, float32(1/math.Sqrt(float64(len(n.Layers)))))
	out := n.Out2.Forward(g, g.ReLU(n.Out1.Forward(g, skip)))
	return g.Reshape(out, b, k, l)
}
