package schedule

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Schedule is a discrete noise schedule of Steps() steps, t = 0 … Steps()−1.
// Beta(t) is the variance added at step t and AlphaBar(t) = ∏_{s≤t}(1 − β_s)
// (Ho et al. 2020, eq. 4). The derived quantities are defined from ᾱ:
// SNR = ᾱ/(1−ᾱ), LogSNR = log SNR and Sigma = √((1−ᾱ)/ᾱ) = SNR^(−1/2)
// (Kingma et al. 2021; Karras et al. 2022, table 1).
type Schedule interface {
	Steps() int
	Beta(t int) float64
	Alpha(t int) float64
	AlphaBar(t int) float64
	SNR(t int) float64
	LogSNR(t int) float64
	Sigma(t int) float64
}

// Continuous is a schedule that also gives ᾱ at a continuous time
// u ∈ [0, 1], with u = 0 clean data and u = 1 the end of the forward process.
type Continuous interface {
	Schedule
	AlphaBarAt(u float64) float64
}

// Discrete is a schedule given by its table of betas; the named schedules
// embed it. AlphaBar is precomputed as a float64 cumulative product.
type Discrete struct {
	Betas     []float64 // β_t, t = 0 … T−1
	AlphaBars []float64 // ᾱ_t = ∏_{s≤t}(1 − β_s)
}

// NewDiscrete builds a schedule from betas (copied), computing ᾱ in float64.
func NewDiscrete(betas []float64) *Discrete {
	d := &Discrete{Betas: append([]float64(nil), betas...), AlphaBars: make([]float64, len(betas))}
	prod := 1.0
	for t, b := range betas {
		prod *= 1 - b
		d.AlphaBars[t] = prod
	}
	return d
}

// Steps is T, the number of discrete steps.
func (d *Discrete) Steps() int { return len(d.Betas) }

// Beta is β_t, the variance of the noise added at step t.
func (d *Discrete) Beta(t int) float64 { return d.Betas[t] }

// Alpha is α_t = 1 − β_t.
func (d *Discrete) Alpha(t int) float64 { return 1 - d.Betas[t] }

// AlphaBar is ᾱ_t = ∏_{s≤t} α_s (Ho et al. 2020, eq. 4).
func (d *Discrete) AlphaBar(t int) float64 { return d.AlphaBars[t] }

// SNR is the signal-to-noise ratio ᾱ_t/(1−ᾱ_t) (Kingma et al. 2021, eq. 1).
func (d *Discrete) SNR(t int) float64 { return snr(d.AlphaBars[t]) }

// LogSNR is log(ᾱ_t/(1−ᾱ_t)), the λ_t of Kingma et al. (2021).
func (d *Discrete) LogSNR(t int) float64 { return logSNR(d.AlphaBars[t]) }

// Sigma is √((1−ᾱ_t)/ᾱ_t): the noise level of the variance-exploding view
// x_t/√ᾱ_t = x_0 + σ_t·ε used by EDM samplers (Karras et al. 2022, §2).
func (d *Discrete) Sigma(t int) float64 { return sigma(d.AlphaBars[t]) }

func snr(ab float64) float64    { return ab / (1 - ab) }
func logSNR(ab float64) float64 { return math.Log(ab) - math.Log1p(-ab) }
func sigma(ab float64) float64  { return math.Sqrt((1 - ab) / ab) }

// SigmaToAlphaBar inverts Sigma: ᾱ = 1/(1+σ²).
func SigmaToAlphaBar(sigma float64) float64 { return 1 / (1 + sigma*sigma) }

// betasFromAlphaBar discretises a continuous ᾱ(u) into T betas as in improved
// DDPM's betas_for_alpha_bar: β_t = min(1 − ᾱ((t+1)/T)/ᾱ(t/T), maxBeta).
func betasFromAlphaBar(T int, alphaBar func(u float64) float64, maxBeta float64) []float64 {
	betas := make([]float64, T)
	for t := range betas {
		u0, u1 := float64(t)/float64(T), float64(t+1)/float64(T)
		betas[t] = min(1-alphaBar(u1)/alphaBar(u0), maxBeta)
	}
	return betas
}

// Config names a schedule and its parameters, as stored in JSON configs:
//
//	{"name": "cosine", "steps": 1000, "params": {"s": 0.008}}
type Config struct {
	Name   string             `json:"name"`   // "linear", "cosine" or "sigmoid"
	Steps  int                `json:"steps"`  // T
	Params map[string]float64 `json:"params"` // optional; see New for the keys
}

// Build returns the schedule c describes, via New.
func (c Config) Build() (Schedule, error) { return New(c.Name, c.Steps, c.Params) }

// ParseConfig decodes a JSON Config, refusing unknown fields.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("schedule config: %w", err)
	}
	return c, nil
}

// New builds a named schedule with T steps. Parameters not given take the
// papers' defaults:
//
//	"linear":  beta_start = 1e-4, beta_end = 0.02           (Ho et al. 2020)
//	"cosine":  s = 0.008, max_beta = 0.999                  (Nichol & Dhariwal 2021)
//	"sigmoid": start = −3, end = 3, tau = 1, max_beta = 0.999 (Jabri et al. 2022)
//
// An unknown name, an unknown parameter or T < 1 is an error.
func New(name string, T int, params map[string]float64) (Schedule, error) {
	if T < 1 {
		return nil, fmt.Errorf("schedule %q: steps: want ≥ 1, got %d", name, T)
	}
	var known map[string]float64
	switch name {
	case "linear":
		known = map[string]float64{"beta_start": 1e-4, "beta_end": 0.02}
	case "cosine":
		known = map[string]float64{"s": 0.008, "max_beta": 0.999}
	case "sigmoid":
		known = map[string]float64{"start": -3, "end": 3, "tau": 1, "max_beta": 0.999}
	default:
		return nil, fmt.Errorf("schedule: unknown name %q: want one of linear, cosine, sigmoid", name)
	}
	for k, v := range params {
		if _, ok := known[k]; !ok {
			keys := make([]string, 0, len(known))
			for k := range known {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return nil, fmt.Errorf("schedule %q: unknown parameter %q: want one of %s", name, k, strings.Join(keys, ", "))
		}
		known[k] = v
	}
	switch name {
	case "linear":
		return NewLinear(T, known["beta_start"], known["beta_end"]), nil
	case "cosine":
		c := NewCosine(T, known["s"])
		if known["max_beta"] != 0.999 {
			c = newCosine(T, known["s"], known["max_beta"])
		}
		return c, nil
	default:
		if known["end"] <= known["start"] || known["tau"] <= 0 {
			return nil, fmt.Errorf("schedule \"sigmoid\": want start < end and tau > 0, got start %g, end %g, tau %g", known["start"], known["end"], known["tau"])
		}
		return NewSigmoid(T, known["start"], known["end"], known["tau"], known["max_beta"]), nil
	}
}
