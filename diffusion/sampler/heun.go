package sampler

import "github.com/diffusego/diffusego/tensor"

// Heun is Algorithm 2 of Karras et al. (2022) without churn: the
// second-order (trapezoidal) step of the probability-flow ODE
// dx/dσ = (x − x0)/σ. Each step costs two denoiser calls, except the last
// one to σ = 0, which is a plain Euler step (the slope is undefined there).
type Heun struct{}

// Step moves x from sigmas[i] to sigmas[i+1].
func (Heun) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, _ *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	x0, err := denoise("heun", d, x, sigma, i)
	if err != nil {
		return nil, err
	}
	slope := lin(1/sigma, x, -1/sigma, x0) // d_i = (x − x0)/σ
	xe := lin(1, x, next-sigma, slope)     // Euler predictor
	if next == 0 {
		return xe, nil
	}
	x0e, err := denoise("heun", d, xe, next, i)
	if err != nil {
		return nil, err
	}
	slope2 := lin(1/next, xe, -1/next, x0e) // d'_i at σ'
	avg := lin(0.5, slope, 0.5, slope2)     // (d_i + d'_i)/2
	return lin(1, x, next-sigma, avg), nil  // x + (σ'−σ)·avg
}
