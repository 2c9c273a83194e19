package mlp

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Config sizes a Model. The zero value of a field means its default.
type Config struct {
	Dim       int     // data dimension D; default 2
	Width     int     // hidden width W; default 64
	Blocks    int     // residual blocks; default 2
	EmbedDim  int     // sinusoidal features of c_noise; default 32
	Classes   int     // number of classes K; 0 is unconditional
	SigmaData float64 // σ_data of the EDM preconditioning; default 1
}

func (c Config) withDefaults() Config {
	if c.Dim == 0 {
		c.Dim = 2
	}
	if c.Width == 0 {
		c.Width = 64
	}
	if c.Blocks == 0 {
		c.Blocks = 2
	}
	if c.EmbedDim == 0 {
		c.EmbedDim = 32
	}
	if c.SigmaData == 0 {
		c.SigmaData = 1
	}
	return c
}

// noiseFreqScale multiplies c_noise = ln(σ)/4 before the sinusoidal
// features, whose frequencies run from 1 down to 10⁻⁴
// (nn.SinusoidalEmbedding): c_noise spans about [−1.6, 1.1] over
// σ ∈ [0.002, 80], so the fastest feature turns about 40 times over that
// range and the slowest is nearly linear.
const noiseFreqScale = 100

// Model is an MLP denoiser for low-dimensional data with the EDM
// preconditioning of Karras et al. (2022, Table 1 and eq. 7):
//
//	D(x; σ, y) = c_skip(σ)·x + c_out(σ)·F(c_in(σ)·x; c_noise(σ), y),
//	c_skip = σ_d²/(σ² + σ_d²),  c_out = σ·σ_d/√(σ² + σ_d²),
//	c_in = 1/√(σ² + σ_d²),  c_noise = ln(σ)/4.
//
// The network F embeds c_noise with sinusoidal features and a SiLU
// layer, adds a learned class vector (row Classes of the table is the
// null class), and runs a stack of pre-activation residual blocks
//
//	h ← h + L₂(SiLU(L₁(SiLU(h)) + E_b(emb)))
//
// between an input layer D → W and an output layer W → D. D is x0 in the
// samplers' σ view x = x0 + σ·ε, so Model is a sampler.Denoiser and, with
// Classes > 0, a diffusion.CondDenoiser.
type Model struct {
	Config

	In     *nn.Linear    // D → W
	Noise  *nn.Linear    // EmbedDim → W
	Class  *nn.Embedding // (Classes+1, W); nil when unconditional
	Blocks []*Block
	Out    *nn.Linear // W → D

	labels []int // labels Denoise uses; see WithLabels
}

// Block is one residual block of Model.
type Block struct {
	L1, L2 *nn.Linear // W → W
	Emb    *nn.Linear // W → W: the noise and class embedding's shift
}

// New builds a Model with weights drawn from rng. Parameter names are
// in.weight, noise.weight, class.weight, block.0.l1.weight, …, out.bias.
func New(cfg Config, rng *tensor.RNG) (*Model, error) {
	cfg = cfg.withDefaults()
	if cfg.Dim < 1 || cfg.Width < 1 || cfg.Blocks < 0 || cfg.EmbedDim < 2 || cfg.EmbedDim%2 != 0 ||
		cfg.Classes < 0 || !(cfg.SigmaData > 0) {
		return nil, fmt.Errorf("mlp: config %+v: want positive sizes, an even EmbedDim ≥ 2, Classes ≥ 0 and SigmaData > 0", cfg)
	}
	w := cfg.Width
	m := &Model{
		Config: cfg,
		In:     nn.NewLinear("in", cfg.Dim, w, true, rng),
		Noise:  nn.NewLinear("noise", cfg.EmbedDim, w, true, rng),
		Out:    nn.NewLinear("out", w, cfg.Dim, true, rng),
	}
	if cfg.Classes > 0 {
		m.Class = nn.NewEmbedding("class", cfg.Classes+1, w, rng)
	}
	for b := range cfg.Blocks {
		name := nn.Join("block", b)
		m.Blocks = append(m.Blocks, &Block{
			L1:  nn.NewLinear(nn.Join(name, "l1"), w, w, true, rng),
			L2:  nn.NewLinear(nn.Join(name, "l2"), w, w, true, rng),
			Emb: nn.NewLinear(nn.Join(name, "emb"), w, w, true, rng),
		})
	}
	return m, nil
}

// Params lists the parameters in a fixed order.
func (m *Model) Params() []*nn.Param {
	mods := []nn.Module{m.In, m.Noise}
	if m.Class != nil {
		mods = append(mods, m.Class)
	}
	for _, b := range m.Blocks {
		mods = append(mods, b.L1, b.Emb, b.L2)
	}
	mods = append(mods, m.Out)
	return nn.Collect(mods...)
}

// NullLabel is the label of the unconditional (null) class, Classes.
func (m *Model) NullLabel() int { return m.Classes }

