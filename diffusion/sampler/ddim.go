package sampler

import (
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// DDIM is the sampler of Song et al. (2021, eq. 12) written in σ form.
// With ᾱ = 1/(1+σ²) the VP update
//
//	x_{t'} = √ᾱ'·x0 + √(1−ᾱ'−s²)·ε̂ + s·z,  s = η·√((1−ᾱ')/(1−ᾱ))·√(1−ᾱ/ᾱ'),
//
// divided by √ᾱ' becomes, for x = x0 + σ·ε̂ and z ~ N(0, I),
//
//	x' = x0 + σ_down·ε̂ + σ_up·z,  σ_up = η·(σ'/σ)·√(σ²−σ'²),  σ_down = √(σ'²−σ_up²),
//
// which is also k-diffusion's ancestral step with eta. η = 0 is the
// deterministic DDIM (equal to Euler in σ form); η = 1 is DDPM (see DDPM).
type DDIM struct {
	Eta         float64 // η ≥ 0; 0 is deterministic
	Temperature float64 // scale of the injected noise z; the zero value means 1
}

// Step moves x from sigmas[i] to sigmas[i+1]; rng must be non-nil when η > 0.
func (s DDIM) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, rng *tensor.RNG) (*tensor.Tensor, error) {
	return ancestral("ddim", s.Eta, s.Temperature, d, x, sigmas, i, rng)
}

// ancestral is the shared DDIM/DDPM step in σ form.
func ancestral(name string, eta, temp float64, d Denoiser, x *tensor.Tensor, sigmas []float64, i int, rng *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	x0, err := denoise(name, d, x, sigma, i)
	if err != nil {
		return nil, err
	}
	up := 0.0
	if eta > 0 && next > 0 {
		up = min(next, eta*next/sigma*math.Sqrt(sigma*sigma-next*next))
	}
	down := math.Sqrt(next*next - up*up)
	// x0 + σ_down·(x − x0)/σ
	r := down / sigma
	out := lin(r, x, 1-r, x0)
	if up > 0 {
		if temp == 0 {
			temp = 1
		}
		addNoise(out, temp*up, rng)
	}
	return out, nil
}
