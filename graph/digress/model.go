package digress

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// Config is a model's architecture and what it learned of the data that
// is not a weight: the category marginals of the diffusion and the
// distribution of node counts that sampling draws from.
type Config struct {
	Kx, Ke     int // node and edge categories ("no edge" is edge category 0)
	Layers     int
	DX, DE, DY int     // node, edge and global feature widths
	FFX, FFE   int     // feed-forward widths of the node and edge blocks
	MaxN       int     // largest node count (the n/MaxN input feature)
	T          int     // training time steps: t is drawn from {1/T, …, 1}
	Lambda     float64 // weight of the edge cross-entropy (DiGress: 5)

	NodeMarginal []float64 // m_X
	EdgeMarginal []float64 // m_E
	SizeCounts   []int     // SizeCounts[n]: training graphs of n nodes

	// Valence adds each node's valence in the noisy graph, Σ_j E_ij with
	// edge category k counted as bond order k, to the node inputs (a
	// molecular feature of DiGress, §5; for molecular graphs whose edge
	// categories are the bond orders).
	Valence bool `json:",omitempty"`

	// Classes is the number of classes of a graph-level condition (0: the
	// model is unconditional). A conditional model is given the class as a
	// one-hot part of the global input y, or zeros for "no class", which
	// training uses for a fraction CondDrop of graphs so that the model
	// learns both p(x_0 | z_t, c) and p(x_0 | z_t): classifier-free
	// guidance (Ho & Salimans 2022) then mixes the two (Guided).
	Classes  int     `json:",omitempty"`
	CondDrop float64 `json:",omitempty"`
	// ClassSizeCounts[c][n] counts the training graphs of class c with n
	// nodes: a conditional sample draws its node count from its class's.
	ClassSizeCounts [][]int `json:",omitempty"`
}

// nodeInputs is the width of the network's node input: the one-hot
// category, the structural features and, with Valence, the valence.
func (c Config) nodeInputs() int {
	w := c.Kx + NodeFeatures
	if c.Valence {
		w++
	}
	return w
}

// globalInputs is the width of the global input: t, the graph features,
// n/MaxN and the one-hot class.
func (c Config) globalInputs() int { return 2 + GraphFeatures + c.Classes }