// Precond returns the EDM coefficients c_skip, c_out, c_in and c_noise at
// noise level sigma (see Model).
func (m *Model) Precond(sigma float64) (cSkip, cOut, cIn, cNoise float64) {
	sd := m.SigmaData
	r := sigma*sigma + sd*sd
	return sd * sd / r, sigma * sd / math.Sqrt(r), 1 / math.Sqrt(r), math.Log(sigma) / 4
}

// Forward evaluates the raw network F on its scaled input u = c_in·x:
// (N, D) with one c_noise per row and labels y (nil, or one per row in
// 0..Classes, Classes being null; nil on a conditional model means all
// null). It returns (N, D), recording on g.
func (m *Model) Forward(g *autograd.Graph, u *autograd.Var, cNoise []float64, y []int) *autograd.Var {
	n := u.Value.Dim(0)
	if len(cNoise) != n {
		tensor.Shapef("mlp.Forward", [][]int{u.Value.Shape, {len(cNoise)}}, "want one c_noise per row")
	}
	// When every row shares one noise level (sampling), the embedding is
	// computed once, (1, W), and broadcast over the batch.
	ts := []float64{noiseFreqScale * cNoise[0]}
	if !allEqual(cNoise) {
		ts = make([]float64, n)
		for i, c := range cNoise {
			ts[i] = noiseFreqScale * c
		}
	}
	feat := autograd.NewVar(nn.SinusoidalEmbedding(ts, m.EmbedDim)) // (N or 1, EmbedDim)
	emb := g.SiLU(m.Noise.Forward(g, feat))                         // (N or 1, W)
	if m.Class != nil {
		if y == nil {
			y = []int{m.Classes} // all null: one row, broadcast
		} else if len(y) != n {
			tensor.Shapef("mlp.Forward", [][]int{u.Value.Shape, {len(y)}}, "want one label per row")
		}
		emb = g.Add(emb, m.Class.Lookup(g, y)) // (N or 1, W)
	}
	h := m.In.Forward(g, u) // (N, W)
	for _, b := range m.Blocks {
		r := b.L1.Forward(g, g.SiLU(h))
		r = g.Add(r, b.Emb.Forward(g, emb))
		h = g.Add(h, b.L2.Forward(g, g.SiLU(r)))
	}
	return m.Out.Forward(g, g.SiLU(h)) // (N, D)
}

// WithLabels returns a shallow copy of m whose Denoise conditions on
// labels (one per batch item); the copy shares m's parameters.
func (m *Model) WithLabels(labels []int) *Model {
	c := *m
	c.labels = labels
	return &c
}

// Denoise returns x0 = D(x; σ) for x: (N, Dim), without recording a
// graph; it conditions on the labels of WithLabels (null when there are
// none). It implements sampler.Denoiser.
func (m *Model) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	return m.DenoiseLabels(x, sigma, m.labels)
}

// DenoiseLabels returns x0 = D(x; σ, y) for x: (N, Dim) and labels y
// (nil, or one per row in 0..Classes), without recording a graph. It
// implements diffusion.CondDenoiser.
func (m *Model) DenoiseLabels(x *tensor.Tensor, sigma float64, labels []int) (out *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if x.Rank() != 2 || x.Dim(1) != m.Dim {
		return nil, fmt.Errorf("mlp: x: want (N, %d), got %s", m.Dim, tensor.FormatShape(x.Shape))
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("mlp: sigma: want a finite σ > 0, got %v", sigma)
	}
	if err := m.checkLabels(labels, x.Dim(0)); err != nil {
		return nil, err
	}
	cSkip, cOut, cIn, cNoise := m.Precond(sigma)
	u := x.Clone()
	for i := range u.Data {
		u.Data[i] *= float32(cIn)
	}
	cn := make([]float64, x.Dim(0))
	for i := range cn {
		cn[i] = cNoise
	}
	f := m.Forward(autograd.NoGrad(), autograd.NewVar(u), cn, labels).Value
	out = tensor.New(x.Shape...)
	for i := range out.Data {
		out.Data[i] = float32(cSkip*float64(x.Data[i]) + cOut*float64(f.Data[i]))
	}
	return out, nil
}

// checkLabels checks that labels is nil or holds n labels in 0..Classes,
// and that an unconditional model gets none.
func (m *Model) checkLabels(labels []int, n int) error {
	if labels == nil {
		return nil
	}
	if m.Classes == 0 {
		return fmt.Errorf("mlp: labels given to an unconditional model")
	}
	if len(labels) != n {
		return fmt.Errorf("mlp: %d labels for a batch of %d", len(labels), n)
	}
	for i, c := range labels {
		if c < 0 || c > m.Classes {
			return fmt.Errorf("mlp: label %d = %d: want 0..%d (%d is null)", i, c, m.Classes, m.Classes)
		}
	}
	return nil
}

// allEqual reports whether every value of v equals the first.
func allEqual(v []float64) bool {
	for _, x := range v {
		if x != v[0] {
			return false
		}
	}
	return true
}
