package diffwave

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Tasks a model is trained for.
const (
	TaskGenerate = "generate" // class-conditional generation (classifier-free guidance)
	TaskDenoise  = "denoise"  // speech enhancement conditioned on the noisy waveform
)

// ConfigKey is the checkpoint metadata key holding the Config as JSON.
const ConfigKey = "audio.config"

// Config sizes a model and fixes its diffusion. Every field is stored
// with each checkpoint, so a checkpoint rebuilds its own model.
type Config struct {
	Task     string `json:"task"`     // TaskGenerate or TaskDenoise
	Rate     int    `json:"rate"`     // sample rate, Hz
	Samples  int    `json:"samples"`  // clip length; a multiple of Patch
	Patch    int    `json:"patch"`    // samples folded into channels (WaveGlow's squeeze)
	Channels int    `json:"channels"` // residual channels C
	Layers   int    `json:"layers"`   // residual layers
	Cycle    int    `json:"cycle"`    // dilation of layer i is 2^(i mod Cycle)
	Embed    int    `json:"embed"`    // width of the step (and class) embedding
	Classes  int    `json:"classes"`  // 0: unconditional; else labels 0…Classes−1 and the null label Classes
	// Cond is the number of condition channels joined to x_t (1 for the
	// noisy waveform of TaskDenoise, 0 for generation).
	Cond         int     `json:"cond"`
	Schedule     string  `json:"schedule"`      // diffusion/schedule name
	Steps        int     `json:"steps"`         // training steps T of the schedule
	Target       string  `json:"target"`        // eps, x0 or v
	LabelDropout float64 `json:"label_dropout"` // classifier-free guidance's p_uncond
	// Residual makes a denoiser predict x0 as the noisy condition plus the
	// network's output, so that an untrained model returns its input
	// rather than noise; it needs Target x0 and Cond 1.
	Residual bool `json:"residual,omitempty"`
}

// DefaultConfig is the CPU-scale model of docs/audio.md for task: patch 32
// (8,000 samples become 250 positions of 32 channels), 32 residual
// channels, 8 layers with dilations 1, 2, 4, 8 twice (a receptive field of
// 61 positions, 244 ms), a 200-step cosine schedule and v-prediction;
// generation is conditioned on the 10 digits with label dropout 0.1;
// the denoiser predicts x0 as the noisy clip plus a correction (Residual).
func DefaultConfig(task string) Config {
	c := Config{Task: task, Rate: 8000, Samples: 8000, Patch: 32, Channels: 32, Layers: 8, Cycle: 4, Embed: 128,
		Schedule: "cosine", Steps: 200, Target: string(diffusion.V)}
	switch task {
	case TaskGenerate:
		c.Classes, c.LabelDropout = 10, 0.1
	case TaskDenoise:
		c.Cond, c.Target, c.Residual = 1, string(diffusion.X0), true
	}
	return c
}

// Validate checks c, naming the first bad field.
func (c Config) Validate() error {
	bad := func(field, want string, got any) error {
		return fmt.Errorf("audio model config: field %q: want %s, got %v", field, want, got)
	}
	switch {
	case c.Task != TaskGenerate && c.Task != TaskDenoise:
		return bad("task", `"generate" or "denoise"`, fmt.Sprintf("%q", c.Task))
	case c.Rate < 1:
		return bad("rate", "a positive sample rate", c.Rate)
	case c.Patch < 1:
		return bad("patch", "≥ 1", c.Patch)
	case c.Samples < c.Patch || c.Samples%c.Patch != 0:
		return bad("samples", fmt.Sprintf("a positive multiple of patch %d", c.Patch), c.Samples)
	case c.Channels < 1:
		return bad("channels", "≥ 1", c.Channels)
	case c.Layers < 1:
		return bad("layers", "≥ 1", c.Layers)
	case c.Cycle < 1 || c.Cycle > 16:
		return bad("cycle", "1 to 16", c.Cycle)
	case c.Embed < 2 || c.Embed%2 != 0:
		return bad("embed", "an even width ≥ 2", c.Embed)
	case c.Classes < 0:
		return bad("classes", "≥ 0", c.Classes)
	case c.Cond < 0:
		return bad("cond", "≥ 0", c.Cond)
	case c.Task == TaskDenoise && c.Cond < 1:
		return bad("cond", "≥ 1 for a denoising model", c.Cond)
	case c.Steps < 2:
		return bad("steps", "≥ 2", c.Steps)
	case c.Target != string(diffusion.Eps) && c.Target != string(diffusion.X0) && c.Target != string(diffusion.V):
		return bad("target", "eps, x0 or v", fmt.Sprintf("%q", c.Target))
	case c.LabelDropout < 0 || c.LabelDropout >= 1:
		return bad("label_dropout", "in [0, 1)", c.LabelDropout)
	case c.Residual && (c.Cond != 1 || c.Target != string(diffusion.X0)):
		return bad("residual", "false unless cond is 1 and target is x0", c.Residual)
	}
	if _, err := c.BuildSchedule(); err != nil {
		return fmt.Errorf("audio model config: field \"schedule\": %w", err)
	}
	return nil
}

