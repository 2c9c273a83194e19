package restore

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// DenoiseOptions controls Denoise. The zero value gives 20 ancestral (DDPM)
// steps on the Karras schedule from σ_n to 0.002, one sample.
type DenoiseOptions struct {
	Sampler  sampler.Sampler // nil means sampler.DDPM{}, which draws posterior samples
	Steps    int             // reverse steps from σ_n; 0 means 20
	SigmaMin float64         // smallest non-zero level of the schedule; 0 means 0.002
	Rho      float64         // Karras ρ; 0 means 7
	Samples  int             // K posterior samples to average; 0 means 1
	Seed     uint64          // sample k uses tensor.NewRNG(Seed).Split(k)
	OneShot  bool            // return the denoiser's x0 at σ_n: one call, no sampling
	// Progress, when set, is told after every sampler step: the steps
	// done over all samples and their total (1 of 1 for OneShot). It does
	// not change the result.
	Progress func(step, total int)
}

func (o DenoiseOptions) withDefaults() DenoiseOptions {
	if o.Sampler == nil {
		o.Sampler = sampler.DDPM{}
	}
	if o.Steps == 0 {
		o.Steps = 20
	}
	if o.SigmaMin == 0 {
		o.SigmaMin = 0.002
	}
	if o.Rho == 0 {
		o.Rho = 7
	}
	if o.Samples == 0 {
		o.Samples = 1
	}
	return o
}

// steps returns the sampler steps Denoise takes from sigmaN over all its
// samples: what its Progress counts to (1 for OneShot).
func (o DenoiseOptions) steps(sigmaN float64) int {
	o = o.withDefaults()
	if o.OneShot {
		return 1
	}
	return o.Samples * (len(Sigmas(o.Steps, o.SigmaMin, sigmaN, o.Rho)) - 1)
}

// Sigmas returns the Karras et al. (2022, eq. 5) schedule of n steps from
// sigma down to sigmaMin, then 0. When sigma ≤ sigmaMin it returns the
// single step [sigma, 0].
func Sigmas(n int, sigmaMin, sigma, rho float64) []float64 {
	if sigma <= sigmaMin || n == 1 {
		return []float64{sigma, 0}
	}
	return schedule.KarrasSigmas(n, sigmaMin, sigma, rho)
}

// Denoise restores y = x + σ_n·z (any shape the denoiser accepts, usually
// images (N, C, H, W)) by treating y as the diffusion state at σ = σ_n and
// running the reverse process from there to 0 (the SDEdit start of Meng et
// al. 2022 at the noise level of the input). With a stochastic sampler
// each run is a draw from p(x | y); the mean of Samples draws approaches the
// posterior mean E[x | y], the minimum-MSE estimate, and the per-pixel
// error of a single draw is about twice that of the mean. OneShot returns
// the denoiser's own estimate of E[x | y] in one call.
func Denoise(ctx context.Context, d sampler.Denoiser, y *tensor.Tensor, sigmaN float64, opt DenoiseOptions) (out *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if !(sigmaN > 0) {
		return nil, fmt.Errorf("restore: denoise: sigma %g, want > 0", sigmaN)
	}
	opt = opt.withDefaults()
	if opt.Steps < 1 || opt.Samples < 1 {
		return nil, fmt.Errorf("restore: denoise: steps %d, samples %d: want ≥ 1", opt.Steps, opt.Samples)
	}
	if opt.OneShot {
		x0, err := d.Denoise(y, sigmaN)
		if err != nil {
			return nil, fmt.Errorf("restore: denoise at sigma %.4g: %w", sigmaN, err)
		}
		if opt.Progress != nil {
			opt.Progress(1, 1)
		}
		return x0, nil
	}
	sigmas := Sigmas(opt.Steps, opt.SigmaMin, sigmaN, opt.Rho)
	root := tensor.NewRNG(opt.Seed)
	var sum []float64
	steps := len(sigmas) - 1
	for k := range opt.Samples {
		var visit func(int, *tensor.Tensor)
		if opt.Progress != nil {
			visit = func(i int, _ *tensor.Tensor) { opt.Progress(k*steps+i+1, opt.Samples*steps) }
		}
		x, err := sampler.Run(ctx, opt.Sampler, d, y.Clone(), sigmas, root.Split(uint64(k)), visit)
		if err != nil {
			return nil, fmt.Errorf("restore: denoise sample %d of %d: %w", k+1, opt.Samples, err)
		}
		if opt.Samples == 1 {
			return x, nil
		}
		if sum == nil {
			sum = make([]float64, x.Len())
		}
		for i, v := range x.Data {
			sum[i] += float64(v)
		}
	}
	out = tensor.New(y.Shape...)
	for i := range sum {
		out.Data[i] = float32(sum[i] / float64(opt.Samples))
	}
	return out, nil
}
