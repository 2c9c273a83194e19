package sampler

import "github.com/diffusego/diffusego/tensor"

// DDPM is ancestral sampling from the posterior q(x_{t'} | x_t, x0) of Ho et
// al. (2020, eqs. 6–7) with the small fixed variance β̃, x0 predicted by the
// denoiser. In VE coordinates (x = x_VP/√ᾱ, σ² = (1−ᾱ)/ᾱ) the posterior
// between any two levels σ > σ' is
//
//	mean = x0 + (σ'²/σ²)·(x − x0),  variance = σ'²·(1 − σ'²/σ²),
//
// which is β̃_t/ᾱ_{t−1} for consecutive training steps and DDIM with η = 1
// for a subsequence (Song et al. 2021, §4.1); it is also k-diffusion's
// sample_euler_ancestral with eta 1. The last step, to σ' = 0, returns x0
// with no noise. Run it over DiscreteSigmas(s, T, …) for the original
// 1000-step sampler.
type DDPM struct {
	Temperature float64 // scale of the injected noise; the zero value means 1
}

// Step moves x from sigmas[i] to sigmas[i+1]; rng must be non-nil.
func (s DDPM) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, rng *tensor.RNG) (*tensor.Tensor, error) {
	return ancestral("ddpm", 1, s.Temperature, d, x, sigmas, i, rng)
}
