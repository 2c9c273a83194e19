package sampler

import "github.com/diffusego/diffusego/tensor"

// Euler is Algorithm 2 of Karras et al. (2022) without churn: a first-order
// step of the probability-flow ODE dx/dσ = (x − x0)/σ. It is deterministic
// and, in σ form, identical to DDIM with η = 0 (Song et al. 2021).
type Euler struct{}

// Step moves x from sigmas[i] to sigmas[i+1]: x + (σ' − σ)·(x − x0)/σ.
func (Euler) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, _ *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	x0, err := denoise("euler", d, x, sigma, i)
	if err != nil {
		return nil, err
	}
	// x + (σ'−σ)(x−x0)/σ = (σ'/σ)·x + (1 − σ'/σ)·x0
	r := next / sigma
	return lin(r, x, 1-r, x0), nil
}