// DefaultConfig is the recipe used on community-small: 4 layers, node
// width 64, edge width 16, global width 32, T = 500 and λ = 5 as DiGress.
// sizes lists the training graphs' node counts.
func DefaultConfig(kx, ke int, mx, me []float64, sizes []int) Config {
	c := Config{Kx: kx, Ke: ke, Layers: 4, DX: 64, DE: 16, DY: 32, FFX: 128, FFE: 32, T: 500, Lambda: 5,
		NodeMarginal: mx, EdgeMarginal: me}
	for _, n := range sizes {
		c.MaxN = max(c.MaxN, n)
	}
	c.SizeCounts = make([]int, c.MaxN+1)
	for _, n := range sizes {
		c.SizeCounts[n]++
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case c.Kx < 1 || c.Kx > graph.MaxType+1:
		return fmt.Errorf("digress: config: kx %d: want 1 to %d", c.Kx, graph.MaxType+1)
	case c.Ke < 2 || c.Ke > graph.MaxType+1:
		return fmt.Errorf("digress: config: ke %d: want 2 to %d", c.Ke, graph.MaxType+1)
	case c.Layers < 1 || c.Layers > 64:
		return fmt.Errorf("digress: config: %d layers: want 1 to 64", c.Layers)
	case c.DX < 1 || c.DE < 1 || c.DY < 1 || c.FFX < 1 || c.FFE < 1 || max(c.DX, c.DE, c.DY, c.FFX, c.FFE) > 4096:
		return fmt.Errorf("digress: config: widths dx %d, de %d, dy %d, ffx %d, ffe %d: want 1 to 4096", c.DX, c.DE, c.DY, c.FFX, c.FFE)
	case c.MaxN < 1 || c.MaxN > graph.MaxNodes || len(c.SizeCounts) != c.MaxN+1:
		return fmt.Errorf("digress: config: max nodes %d with %d size counts: want 1 to %d and max+1 counts", c.MaxN, len(c.SizeCounts), graph.MaxNodes)
	case c.T < 1 || c.T > 1_000_000:
		return fmt.Errorf("digress: config: T %d: want 1 to 1000000", c.T)
	case !(c.Lambda >= 0):
		return fmt.Errorf("digress: config: lambda %v: want ≥ 0", c.Lambda)
	case len(c.NodeMarginal) != c.Kx || len(c.EdgeMarginal) != c.Ke:
		return fmt.Errorf("digress: config: marginals of %d and %d categories: want %d and %d", len(c.NodeMarginal), len(c.EdgeMarginal), c.Kx, c.Ke)
	}
	if err := checkSizeCounts(c.SizeCounts, c.MaxN); err != nil {
		return fmt.Errorf("digress: config: %w", err)
	}
	switch {
	case c.Classes < 0 || c.Classes > 4096:
		return fmt.Errorf("digress: config: %d condition classes: want 0 to 4096", c.Classes)
	case !(c.CondDrop >= 0 && c.CondDrop < 1):
		return fmt.Errorf("digress: config: condition drop %v: want in [0, 1)", c.CondDrop)
	case c.Classes > 0 && len(c.ClassSizeCounts) != c.Classes:
		return fmt.Errorf("digress: config: %d class size tables for %d classes: want one per class", len(c.ClassSizeCounts), c.Classes)
	}
	for k, counts := range c.ClassSizeCounts {
		if err := checkSizeCounts(counts, c.MaxN); err != nil {
			return fmt.Errorf("digress: config: class %d: %w", k, err)
		}
	}
	if _, err := NewMarginal(c.NodeMarginal); err != nil {
		return err
	}
	_, err := NewMarginal(c.EdgeMarginal)
	return err
}

// checkSizeCounts checks a table of graph counts by node count: MaxN+1
// entries, none negative, none for 0 nodes, and at least one graph.
func checkSizeCounts(counts []int, maxN int) error {
	if len(counts) != maxN+1 {
		return fmt.Errorf("%d size counts: want max nodes + 1 = %d", len(counts), maxN+1)
	}
	total := 0
	for n, k := range counts {
		if k < 0 || k > 1<<40 || (k > 0 && n == 0) {
			return fmt.Errorf("size count %d for %d nodes: want ≥ 0, and none for 0 nodes", k, n)
		}
		total += k
	}
	if total == 0 {
		return fmt.Errorf("no graph sizes to sample from")
	}
	return nil
}

// Model is the denoising network p_θ(x_0 | z_t) with its diffusion
// process. The network is DiGress's graph transformer (Layer), between
// input MLPs for nodes (one-hot category and NodeFeatures structural
// features), edges (one-hot category) and the global vector (t, the
// GraphFeatures cycle totals, n/MaxN), and output MLPs to category logits;
// as in DiGress, the one-hot input is added to the output logits, and the
// edge logits are symmetrised, (L + Lᵀ)/2.
type Model struct {
	Config  Config
	Process *Process
	// OnStep, when set, is called after every reverse step of every batch
	// Sample and SampleClass draw (SampleBatch graphs a batch), for
	// progress reports. It does not change the result.
	OnStep func()

	InX1, InX2, InE1, InE2, InY1, InY2 *nn.Linear
	Layers                             []*Layer
	OutX1, OutX2, OutE1, OutE2         *nn.Linear
}

