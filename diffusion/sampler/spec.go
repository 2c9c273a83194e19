package sampler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/diffusion/schedule"
)

// Spec names a sampler and its settings, as a command line or a config
// gives them, and builds the sampler and its noise levels for a model
// trained on a discrete schedule.
type Spec struct {
	Name  string  // one of Names
	Steps int     // number of steps; 0 takes the sampler's usual count (UsualSteps)
	Eta   float64 // DDIM's η (0 deterministic, 1 ancestral); other samplers ignore it
	// Temperature scales the initial and injected noise; 0 means 1.
	Temperature float64
	// Spacing picks the training steps DDPM and DDIM visit; "" means
	// trailing, which starts at the last training step (Lin et al. 2024).
	Spacing schedule.Spacing
	Rho     float64 // ρ of the Karras σ schedule for Euler, Heun and DPM-Solver++; 0 means 7
	// SigmaMax, when > 0, caps the noise level sampling starts from: the
	// levels above it are lowered to it (and merged). A schedule whose
	// last ᾱ is near 0 (the cosine schedule clipped at β = 0.999 ends at
	// σ ≈ 2·10⁴) otherwise starts an ε-prediction model where
	// x̂₀ = x − σ·ε̂ multiplies the network's error by σ; EDM (Karras et
	// al. 2022) starts at 80, where the signal left (1/80 of the noise
	// for unit-variance data) no longer matters. 0 keeps the schedule's
	// largest σ.
	SigmaMax float64
}

// UsualSteps is each sampler's customary step count: DDPM and the VP SDE
// run every training step, DDIM 50, DPM-Solver++(2M) 20, Heun 18 (35
// network calls, as EDM), Euler 50, the VE SDE 1000 and the
// predictor–corrector samplers 200 (each with one Langevin step). The
// probability-flow ODE is adaptive: its "steps" are a single interval
// integrated to tolerance.
var UsualSteps = map[string]int{"ddpm": 1000, "ddim": 50, "dpmpp2m": 20, "heun": 18, "euler": 50,
	"vp-sde": 1000, "ve-sde": 1000, "vp-pc": 200, "ve-pc": 200, "pf-ode": 1}

// Names lists the samplers Spec knows.
func Names() []string {
	names := make([]string, 0, len(UsualSteps))
	for n := range UsualSteps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Build returns the sampler s names.
func (s Spec) Build() (Sampler, error) {
	switch s.Name {
	case "ddpm":
		return DDPM{Temperature: s.Temperature}, nil
	case "ddim":
		if s.Eta < 0 {
			return nil, fmt.Errorf("sampler ddim: eta: want ≥ 0, got %g", s.Eta)
		}
		return DDIM{Eta: s.Eta, Temperature: s.Temperature}, nil
	case "euler":
		return Euler{}, nil
	case "heun":
		return Heun{}, nil
	case "dpmpp2m":
		return &DPMPP2M{}, nil
	case "vp-sde":
		return VPSDE{Temperature: s.Temperature}, nil
	case "ve-sde":
		return VESDE{Temperature: s.Temperature}, nil
	case "vp-pc":
		return VPSDE{Temperature: s.Temperature, Corrector: Langevin{Steps: 1, SNR: 0.01}}, nil
	case "ve-pc":
		return VESDE{Temperature: s.Temperature, Corrector: Langevin{Steps: 1, SNR: 0.16}}, nil
	case "pf-ode":
		return &PFODE{}, nil
	}
	return nil, fmt.Errorf("sampler: unknown name %q: want one of %s", s.Name, strings.Join(Names(), ", "))
}

// StepCount returns Steps, or the sampler's usual count when Steps is 0,
// capped at T for the discrete samplers.
func (s Spec) StepCount(T int) int {
	n := s.Steps
	if n == 0 {
		n = UsualSteps[s.Name]
	}
	if discrete(s.Name) && n > T {
		n = T
	}
	return n
}

// Sigmas returns the descending noise levels, ending in 0, that the
// sampler walks for a model trained on sch: for DDPM, DDIM and the VP SDE the σ of the
// training steps picked by Spacing (DiscreteSigmas); for the others the
// Karras et al. (2022) schedule between the smallest and largest training
// σ with exponent ρ.
func (s Spec) Sigmas(sch schedule.Schedule) ([]float64, error) {
	n := s.StepCount(sch.Steps())
	if n < 1 {
		return nil, fmt.Errorf("sampler %s: steps: want ≥ 1, got %d", s.Name, n)
	}
	top := sch.Sigma(sch.Steps() - 1)
	if s.SigmaMax != 0 {
		if !(s.SigmaMax > sch.Sigma(0)) {
			return nil, fmt.Errorf("sampler %s: sigma max %g: want 0 (the schedule's, %.4g) or above the smallest training σ %.4g", s.Name, s.SigmaMax, top, sch.Sigma(0))
		}
		top = min(top, s.SigmaMax)
	}
	switch {
	case s.Name == "pf-ode":
		// One interval from σ_max to σ_min, integrated adaptively, then
		// the final denoising step.
		return []float64{top, sch.Sigma(0), 0}, nil
	case discrete(s.Name):
		sp := s.Spacing
		if sp == "" {
			sp = schedule.Trailing
		}
		sig, err := DiscreteSigmas(sch, n, sp)
		if err != nil {
			return nil, err
		}
		return capSigmas(sig, top), nil
	}
	if _, err := s.Build(); err != nil {
		return nil, err
	}
	rho := s.Rho
	if rho == 0 {
		rho = 7
	}
	return schedule.KarrasSigmas(n, sch.Sigma(0), top, rho), nil
}

// capSigmas lowers the descending levels above top to top, keeping one
// of them: the steps that started above top become one step from top.
func capSigmas(sig []float64, top float64) []float64 {
	out := sig[:0:0]
	for i, v := range sig {
		if v > top {
			if i+1 < len(sig) && sig[i+1] >= top {
				continue // the next level is capped (or equal) too
			}
			v = top
		}
		out = append(out, v)
	}
	return out
}

// ItemWise reports whether each item's path depends on its initial noise
// alone, not on the other items of its batch nor on draws shared with
// them: true for Euler, Heun, DPM-Solver++(2M) and DDIM with η = 0. The
// ancestral and SDE samplers draw step noise from one stream for the whole
// batch, and the probability-flow ODE picks its step sizes from the error
// of the whole batch, so their items depend on how a run is batched.
func (s Spec) ItemWise() bool {
	switch s.Name {
	case "euler", "heun", "dpmpp2m":
		return true
	case "ddim":
		return s.Eta == 0
	}
	return false
}

// discrete reports whether the sampler visits training steps (DDPM, DDIM,
// the VP SDE and its predictor–corrector) rather than Karras levels.
func discrete(name string) bool {
	switch name {
	case "ddpm", "ddim", "vp-sde", "vp-pc":
		return true
	}
	return false
}

// Temp returns the temperature with 0 read as 1.
func (s Spec) Temp() float64 {
	if s.Temperature == 0 {
		return 1
	}
	return s.Temperature
}
