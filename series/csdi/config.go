package csdi

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/schedule"
)

// Config is everything about a model but its weights and its scaler: stored
// as JSON in every checkpoint (ConfigKey), so that a checkpoint is a whole
// model. The defaults (DefaultConfig) are CSDI's (Tashiro et al. 2021,
// appendix E.1: 4 residual layers of 64 channels, 8 heads, a 128-feature
// time embedding, a 16-feature feature embedding, a 128-feature
// diffusion-step embedding, 50 steps of the quadratic schedule from 1e-4 to
// 0.5), with a smaller width for CPU training.
type Config struct {
	Columns    []string `json:"columns"`     // the K numeric columns, in order
	Covariates int      `json:"covariates"`  // one-hot covariate features per row (0 for none)
	Window     int      `json:"window"`      // L: rows per window
	Channels   int      `json:"channels"`    // C: residual channels
	Layers     int      `json:"layers"`      // residual layers
	Heads      int      `json:"heads"`       // attention heads; they divide Channels
	TimeEmb    int      `json:"time_emb"`    // sinusoidal features of the row position (even)
	FeatureEmb int      `json:"feature_emb"` // learned features of the column
	StepEmb    int      `json:"step_emb"`    // diffusion-step embedding width (even)
	Steps      int      `json:"steps"`       // T: diffusion steps
	BetaStart  float64  `json:"beta_start"`  // β_0
	BetaEnd    float64  `json:"beta_end"`    // β_{T−1}
	// Unconditional builds the model without a condition: it sees only the
	// noisy window and learns whole windows, for synthetic series.
	Unconditional bool `json:"unconditional"`
	// Interp adds a third input channel per cell: the linear interpolation
	// of its column's conditioning values along the rows (Interpolate), the
	// conditional input of PriSTI (Liu et al. 2023, §3.2), so that a cell
	// between two observed neighbours starts from their straight line.
	Interp bool `json:"interp,omitempty"`
	// Season is the number of harmonics of the time of year in the side
	// information (SeasonFeatures: sin and cos of 2πj·f, j = 1 … Season,
	// f the row's fraction of its year), so that the model knows the
	// season of a window; 0 leaves them out. It needs a dated series.
	Season int `json:"season,omitempty"`
}

// DefaultConfig is the configuration for columns and windows of length
// window: CSDI's sizes with 32 channels instead of 64, which trains four
// times faster on a CPU.
func DefaultConfig(columns []string, covariates, window int) Config {
	return Config{Columns: append([]string(nil), columns...), Covariates: covariates, Window: window,
		Channels: 32, Layers: 4, Heads: 8, TimeEmb: 128, FeatureEmb: 16, StepEmb: 128,
		Steps: 50, BetaStart: 1e-4, BetaEnd: 0.5}
}

// K is the number of numeric columns.
func (c Config) K() int { return len(c.Columns) }

// Validate reports the first field that cannot make a working model, naming
// its JSON key and what it should be.
func (c Config) Validate() error {
	bad := func(field, want string, got any) error {
		return fmt.Errorf("csdi config: field %q: want %s, got %v", field, want, got)
	}
	switch {
	case len(c.Columns) == 0:
		return bad("columns", "at least one column name", c.Columns)
	case c.Covariates < 0:
		return bad("covariates", "0 or more", c.Covariates)
	case c.Interp && c.Unconditional:
		return bad("interp", "false for an unconditional model (it has no conditioning values to interpolate)", c.Interp)
	case c.Season < 0:
		return bad("season", "0 or more harmonics", c.Season)
	case c.Season > 0 && c.Unconditional:
		return bad("season", "0 for an unconditional model (its synthetic windows have no dates)", c.Season)
	case c.Window < 2:
		return bad("window", "at least 2 rows", c.Window)
	case c.Channels < 1:
		return bad("channels", "at least 1", c.Channels)
	case c.Layers < 1:
		return bad("layers", "at least 1", c.Layers)
	case c.Heads < 1 || c.Channels%c.Heads != 0:
		return bad("heads", fmt.Sprintf("a divisor of channels = %d", c.Channels), c.Heads)
	case c.TimeEmb < 2 || c.TimeEmb%2 != 0:
		return bad("time_emb", "an even count ≥ 2", c.TimeEmb)
	case c.FeatureEmb < 1:
		return bad("feature_emb", "at least 1", c.FeatureEmb)
	case c.StepEmb < 2 || c.StepEmb%2 != 0:
		return bad("step_emb", "an even count ≥ 2", c.StepEmb)
	case c.Steps < 1:
		return bad("steps", "at least 1", c.Steps)
	case !(c.BetaStart > 0) || !(c.BetaEnd >= c.BetaStart) || !(c.BetaEnd < 1):
		return bad("beta_start, beta_end", "0 < beta_start ≤ beta_end < 1", [2]float64{c.BetaStart, c.BetaEnd})
	}
	return nil
}

// Schedule is CSDI's "quad" schedule: β_t = (√β_0 + t/(T−1)·(√β_{T−1} −
// √β_0))², t = 0 … T−1 (np.linspace of the square roots, squared).
func (c Config) Schedule() *schedule.Discrete {
	betas := make([]float64, c.Steps)
	a, b := math.Sqrt(c.BetaStart), math.Sqrt(c.BetaEnd)
	for t := range betas {
		u := 0.0
		if c.Steps > 1 {
			u = float64(t) / float64(c.Steps-1)
		}
		r := a + u*(b-a)
		betas[t] = r * r
	}
	return schedule.NewDiscrete(betas)
}