// NewModel checks c and makes a model with weights drawn from rng.
func NewModel(c Config, rng *tensor.RNG) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	p := &Process{}
	p.Nodes, _ = NewMarginal(c.NodeMarginal)
	p.Edges, _ = NewMarginal(c.EdgeMarginal)
	lin := func(name string, in, out int) *nn.Linear { return nn.NewLinear(name, in, out, true, rng) }
	m := &Model{Config: c, Process: p,
		InX1: lin("in_x.0", c.nodeInputs(), c.DX), InX2: lin("in_x.1", c.DX, c.DX),
		InE1: lin("in_e.0", c.Ke, c.DE), InE2: lin("in_e.1", c.DE, c.DE),
		InY1: lin("in_y.0", c.globalInputs(), c.DY), InY2: lin("in_y.1", c.DY, c.DY),
	}
	for i := range c.Layers {
		m.Layers = append(m.Layers, NewLayer(nn.Join("layer", i), c.DX, c.DE, c.DY, c.FFX, c.FFE, rng))
	}
	m.OutX1, m.OutX2 = lin("out_x.0", c.DX, c.DX), lin("out_x.1", c.DX, c.Kx)
	m.OutE1, m.OutE2 = lin("out_e.0", c.DE, c.DE), lin("out_e.1", c.DE, c.Ke)
	return m, nil
}

// Params lists every parameter.
func (m *Model) Params() []*nn.Param {
	ps := nn.Collect(m.InX1, m.InX2, m.InE1, m.InE2, m.InY1, m.InY2)
	for _, l := range m.Layers {
		ps = append(ps, l.Params()...)
	}
	return append(ps, nn.Collect(m.OutX1, m.OutX2, m.OutE1, m.OutE2)...)
}

// Forward returns the logits of x_0 for the noisy batch z at times t:
// nodes (B, N, Kx) and edges (B, N, N, Ke), the latter symmetric. A
// conditional model reads graph b's class from z.Cond[b] (none when
// z.Cond is nil or the entry is negative).
func (m *Model) Forward(g *autograd.Graph, z *Batch, t []float64) (lx, le *autograd.Var) {
	c := m.Config
	b, n := z.B, z.N
	node, glob := extraFeatures(z, c.MaxN)
	wx, wy := c.nodeInputs(), c.globalInputs()
	xin := tensor.New(b, n, wx)      // one-hot, structure, valence
	xoh := tensor.New(b, n, c.Kx)    // one-hot
	eoh := tensor.New(b, n, n, c.Ke) // one-hot
	yin := tensor.New(b, wy)         // t, graph features, n/MaxN, class
	for k := 0; k < b; k++ {
		for i := 0; i < z.Sizes[k]; i++ {
			at := k*n + i
			row := xin.Data[at*wx : (at+1)*wx]
			row[z.X[at]] = 1
			xoh.Data[at*c.Kx+z.X[at]] = 1
			copy(row[c.Kx:c.Kx+NodeFeatures], node[at*NodeFeatures:(at+1)*NodeFeatures])
			valence := 0
			for j := 0; j < z.Sizes[k]; j++ {
				if j != i {
					e := at*n + j
					eoh.Data[e*c.Ke+z.E[e]] = 1
					valence += z.E[e]
				}
			}
			if c.Valence {
				row[c.Kx+NodeFeatures] = float32(valence) / 4
			}
		}
		yrow := yin.Data[k*wy : (k+1)*wy]
		yrow[0] = float32(t[k])
		copy(yrow[1:2+GraphFeatures], glob[k*(GraphFeatures+1):(k+1)*(GraphFeatures+1)])
		if c.Classes > 0 && z.Cond != nil && z.Cond[k] >= 0 && z.Cond[k] < c.Classes {
			yrow[2+GraphFeatures+z.Cond[k]] = 1
		}
	}
	masks := NewMasks(z.Sizes, n)
	mlp := func(l1, l2 *nn.Linear, x *autograd.Var) *autograd.Var {
		return l2.Forward(g, g.GELU(l1.Forward(g, x)))
	}
	x := g.Mul(mlp(m.InX1, m.InX2, autograd.NewVar(xin)), masks.NodeMask)
	e := g.Mul(mlp(m.InE1, m.InE2, autograd.NewVar(eoh)), masks.PairMask)
	y := mlp(m.InY1, m.InY2, autograd.NewVar(yin))
	for _, l := range m.Layers {
		x, e = l.Forward(g, x, e, y, masks)
	}
	lx = g.Add(mlp(m.OutX1, m.OutX2, x), autograd.NewVar(xoh))
	le = g.Add(mlp(m.OutE1, m.OutE2, e), autograd.NewVar(eoh))
	le = g.Scale(g.Add(le, g.Permute(le, 0, 2, 1, 3)), 0.5)
	return lx, le
}

