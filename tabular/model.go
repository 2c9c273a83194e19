package tabular

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// ModelConfig sizes the denoiser and its diffusion. Zero fields take the
// defaults of DefaultModelConfig.
type ModelConfig struct {
	Width  int   `json:"width"`  // hidden units per layer
	Layers int   `json:"layers"` // hidden layers
	Steps  int   `json:"steps"`  // diffusion steps T
	NumIn  int   `json:"num_in"` // numeric features
	CatK   []int `json:"cat_k"`  // classes of each categorical feature
}

// DefaultModelConfig is a 3×256 ReLU MLP over T = 500 cosine steps, the
// small end of TabDDPM's searched sizes (Kotelnikov et al. 2023, table 9).
func DefaultModelConfig() ModelConfig { return ModelConfig{Width: 256, Layers: 3, Steps: 500} }

// MLP is the TabDDPM denoiser: the noisy row (numbers, then a one-hot block
// of K+1 entries per categorical feature, the last entry being the [MASK]
// state) is projected to Width, the time embedding is added, and ReLU layers
// map it to ε̂ for the numbers and K logits of x̂₀ per categorical feature.
type MLP struct {
	cfg    ModelConfig
	in     *nn.Linear
	t1, t2 *nn.Linear
	hidden []*nn.Linear
	out    *nn.Linear
}

// inWidth is the width of the one-hot input row.
func (c ModelConfig) inWidth() int {
	w := c.NumIn
	for _, k := range c.CatK {
		w += k + 1
	}
	return w
}

// outWidth is the width of the output row.
func (c ModelConfig) outWidth() int {
	w := c.NumIn
	for _, k := range c.CatK {
		w += k
	}
	return w
}

// NewMLP builds a denoiser for cfg with weights drawn from rng.
func NewMLP(cfg ModelConfig, rng *tensor.RNG) (*MLP, error) {
	if cfg.Width < 2 || cfg.Width%2 != 0 || cfg.Layers < 1 || cfg.Steps < 2 {
		return nil, fmt.Errorf("tabular: model: want even width ≥ 2, layers ≥ 1, steps ≥ 2, got %d, %d, %d", cfg.Width, cfg.Layers, cfg.Steps)
	}
	if cfg.outWidth() == 0 {
		return nil, fmt.Errorf("tabular: model: no columns to model")
	}
	m := &MLP{cfg: cfg}
	m.in = nn.NewLinear("in", cfg.inWidth(), cfg.Width, true, rng)
	m.t1 = nn.NewLinear("time.0", cfg.Width, cfg.Width, true, rng)
	m.t2 = nn.NewLinear("time.1", cfg.Width, cfg.Width, true, rng)
	for l := range cfg.Layers {
		m.hidden = append(m.hidden, nn.NewLinear(nn.Join("hidden", l), cfg.Width, cfg.Width, true, rng))
	}
	m.out = nn.NewLinear("out", cfg.Width, cfg.outWidth(), true, rng)
	return m, nil
}

// Params lists the parameters in a fixed order.
func (m *MLP) Params() []*nn.Param {
	mods := []nn.Module{m.in, m.t1, m.t2}
	for _, h := range m.hidden {
		mods = append(mods, h)
	}
	return nn.Collect(append(mods, m.out)...)
}

// Forward maps the input rows x: (N, inWidth) at steps t (len N) to
// (N, outWidth).
func (m *MLP) Forward(g *autograd.Graph, x *autograd.Var, t []float64) *autograd.Var {
	temb := autograd.NewVar(nn.SinusoidalEmbedding(t, m.cfg.Width)) // (N, W)
	te := m.t2.Forward(g, g.SiLU(m.t1.Forward(g, temb)))
	h := g.Add(m.in.Forward(g, x), te)
	for _, l := range m.hidden {
		h = g.ReLU(l.Forward(g, h))
	}
	return m.out.Forward(g, h)
}

// input lays out noisy numbers xn: (N, NumIn) and categorical states xc
// (class or K for [MASK]) as the one-hot input rows.
func (c ModelConfig) input(xn []float32, xc [][]int) *tensor.Tensor {
	n, w := len(xc), c.inWidth()
	x := tensor.New(n, w)
	for i := range n {
		row := x.Data[i*w : (i+1)*w]
		copy(row, xn[i*c.NumIn:(i+1)*c.NumIn])
		off := c.NumIn
		for k, kk := range c.CatK {
			row[off+xc[i][k]] = 1
			off += kk + 1
		}
	}
	return x
}