// BuildSchedule returns the diffusion schedule of c.
func (c Config) BuildSchedule() (schedule.Schedule, error) {
	return schedule.New(c.Schedule, c.Steps, nil)
}

// Meta returns c as checkpoint metadata (ConfigKey).
func (c Config) Meta() (map[string]string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return map[string]string{ConfigKey: string(b)}, nil
}

// ParseConfig reads the Config of a checkpoint's metadata; file names the
// checkpoint in errors.
func ParseConfig(meta map[string]string, file string) (Config, error) {
	s, ok := meta[ConfigKey]
	if !ok {
		return Config{}, fmt.Errorf("%s: no %q in the header: not an audio model checkpoint", file, ConfigKey)
	}
	var c Config
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return Config{}, fmt.Errorf("%s: header %q: %w", file, ConfigKey, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

// layer is one residual layer of Kong et al. (2021), Fig. 2.
type layer struct {
	step    *nn.Linear        // embedding → C, added before the dilated conv
	dilated *nn.DilatedConv1d // C → 2C, kernel 3
	cond    *nn.Conv1d        // Cond·Patch → 2C, 1×1; nil without a condition
	out     *nn.Conv1d        // C → 2C, 1×1: residual and skip halves
}

// Model is a DiffWave-style waveform denoiser (Kong et al. 2021): x_t is
// folded into Patch channels per position (WaveGlow's squeeze, Prenger
// et al. 2019, which shortens the sequence Patch times at CPU scale), lifted
// to C channels by a 1×1 convolution and ReLU, then passed through Layers
// residual layers. Layer i adds a projection of the embedding e to its
// input, applies a non-causal dilated convolution (kernel 3, dilation
// 2^(i mod Cycle)) to 2C channels, adds a 1×1 projection of the condition
// when there is one, gates tanh(a)⊙σ(b), and a 1×1 convolution splits the
// result into a residual (added to the input, scaled by 1/√2) and a skip
// output. The skips are summed (scaled by 1/√Layers) and mapped by
// 1×1 conv → ReLU → 1×1 conv (zero-initialised, as DiffWave) to the
// prediction, unfolded back to the waveform.
//
// e is the sinusoidal embedding of the timestep through two Linear+SiLU
// layers, plus a learnt embedding of the class label (row Classes is the
// null label of classifier-free guidance, Ho & Salimans 2022).
type Model struct {
	Config   Config
	inConv   *nn.Conv1d
	fc1, fc2 *nn.Linear
	class    *nn.Embedding // nil when unconditional
	layers   []layer
	skipConv *nn.Conv1d
	outConv  *nn.Conv1d
}

// New builds a model of cfg with weights drawn from rng.
func New(cfg Config, rng *tensor.RNG) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	C, P, E := cfg.Channels, cfg.Patch, cfg.Embed
	m := &Model{Config: cfg,
		inConv: nn.NewConv1d("input", P, C, 1, 1, 0, true, rng),
		fc1:    nn.NewLinear("embed.fc1", E/2, E, true, rng),
		fc2:    nn.NewLinear("embed.fc2", E, E, true, rng),
	}
	if cfg.Classes > 0 {
		m.class = nn.NewEmbedding("embed.class", cfg.Classes+1, E, rng)
	}
	for i := range cfg.Layers {
		name := nn.Join("layers", i)
		l := layer{
			step:    nn.NewLinear(nn.Join(name, "step"), E, C, true, rng),
			dilated: nn.NewDilatedConv1d(nn.Join(name, "dilated"), C, 2*C, 3, 1<<(i%cfg.Cycle), true, rng),
			out:     nn.NewConv1d(nn.Join(name, "out"), C, 2*C, 1, 1, 0, true, rng),
		}
		if cfg.Cond > 0 {
			l.cond = nn.NewConv1d(nn.Join(name, "cond"), cfg.Cond*P, 2*C, 1, 1, 0, true, rng)
		}
		m.layers = append(m.layers, l)
	}
	m.skipConv = nn.NewConv1d("skip", C, C, 1, 1, 0, true, rng)
	m.outConv = nn.NewConv1d("output", C, P, 1, 1, 0, true, rng)
	m.outConv.Weight.V.Value.Zero()
	m.outConv.Bias.V.Value.Zero()
	return m, nil
}

// Params lists every parameter under its dotted name.
func (m *Model) Params() []*nn.Param {
	mods := []nn.Module{m.inConv, m.fc1, m.fc2}
	if m.class != nil {
		mods = append(mods, m.class)
	}
	for _, l := range m.layers {
		mods = append(mods, l.step, l.dilated, l.out)
		if l.cond != nil {
			mods = append(mods, l.cond)
		}
	}
	mods = append(mods, m.skipConv, m.outConv)
	return nn.Collect(mods...)
}

// NullLabel is the label of the unconditional prediction.
func (m *Model) NullLabel() int { return m.Config.Classes }

// fold maps x: (N, K, L) to (N, K·P, L/P): channel k·P + j of position s
// is x[k, s·P + j].
func fold(g *autograd.Graph, x *autograd.Var, p int) *autograd.Var {
	s := x.Shape()
	n, k, l := s[0], s[1], s[2]
	h := g.Reshape(x, n, k, l/p, p)
	h = g.Permute(h, 0, 1, 3, 2) // (N, K, P, L/P)
	return g.Reshape(h, n, k*p, l/p)
}

// unfold is the inverse of fold for one channel: (N, P, L/P) → (N, 1, L).
func unfold(g *autograd.Graph, x *autograd.Var) *autograd.Var {
	s := x.Shape()
	h := g.Permute(x, 0, 2, 1) // (N, L/P, P)
	return g.Reshape(h, s[0], 1, s[1]*s[2])
}

// Forward maps x: (N, 1+Cond, Samples) (x_t, then the condition channels)
// at timesteps t (one per item) with labels y (one per item, or nil for
// the null label) to the prediction of the Target, (N, 1, Samples).
func (m *Model) Forward(g *autograd.Graph, x *autograd.Var, t []float64, y []int) *autograd.Var {
	cfg := m.Config
	s := x.Shape()
	if len(s) != 3 || s[1] != 1+cfg.Cond || s[2] != cfg.Samples || len(t) != s[0] {
		tensor.Shapef("diffwave.Forward", [][]int{s, {len(t)}}, "want x (N, %d, %d) and N timesteps", 1+cfg.Cond, cfg.Samples)
	}
	n, C := s[0], cfg.Channels
	xt := x
	var cond *autograd.Var
	if cfg.Cond > 0 {
		xt = g.Slice(x, 1, 0, 1)
		cond = fold(g, g.Slice(x, 1, 1, 1+cfg.Cond), cfg.Patch) // (N, Cond·P, L/P)
	}
	h := g.ReLU(m.inConv.Forward(g, fold(g, xt, cfg.Patch))) // (N, C, L/P)
	e := autograd.NewVar(nn.SinusoidalEmbedding(t, cfg.Embed/2))
	e = g.SiLU(m.fc2.Forward(g, g.SiLU(m.fc1.Forward(g, e)))) // (N, E)
	if m.class != nil {
		labels := y
		if labels == nil {
			labels = make([]int, n)
			for i := range labels {
				labels[i] = cfg.Classes
			}
		}
		e = g.Add(e, m.class.Lookup(g, labels))
	}
	var skip *autograd.Var
	invSqrt2 := float32(1 / math.Sqrt2)
	for _, l := range m.layers {
		hb := g.Add(h, g.Reshape(l.step.Forward(g, e), n, C, 1)) // broadcast over positions
		z := l.dilated.Forward(g, hb)                            // (N, 2C, L/P)
		if l.cond != nil {
			z = g.Add(z, l.cond.Forward(g, cond))
		}
		gate := g.Mul(g.Tanh(g.Slice(z, 1, 0, C)), g.Sigmoid(g.Slice(z, 1, C, 2*C)))
		o := l.out.Forward(g, gate) // (N, 2C, L/P)
		h = g.Scale(g.Add(h, g.Slice(o, 1, 0, C)), invSqrt2)
		if sk := g.Slice(o, 1, C, 2*C); skip == nil {
			skip = sk
		} else {
			skip = g.Add(skip, sk)
		}
	}
	skip = g.Scale(skip, float32(1/math.Sqrt(float64(cfg.Layers))))
	out := unfold(g, m.outConv.Forward(g, g.ReLU(m.skipConv.Forward(g, skip)))) // (N, 1, L)
	if cfg.Residual {
		out = g.Add(out, g.Slice(x, 1, 1, 2)) // x0 = noisy + correction
	}
	return out
}