// Predict is the model as a Denoiser: softmax of the logits, in float64.
func (m *Model) Predict(z *Batch, t []float64) (px, pe []float64, err error) {
	defer tensor.Recover(&err)
	g := autograd.NoGrad()
	lx, le := m.Forward(g, z, t)
	return softmaxRows(lx.Data(), m.Config.Kx), softmaxRows(le.Data(), m.Config.Ke), nil
}

// softmaxRows is the softmax of each row of k logits, in float64.
func softmaxRows(l []float32, k int) []float64 {
	out := make([]float64, len(l))
	for r := 0; r+k <= len(l); r += k {
		mx := math.Inf(-1)
		for _, v := range l[r : r+k] {
			mx = max(mx, float64(v))
		}
		s := 0.0
		for i, v := range l[r : r+k] {
			out[r+i] = math.Exp(float64(v) - mx)
			s += out[r+i]
		}
		for i := range k {
			out[r+i] /= s
		}
	}
	return out
}

// DrawSizes draws count node counts from the training distribution of
// sizes (Config.SizeCounts).
func (m *Model) DrawSizes(count int, rng *tensor.RNG) []int {
	return drawSizes(m.Config.SizeCounts, count, rng)
}

// drawSizes draws count node counts in proportion to counts.
func drawSizes(counts []int, count int, rng *tensor.RNG) []int {
	total := 0
	for _, k := range counts {
		total += k
	}
	out := make([]int, count)
	for i := range out {
		u := rng.Intn(total)
		for n, k := range counts {
			if u < k {
				out[i] = n
				break
			}
			u -= k
		}
	}
	return out
}

// SampleBatch is the number of graphs Sample and SampleClass draw per
// denoiser call.
const SampleBatch = 32

// Sample generates count graphs in steps reverse steps at the given
// temperature: node counts from the training distribution
// (rng.Split(0)), the reverse process from rng.Split(1). The same seed
// gives the same graphs.
func (m *Model) Sample(ctx context.Context, count, steps int, temperature float64, rng *tensor.RNG) ([]*graph.Graph, error) {
	if count < 0 {
		return nil, fmt.Errorf("digress: sample %d graphs: want ≥ 0", count)
	}
	sizes := m.DrawSizes(count, rng.Split(0))
	s := Sampler{Process: m.Process, Steps: steps, Temperature: temperature, Batch: SampleBatch, OnStep: m.OnStep}
	return s.Sample(ctx, m, sizes, rng.Split(1))
}

// ConfigKey is the checkpoint metadata key holding the model's Config as
// JSON.
const ConfigKey = "digress.config"

// Meta returns the checkpoint metadata that describes the model.
func (m *Model) Meta() (map[string]string, error) {
	b, err := json.Marshal(m.Config)
	if err != nil {
		return nil, err
	}
	return map[string]string{ConfigKey: string(b)}, nil
}

// ParseConfig reads a Config from checkpoint metadata (file names the
// checkpoint in errors).
func ParseConfig(meta map[string]string, file string) (Config, error) {
	raw, ok := meta[ConfigKey]
	if !ok {
		return Config{}, fmt.Errorf("digress: %s: no %q in the metadata: not a graph model checkpoint", file, ConfigKey)
	}
	var c Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return Config{}, fmt.Errorf("digress: %s: %q: %w", file, ConfigKey, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}
