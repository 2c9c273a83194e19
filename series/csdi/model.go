package csdi

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Meta keys of a series checkpoint (safetensors header): the Config and the
// training scaler, both JSON.
const (
	ConfigKey = "diffusego.series"
	ScalerKey = "diffusego.series.scaler"
)

// Model is a trained (or training) CSDI model: its configuration, network
// and the scaler of its training rows, which maps data to the network's
// units and back. SampleSteps and Batch tune sampling only.
type Model struct {
	Config Config
	Net    *Net
	Scaler *series.Scaler
	// SampleSteps is the number of denoising steps Sample takes, evenly
	// spaced over the Config.Steps training steps; 0 takes all of them
	// (CSDI's sampler).
	SampleSteps int
	// Batch is how many samples Sample draws in one network call; 0 means 64.
	Batch int
	// Spread, when not 0 or 1, scales every sampled cell's distance from
	// its median over the samples (ScaleSpread): a calibration of the
	// samples' width, chosen on validation data, never on the test rows.
	Spread float64
	// LargeVariance samples with DDPM's noise variance β instead of the
	// posterior's (see Ancestral).
	LargeVariance bool
	// OnStep, when set, is called after every denoising step of every
	// batch Sample draws (len(Timesteps) per batch), for progress reports.
	OnStep func()
}

var _ series.Model = (*Model)(nil)

// NewModel builds a model with fresh weights from rng; sc must have c's
// columns.
func NewModel(c Config, sc *series.Scaler, rng *tensor.RNG) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkScaler(c, sc); err != nil {
		return nil, err
	}
	net, err := NewNet(c, rng)
	if err != nil {
		return nil, err
	}
	return &Model{Config: c, Net: net, Scaler: sc}, nil
}

func checkScaler(c Config, sc *series.Scaler) error {
	if sc == nil || len(sc.Columns) != c.K() || len(sc.Mean) != c.K() || len(sc.Std) != c.K() {
		return fmt.Errorf("csdi: the scaler does not have the model's %d columns", c.K())
	}
	for d, name := range c.Columns {
		if sc.Columns[d] != name {
			return fmt.Errorf("csdi: scaler column %d is %q, the model's is %q", d, sc.Columns[d], name)
		}
		if math.IsNaN(sc.Mean[d]) || math.IsInf(sc.Mean[d], 0) || !(sc.Std[d] > 0) || math.IsInf(sc.Std[d], 0) {
			return fmt.Errorf("csdi: scaler column %q: want a finite mean and a positive finite std, got %v and %v", name, sc.Mean[d], sc.Std[d])
		}
	}
	return nil
}

// Meta returns the checkpoint header entries that describe the model.
func (m *Model) Meta() (map[string]string, error) {
	c, err := json.Marshal(m.Config)
	if err != nil {
		return nil, err
	}
	s, err := json.Marshal(m.Scaler)
	if err != nil {
		return nil, err
	}
	return map[string]string{ConfigKey: string(c), ScalerKey: string(s)}, nil
}

// Load reads the model of a checkpoint written by training: its
// configuration and scaler from the header, then the EMA weights when ema
// is true and the file has them, else the raw weights. Every tensor is
// checked against the network before anything is copied.
func Load(path string, ema bool) (*Model, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, err
	}
	raw, ok := f.Meta[ConfigKey]
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: not a diffusego series model (no %q entry in its header)", path, ConfigKey)
	}
	var c Config
	if err := checkpoint.DecodeJSON([]byte(raw), path+": "+ConfigKey, &c); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	var sc series.Scaler
	if err := checkpoint.DecodeJSON([]byte(f.Meta[ScalerKey]), path+": "+ScalerKey, &sc); err != nil {
		return nil, err
	}
	m, err := NewModel(c, &sc, tensor.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if _, ok := f.Meta["ema.steps"]; !ok {
		ema = false
	}
	if err := train.LoadWeights(f, path, m.Net.Params(), ema); err != nil {
		return nil, err
	}
	return m, nil
}

