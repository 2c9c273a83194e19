package sampler

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// Denoiser predicts the clean sample x0 from x at noise level sigma, in the
// variance-exploding view x = x0 + σ·ε (Karras et al. 2022, §2 and eq. 1).
// A model trained on a discrete VP schedule is adapted by calling it at
// x_VP = √ᾱ·x with ᾱ = 1/(1+σ²) and converting its output to x0
// (diffusion.EpsToX0, diffusion.VToX0).
type Denoiser interface {
	Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error)
}

// Sampler takes one step of a reverse-time solver: Step moves x from
// sigmas[i] to sigmas[i+1], calling d as often as its order needs. rng is
// used only by stochastic samplers and may be nil for the others.
type Sampler interface {
	Step(d Denoiser, x *tensor.Tensor, sigmas []float64, i int, rng *tensor.RNG) (*tensor.Tensor, error)
}

// Resetter is implemented by multistep samplers (DPM-Solver++ 2M) that keep
// history between steps; Run calls Reset before the first step.
type Resetter interface {
	Reset()
}

// Run integrates x from sigmas[0] down to sigmas[len(sigmas)−1] (usually 0)
// with s, one Step per interval. It checks ctx before every step, calls
// visit(i, x) after step i with the new x (visit may be nil) and returns the
// final sample. A shape panic inside d or s is returned as an error.
// x must already be at noise level sigmas[0]; see InitialNoise.
func Run(ctx context.Context, s Sampler, d Denoiser, x *tensor.Tensor, sigmas []float64, rng *tensor.RNG, visit func(i int, x *tensor.Tensor)) (out *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if len(sigmas) < 2 {
		return nil, fmt.Errorf("sampler: sigmas: want at least 2 noise levels, got %d", len(sigmas))
	}
	if r, ok := s.(Resetter); ok {
		r.Reset()
	}
	for i := range len(sigmas) - 1 {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("sampler: step %d of %d: %w", i, len(sigmas)-1, err)
		}
		x, err = s.Step(d, x, sigmas, i, rng)
		if err != nil {
			return nil, err
		}
		if visit != nil {
			visit(i, x)
		}
	}
	return x, nil
}

// InitialNoise returns x_T: (shape…) drawn from N(0, (1+σ_max²)·T²), where
// T is the temperature (1 for the usual sampler). The variance 1+σ_max² is
// the VP prior x_VP ~ N(0, I) seen in VE coordinates, x_VE = x_VP/√ᾱ; for
// unit-variance data it is also the exact VE marginal at σ_max.
func InitialNoise(rng *tensor.RNG, sigmaMax, temperature float64, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	rng.FillNormal(x, 0, temperature*math.Sqrt(1+sigmaMax*sigmaMax))
	return x
}

// DiscreteSigmas returns the noise levels σ_t = √((1−ᾱ_t)/ᾱ_t) of the n
// training steps that schedule.Timesteps picks from s with the given
// spacing, descending, followed by 0: n+1 values. This is how DDPM and
// DDIM (Song et al. 2021, §4.2) visit a subsequence of the T training steps.
func DiscreteSigmas(s schedule.Schedule, n int, spacing schedule.Spacing) ([]float64, error) {
	ts, err := schedule.Timesteps(s.Steps(), n, spacing)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n+1)
	for i, t := range ts {
		out[i] = s.Sigma(t)
	}
	return out, nil
}

// denoise calls d and checks that the prediction has x's shape.
func denoise(name string, d Denoiser, x *tensor.Tensor, sigma float64, i int) (*tensor.Tensor, error) {
	x0, err := d.Denoise(x, sigma)
	if err != nil {
		return nil, fmt.Errorf("%s step %d (sigma %.4g): %w", name, i, sigma, err)
	}
	if !tensor.SameShape(x0.Shape, x.Shape) {
		tensor.Shapef(name, [][]int{x.Shape, x0.Shape}, "denoiser returned a different shape")
	}
	return x0, nil
}

// lin returns a·x + b·y elementwise, computed in float64.
func lin(a float64, x *tensor.Tensor, b float64, y *tensor.Tensor) *tensor.Tensor {
	if !tensor.SameShape(x.Shape, y.Shape) {
		tensor.Shapef("sampler.lin", [][]int{x.Shape, y.Shape}, "shapes differ")
	}
	out := tensor.New(x.Shape...)
	for i := range out.Data {
		out.Data[i] = float32(a*float64(x.Data[i]) + b*float64(y.Data[i]))
	}
	return out
}

// addNoise adds std·z, z ~ N(0, I), to x in place.
func addNoise(x *tensor.Tensor, std float64, rng *tensor.RNG) {
	for i := range x.Data {
		x.Data[i] = float32(float64(x.Data[i]) + std*rng.Normal())
	}
}
