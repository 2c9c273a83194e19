package csdi

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Masks is the mix of training target masks, as weights (they need not sum
// to 1). Each training window draws one kind:
//
//   - Random hides a share r ~ U(0, 1) of its observed cells (CSDI's random
//     strategy);
//   - Block hides runs of k ~ U{1 … L/2} rows per column until a share
//     r ~ U(0, 1) is covered (series.BlockMask), for gaps of several days;
//   - Forecast hides every cell of the last h ~ U{1 … MaxHorizon} rows, so
//     that forecasting is imputation the model has seen;
//   - Historical hides the observed cells that are missing in another
//     training window (CSDI's historical pattern); on data without gaps it
//     would hide nothing and falls back to Random.
type Masks struct {
	Random, Block, Forecast, Historical float64
	MaxHorizon                          int // longest Forecast mask; 0 means L/2
}

// DefaultMasks is the mix used by the CLI: 0.4 random, 0.2 each of block,
// forecast and historical.
var DefaultMasks = Masks{Random: 0.4, Block: 0.2, Forecast: 0.2, Historical: 0.2}

// Task is the training task of a model over the training rows of a series
// (train.Task): each step draws Batch windows at random starts, a target
// mask per window from Masks, a diffusion step t ~ U{0 … T−1} and noise ε,
// and the loss is CSDI's
//
//	L = Σ m^ta·(ε − ε̂_θ(x_t^ta, t | x^co))² / Σ m^ta,
//
// the noise-prediction loss of DDPM (Ho et al. 2020, eq. 14) over the
// target cells m^ta. Everything random comes from the step's rng, so a
// resumed run replays an uninterrupted one exactly. An unconditional model
// has no condition and its targets are all the observed cells.
type Task struct {
	Model  *Model
	Batch  int
	Masks  Masks
	values [][]float64 // (T, K) normalised, NaN where missing
	obs    [][]bool    // (T, K)
	cov    [][]float64 // (T, Covariates)
	season []float32   // (T, 2·Season) time-of-year features; nil without
	starts []int
}

var _ train.Task = (*Task)(nil)

// NewTask prepares training on every window of s (the training rows, in
// the data's units) at stride 1, normalised by the model's scaler.
func NewTask(m *Model, s *series.Series, batch int, masks Masks) (*Task, error) {
	c := m.Config
	if s.Dim() != c.K() {
		return nil, fmt.Errorf("csdi: training data has %d numeric columns, the model %d", s.Dim(), c.K())
	}
	if s.Len() < c.Window {
		return nil, fmt.Errorf("csdi: %s: %d training rows, shorter than one window of %d", s.File, s.Len(), c.Window)
	}
	if batch < 1 {
		return nil, fmt.Errorf("csdi: batch: want ≥ 1, got %d", batch)
	}
	if masks.Random < 0 || masks.Block < 0 || masks.Forecast < 0 || masks.Historical < 0 || masks.Random+masks.Block+masks.Forecast+masks.Historical <= 0 {
		return nil, fmt.Errorf("csdi: mask weights %+v: want non-negative weights with a positive sum", masks)
	}
	if masks.MaxHorizon <= 0 {
		masks.MaxHorizon = c.Window / 2
	}
	if masks.MaxHorizon >= c.Window {
		return nil, fmt.Errorf("csdi: longest forecast mask %d: want fewer than the window's %d rows", masks.MaxHorizon, c.Window)
	}
	t := &Task{Model: m, Batch: batch, Masks: masks, values: m.Scaler.Transform(s.Values), obs: s.Observed()}
	var cov [][][]float64
	width := 0
	if c.Covariates > 0 { // a model without covariates ignores the categorical columns
		for _, cat := range s.Categorical {
			cov = append(cov, cat.OneHot())
			width += len(cat.Levels)
		}
		if width != c.Covariates {
			return nil, fmt.Errorf("csdi: training data has %d one-hot covariate features, the model %d", width, c.Covariates)
		}
	}
	if width > 0 {
		t.cov = make([][]float64, s.Len())
		for r := range t.cov {
			for _, oh := range cov {
				t.cov[r] = append(t.cov[r], oh[r]...)
			}
		}
	}
	if c.Season > 0 {
		if s.Times == nil {
			return nil, fmt.Errorf("csdi: %s: the time column %q holds numbers, and time-of-year features need dates", s.File, s.TimeName)
		}
		var err error
		if t.season, err = SeasonFeatures(s.Times, c.Season); err != nil {
			return nil, fmt.Errorf("csdi: %s: %w", s.File, err)
		}
	}
	starts, err := series.Windows(0, s.Len(), c.Window, 1)
	if err != nil {
		return nil, err
	}
	t.starts = starts
	return t, nil
}

// Windows is the number of training windows.
func (t *Task) Windows() int { return len(t.starts) }

// Params lists the network's parameters.
func (t *Task) Params() []*nn.Param { return t.Model.Net.Params() }

// PerEpoch is the number of steps that draw as many windows as there are.
func (t *Task) PerEpoch() int { return (len(t.starts) + t.Batch - 1) / t.Batch }

// Items is the number of windows per step.
func (t *Task) Items() int { return t.Batch }

// Loss records the masked noise-prediction loss of step's batch on g.
func (t *Task) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	c := t.Model.Config
	k, l, b := c.K(), c.Window, t.Batch
	sched := c.Schedule()
	in := Input{B: b, T: make([]int, b), Noisy: make([]float32, b*k*l)}
	if !c.Unconditional {
		in.Cond, in.Mask = make([]float32, b*k*l), make([]float32, b*k*l)
	}
	if c.Covariates > 0 {
		in.Cov = make([]float32, 0, b*l*c.Covariates)
	}
	if c.Season > 0 {
		in.Season = make([]float32, 0, b*l*2*c.Season)
	}
	eps := make([]float32, b*k*l)
	weight := make([]float32, b*k*l)
	total := 0
	for i := range b {
		st := t.starts[rng.Intn(len(t.starts))]
		obs := t.obs[st : st+l]
		target := t.targetMask(obs, rng)
		if c.Season > 0 {
			in.Season = append(in.Season, t.season[st*2*c.Season:(st+l)*2*c.Season]...)
		}
		tt := rng.Intn(c.Steps)
		in.T[i] = tt
		ab := sched.AlphaBar(tt)
		sa, s1a := math.Sqrt(ab), math.Sqrt(1-ab)
		for r := range l {
			for d := range k {
				j := i*k*l + d*l + r
				x0 := 0.0
				if obs[r][d] {
					x0 = t.values[st+r][d]
				}
				e := rng.Normal()
				eps[j] = float32(e)
				xt := float32(sa*x0 + s1a*e)
				switch {
				case c.Unconditional:
					in.Noisy[j] = xt
				case obs[r][d] && !target[r][d]:
					in.Cond[j], in.Mask[j] = float32(x0), 1
				default:
					in.Noisy[j] = xt
				}
				if target[r][d] {
					weight[j] = 1
					total++
				}
			}
			if c.Covariates > 0 {
				for _, v := range t.cov[st+r] {
					in.Cov = append(in.Cov, float32(v))
				}
			}
		}
	}
	epoch := step * b / len(t.starts)
	if total == 0 { // every drawn window was empty: a zero loss that still records the graph
		total = 1
	}
	pred := t.Model.Net.Forward(g, in)
	diff := g.Sub(pred, autograd.NewVar(tensor.FromData(eps, b, k, l)))
	sq := g.Mul(g.Mul(diff, diff), autograd.NewVar(tensor.FromData(weight, b, k, l)))
	return g.Scale(g.Sum(sq, nil, false), 1/float32(total)), epoch, nil
}

// targetMask draws the target mask of one training window with observed
// mask obs: (L, K).
func (t *Task) targetMask(obs [][]bool, rng *tensor.RNG) [][]bool {
	l := len(obs)
	if t.Model.Config.Unconditional {
		return obs
	}
	m := t.Masks
	u := rng.Uniform() * (m.Random + m.Block + m.Forecast + m.Historical)
	switch {
	case u < m.Random:
	case u < m.Random+m.Block:
		return series.BlockMask(obs, 0, l, 1+rng.Intn(max(l/2, 1)), rng.Uniform(), rng)
	case u < m.Random+m.Block+m.Forecast:
		h := 1 + rng.Intn(m.MaxHorizon)
		target := make([][]bool, l)
		for r := range target {
			target[r] = make([]bool, len(obs[r]))
			if r >= l-h {
				copy(target[r], obs[r])
			}
		}
		return target
	default:
		p := t.starts[rng.Intn(len(t.starts))]
		target := series.PatternMask(obs, t.obs[p:p+l])
		if series.Count(target) > 0 {
			return target
		}
	}
	return series.RandomMask(obs, 0, l, rng.Uniform(), rng)
}