// Sample draws n samples (n, L, K) of the window w in normalised units:
// target and missing cells from the model, conditioning cells equal to
// w.Values. Samples are drawn Batch at a time, each batch from its own
// stream of rng, so the result depends only on rng and n. An unconditional
// model ignores w's values and draws whole windows.
func (m *Model) Sample(ctx context.Context, w series.Window, n int, rng *tensor.RNG) (out [][][]float64, err error) {
	defer tensor.Recover(&err)
	c := m.Config
	k, l := c.K(), c.Window
	if len(w.Values) != l {
		return nil, fmt.Errorf("csdi: window of %d rows, the model's is %d", len(w.Values), l)
	}
	if len(w.Values[0]) != k {
		return nil, fmt.Errorf("csdi: window of %d columns, the model's is %d", len(w.Values[0]), k)
	}
	if c.Covariates > 0 && (len(w.Covariates) != l || len(w.Covariates[0]) != c.Covariates) {
		return nil, fmt.Errorf("csdi: the model wants %d covariate features per row, the window has %d", c.Covariates, width(w.Covariates))
	}
	if n < 1 {
		return nil, fmt.Errorf("csdi: samples: want ≥ 1, got %d", n)
	}
	var season []float32
	if c.Season > 0 {
		if len(w.Times) != l {
			return nil, fmt.Errorf("csdi: the model wants the dates of the window's %d rows (time-of-year features), the window has %d", l, len(w.Times))
		}
		if season, err = SeasonFeatures(w.Times, c.Season); err != nil {
			return nil, err
		}
	}
	cond := w.Cond()
	one := make([]float32, k*l)  // m^co·x^co, (K, L)
	mask := make([]float32, k*l) // m^co
	for t := range l {
		for d := range k {
			if cond[t][d] && !c.Unconditional {
				one[d*l+t], mask[d*l+t] = float32(w.Values[t][d]), 1
			}
		}
	}
	batch := m.Batch
	if batch <= 0 {
		batch = 64
	}
	s := c.Schedule()
	ts := Timesteps(c.Steps, m.SampleSteps)
	out = make([][][]float64, 0, n)
	for lo, chunk := 0, 0; lo < n; lo, chunk = lo+batch, chunk+1 {
		b := min(batch, n-lo)
		in := Input{B: b, T: make([]int, b), Noisy: make([]float32, b*k*l)}
		if !c.Unconditional {
			in.Cond, in.Mask = repeat(one, b), repeat(mask, b)
		}
		if c.Covariates > 0 {
			cov := make([]float32, 0, l*c.Covariates)
			for t := range l {
				for _, v := range w.Covariates[t] {
					cov = append(cov, float32(v))
				}
			}
			in.Cov = repeat(cov, b)
		}
		if season != nil {
			in.Season = repeat(season, b)
		}
		eps := func(x []float32, t int) ([]float32, error) {
			for i := range x {
				in.Noisy[i] = x[i] * (1 - in.maskAt(i))
			}
			for i := range in.T {
				in.T[i] = t
			}
			g := autograd.NoGradPooled()
			y := m.Net.Forward(g, in)
			res := append([]float32(nil), y.Value.Data...)
			g.Release(nil)
			if m.OnStep != nil {
				m.OnStep()
			}
			return res, nil
		}
		x, err := Ancestral(ctx, s, ts, b*k*l, eps, m.LargeVariance, rng.Split(uint64(chunk)))
		if err != nil {
			return nil, err
		}
		for i := range b {
			smp := make([][]float64, l)
			for t := range l {
				smp[t] = make([]float64, k)
				for d := range k {
					j := d*l + t
					if mask[j] == 1 {
						smp[t][d] = w.Values[t][d]
					} else {
						smp[t][d] = float64(x[i*k*l+j])
					}
				}
			}
			out = append(out, smp)
		}
	}
	if m.Spread != 0 && m.Spread != 1 {
		keep := make([][]bool, l)
		for t := range l {
			keep[t] = make([]bool, k)
			for d := range k {
				keep[t][d] = mask[d*l+t] == 1
			}
		}
		ScaleSpread(out, keep, m.Spread)
	}
	return out, nil
}

// ScaleSpread replaces, in every cell where keep is false, each sample x_k
// of samples (S, L, K) by
//
//	m + τ·(x_k − m),
//
// m the cell's median over the samples (Quantile's rule): the median is
// unchanged (and with an odd number of samples so is the middle sample
// that series.Evaluate scores the MAE of), and every central interval is τ
// times as wide. It is the one-parameter recalibration of a too narrow or too wide
// sampler, the dispersion counterpart of temperature scaling (Guo et al.
// 2017); τ is chosen by the CRPS on validation data. keep (L, K) marks the
// conditioning cells, which are data, not samples.
func ScaleSpread(samples [][][]float64, keep [][]bool, tau float64) {
	if len(samples) < 2 {
		return
	}
	med := Quantile(samples, 0.5)
	for k := range samples {
		for t := range samples[k] {
			for d, v := range samples[k][t] {
				if !keep[t][d] {
					samples[k][t][d] = med[t][d] + tau*(v-med[t][d])
				}
			}
		}
	}
}

// maskAt is m^co of flat cell i (0 without a mask).
func (in Input) maskAt(i int) float32 {
	if in.Mask == nil {
		return 0
	}
	return in.Mask[i]
}

// repeat returns b copies of x back to back.
func repeat(x []float32, b int) []float32 {
	out := make([]float32, 0, b*len(x))
	for range b {
		out = append(out, x...)
	}
	return out
}

// width is the number of columns of a (T, D) table, 0 when T = 0.
func width(v [][]float64) int {
	if len(v) == 0 {
		return 0
	}
	return len(v[0])
}
