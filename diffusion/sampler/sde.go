package sampler

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// The SDE samplers of Song et al. (2021, "Score-based generative modeling
// through stochastic differential equations"): Euler–Maruyama steps of the
// reverse-time SDE (eq. 6), optionally followed by Langevin corrector steps
// (predictor–corrector, Algs. 2–3). The score comes from the x0 denoiser by
// Tweedie's formula in VE coordinates, ∇ₓ log p_σ(x) = (x0 − x)/σ².

// Langevin is the corrector of Song et al. (2021, Algs. 4–5): Steps rounds
// of annealed Langevin dynamics at the new noise level,
//
//	x ← x + ε·∇log p_σ(x) + √(2ε)·z,  ε = 2α·(r·‖z‖/‖∇log p_σ(x)‖)²,
//
// with r = SNR, α = 1 for VE and α = ᾱ_i/ᾱ_{i+1} = 1 − β_i for VP. As in
// the paper's code, ‖·‖ is the batch mean of the per-item Euclidean norms,
// so the step size depends on the batch (a per-item norm explodes near a
// mode, where the score vanishes). The zero value does nothing.
type Langevin struct {
	Steps int     // corrector steps after each predictor step; 0 disables
	SNR   float64 // r; the paper uses 0.16 for VE (CIFAR-10) and 0.01 for VP
}

// VESDE is Euler–Maruyama for the variance-exploding SDE dx = √(dσ²/dt)·dw
// (Song et al. 2021, eq. 9 and Alg. 2 without the corrector), the
// "reverse diffusion" predictor: from σ to σ',
//
//	x' = x + (σ² − σ'²)·∇log p_σ(x) + √(σ² − σ'²)·z,  z ~ N(0, I).
//
// The last step, to σ' = 0, returns the denoiser's x0 (the paper's final
// noise-free denoising step). Run it over a fine grid, e.g. 1000 geometric
// levels, or fewer with a Corrector.
type VESDE struct {
	Temperature float64  // scale of every injected z; the zero value means 1
	Corrector   Langevin // optional corrector after each step
}

// Step moves x from sigmas[i] to sigmas[i+1]; rng must be non-nil.
func (s VESDE) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, rng *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	x0, err := denoise("ve-sde", d, x, sigma, i)
	if err != nil {
		return nil, err
	}
	if next == 0 {
		return x0.Clone(), nil
	}
	temp := temperature(s.Temperature)
	r := next * next / (sigma * sigma)
	out := lin(r, x, 1-r, x0) // x + (σ²−σ'²)(x0−x)/σ²
	addNoise(out, temp*math.Sqrt(sigma*sigma-next*next), rng)
	return s.Corrector.correct("ve-sde", d, out, next, 1, temp, i, rng)
}

// VPSDE is Euler–Maruyama for the variance-preserving SDE
// dx_VP = −½β(t)·x_VP dt + √β(t)·dw (Song et al. 2021, eq. 11; the
// continuous DDPM). With b = ∫β dt over the step, which in σ terms is
// b = log((1+σ²)/(1+σ'²)) since ᾱ = 1/(1+σ²), the reverse step is
//
//	x'_VP = (1 + b/2)·x_VP + b·∇log p_VP(x_VP) + √b·z,
//
// taken in the VP variable x_VP = √ᾱ·x and mapped back, x' = x'_VP/√ᾱ',
// with ∇log p_VP = ((x0 − x)/σ²)/√ᾱ. The last step, to σ' = 0, returns x0.
// 1000 steps over DiscreteSigmas of a linear schedule is the paper's setting.
type VPSDE struct {
	Temperature float64  // scale of every injected z; the zero value means 1
	Corrector   Langevin // optional corrector after each step
}

// Step moves x from sigmas[i] to sigmas[i+1]; rng must be non-nil.
func (s VPSDE) Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, rng *tensor.RNG) (*tensor.Tensor, error) {
	sigma, next := sigmas[i], sigmas[i+1]
	x0, err := denoise("vp-sde", d, x, sigma, i)
	if err != nil {
		return nil, err
	}
	if next == 0 {
		return x0.Clone(), nil
	}
	temp := temperature(s.Temperature)
	sq, sqNext := 1/math.Sqrt(1+sigma*sigma), 1/math.Sqrt(1+next*next) // √ᾱ, √ᾱ'
	b := math.Log((1 + sigma*sigma) / (1 + next*next))
	// x'_VP = (1+b/2)·√ᾱ·x + b·(x0 − x)/(σ²√ᾱ) + √b·z, then ÷√ᾱ'.
	k := b / (sigma * sigma * sq)
	out := lin(((1+b/2)*sq-k)/sqNext, x, k/sqNext, x0)
	addNoise(out, temp*math.Sqrt(b)/sqNext, rng)
	return s.Corrector.correct("vp-sde", d, out, next, math.Exp(-b), temp, i, rng)
}

// correct runs c.Steps Langevin steps on x at noise level sigma.
func (c Langevin) correct(name string, d Denoiser, x *tensor.Tensor, sigma, alpha, temp float64, i int, rng *tensor.RNG) (*tensor.Tensor, error) {
	if c.Steps <= 0 {
		return x, nil
	}
	if !(c.SNR > 0) {
		return nil, fmt.Errorf("%s corrector: SNR: want > 0, got %g", name, c.SNR)
	}
	z := tensor.New(x.Shape...)
	for range c.Steps {
		x0, err := denoise(name+" corrector", d, x, sigma, i)
		if err != nil {
			return nil, err
		}
		score := lin(1/(sigma*sigma), x0, -1/(sigma*sigma), x) // (x0 − x)/σ²
		rng.FillNormal(z, 0, 1)
		gn, zn := meanNorm(score), meanNorm(z)
		if gn == 0 {
			continue // at the mode of every item: nothing to correct
		}
		eps := 2 * alpha * (c.SNR * zn / gn) * (c.SNR * zn / gn)
		x = lin(1, x, eps, score)
		noise := math.Sqrt(2*eps) * temp
		for j, v := range z.Data {
			x.Data[j] = float32(float64(x.Data[j]) + noise*float64(v))
		}
	}
	return x, nil
}

// meanNorm is the batch mean of the per-item Euclidean norms of x: (N, …).
func meanNorm(x *tensor.Tensor) float64 {
	n := 1
	if x.Rank() > 0 {
		n = x.Dim(0)
	}
	if n == 0 {
		return 0
	}
	per := x.Len() / n
	sum := 0.0
	for i := range n {
		s := 0.0
		for _, v := range x.Data[i*per : (i+1)*per] {
			s += float64(v) * float64(v)
		}
		sum += math.Sqrt(s)
	}
	return sum / float64(n)
}

// temperature maps the zero value of a Temperature field to 1.
func temperature(t float64) float64 {
	if t == 0 {
		return 1
	}
	return t
}
