package diffusion

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// ODELikelihood computes log p(x) through the probability-flow ODE
// (Song et al. 2021, §4.3 and appendix D.2; Chen et al. 2018; Grathwohl et
// al. 2018, "FFJORD"). In s = log σ the flow is dx/ds = F(x, σ) = x − D(x, σ)
// for the denoiser D, and the instantaneous change of variables gives
//
//	log p_{σmin}(x) = log π(x(σmax)) + ∫_{log σmin}^{log σmax} ∇·F(x(s), e^s) ds,
//
// integrating x and the divergence upwards from x(σmin) = x with
// sampler.DormandPrince. The prior π is N(0, PriorVar·I), by default
// 1 + σ_max², the law InitialNoise samples. ∇·F = Dim − tr(∂D/∂x) is
//
//   - exact when Probes is 0: D central differences along the axes,
//     (D(x + h·e_i) − D(x − h·e_i))_i/2h, for low dimension;
//   - Hutchinson's estimate otherwise: for each of Probes fixed random
//     vectors v with E[v·vᵀ] = I (Rademacher, or Gaussian), vᵀ(∂D/∂x)v ≈
//     vᵀ(D(x + h·v) − D(x − h·v))/2h. Each probe gives its own unbiased
//     estimate of log p; LogP is their mean.
//
// The step is h = Step·√(1+σ²), relative to the scale of x at level σ.
// All perturbed copies go through the denoiser in one batch per evaluation
// of F: N·(1 + 2D) items exact, N·(1 + 2·Probes) with probes.
//
// The result is log p_{σmin}, the density of the data blurred by σ_min; it
// converges to the data density as σ_min → 0. For 8-bit images compare
// bits per dimension after uniform dequantisation (see LogPToBitsPerDim).
type ODELikelihood struct {
	SigmaMin, SigmaMax float64 // integration range; zero values mean 0.002 and 80
	PriorVar           float64 // variance of the prior at σ_max; zero means 1 + σ_max²
	Probes             int     // Hutchinson probes per item; 0 means the exact trace
	Gaussian           bool    // Gaussian probes instead of Rademacher
	Step               float64 // relative finite-difference step; zero means 1e-3
	RTol, ATol         float64 // solver tolerances; zero values mean 1e-5
}

// ODEResult is the outcome of ODELikelihood.LogLikelihood.
type ODEResult struct {
	LogP      []float64   // (N) log p_{σmin}(x) in nats; the mean over probes
	ProbeLogP [][]float64 // (N, Probes) one estimate per probe; nil for the exact trace
	Prior     []float64   // (N) log π(x(σ_max))
	NFE       int         // evaluations of F, each one batched denoiser call
}

// LogLikelihood returns log p(x) for x: (N, …). rng draws the probes and
// may be nil for the exact trace. ctx is checked at every evaluation.
func (c ODELikelihood) LogLikelihood(ctx context.Context, d sampler.Denoiser, x *tensor.Tensor, rng *tensor.RNG) (res *ODEResult, err error) {
	defer tensor.Recover(&err)
	smin, smax, prior, step := c.SigmaMin, c.SigmaMax, c.PriorVar, c.Step
	if smin == 0 {
		smin = 0.002
	}
	if smax == 0 {
		smax = 80
	}
	if prior == 0 {
		prior = 1 + smax*smax
	}
	if step == 0 {
		step = 1e-3
	}
	if !(smin > 0 && smax > smin && prior > 0 && step > 0) || c.Probes < 0 {
		return nil, fmt.Errorf("ode likelihood: want 0 < sigma min %g < sigma max %g, prior variance %g > 0, step %g > 0, probes %d ≥ 0",
			smin, smax, prior, step, c.Probes)
	}
	if x.Rank() < 2 || x.Dim(0) == 0 {
		return nil, fmt.Errorf("ode likelihood: x: want (N, …) with N ≥ 1, got %s", tensor.FormatShape(x.Shape))
	}
	if c.Probes > 0 && rng == nil {
		return nil, fmt.Errorf("ode likelihood: %d probes need an rng", c.Probes)
	}
	n := x.Dim(0)
	dim := x.Len() / n
	// directions: (K, N·dim), the axes or the probes
	k := c.Probes
	var dirs [][]float32
	if k == 0 {
		k = dim
		dirs = make([][]float32, dim)
		for i := range dirs {
			dirs[i] = make([]float32, n*dim)
			for r := range n {
				dirs[i][r*dim+i] = 1
			}
		}
	} else {
		dirs = make([][]float32, k)
		for i := range dirs {
			dirs[i] = make([]float32, n*dim)
			for j := range dirs[i] {
				switch {
				case c.Gaussian:
					dirs[i][j] = float32(rng.Normal())
				case rng.Uniform() < 0.5:
					dirs[i][j] = -1
				default:
					dirs[i][j] = 1
				}
			}
		}
	}
	// groups: how many divergence accumulators per item
	groups := 1
	if c.Probes > 0 {
		groups = c.Probes
	}
	size := n * dim
	y := make([]float64, size+n*groups) // (x, Δ) with Δ: (N, groups)
	for j, v := range x.Data {
		y[j] = float64(v)
	}
	bshape := append([]int{n * (1 + 2*k)}, x.Shape[1:]...)
	batch := tensor.New(bshape...)
	f := func(s float64, y, dy []float64) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ode likelihood: %w", err)
		}
		sigma := math.Exp(s)
		h := step * math.Sqrt(1+sigma*sigma)
		for j := range size {
			batch.Data[j] = float32(y[j])
		}
		for i, dir := range dirs {
			plus := batch.Data[(1+2*i)*size : (2+2*i)*size]
			minus := batch.Data[(2+2*i)*size : (3+2*i)*size]
			for j := range size {
				plus[j] = float32(y[j] + h*float64(dir[j]))
				minus[j] = float32(y[j] - h*float64(dir[j]))
			}
		}
		out, err := d.Denoise(batch, sigma)
		if err != nil {
			return fmt.Errorf("ode likelihood (sigma %.4g): %w", sigma, err)
		}
		if !tensor.SameShape(out.Shape, batch.Shape) {
			return fmt.Errorf("ode likelihood: denoiser returned %s for %s", tensor.FormatShape(out.Shape), tensor.FormatShape(batch.Shape))
		}
		for j := range size {
			dy[j] = y[j] - float64(out.Data[j]) // F = x − D(x, σ)
		}
		acc := dy[size:]
		clear(acc)
		for i, dir := range dirs {
			plus := out.Data[(1+2*i)*size : (2+2*i)*size]
			minus := out.Data[(2+2*i)*size : (3+2*i)*size]
			g := 0 // which accumulator: the probe, or the single exact sum
			if c.Probes > 0 {
				g = i
			}
			for r := range n {
				tr := 0.0 // vᵀ(D(x+hv) − D(x−hv))/2h
				for j := r * dim; j < (r+1)*dim; j++ {
					if dir[j] != 0 {
						tr += float64(dir[j]) * (float64(plus[j]) - float64(minus[j]))
					}
				}
				acc[r*groups+g] -= tr / (2 * h)
			}
		}
		// ∇·F = dim − tr(∂D/∂x); for probes E[vᵀv] = dim as well, but
		// the probe's own vᵀv is the unbiased counterpart of its vᵀJv.
		for r := range n {
			for g := range groups {
				if c.Probes > 0 {
					vv := 0.0
					for j := r * dim; j < (r+1)*dim; j++ {
						vv += float64(dirs[g][j]) * float64(dirs[g][j])
					}
					acc[r*groups+g] += vv
				} else {
					acc[r*groups+g] += float64(dim)
				}
			}
		}
		return nil
	}
	st, err := sampler.DormandPrince{RTol: c.RTol, ATol: c.ATol}.Solve(f, math.Log(smin), math.Log(smax), y)
	res = &ODEResult{NFE: st.NFE}
	if err != nil {
		return nil, fmt.Errorf("ode likelihood: %w", err)
	}
	res.LogP, res.Prior = make([]float64, n), make([]float64, n)
	if c.Probes > 0 {
		res.ProbeLogP = make([][]float64, n)
	}
	for r := range n {
		sq := 0.0
		for _, v := range y[r*dim : (r+1)*dim] {
			sq += v * v
		}
		res.Prior[r] = -0.5 * (sq/prior + float64(dim)*math.Log(2*math.Pi*prior))
		mean := 0.0
		for g := range groups {
			lp := res.Prior[r] + y[size+r*groups+g]
			mean += lp / float64(groups)
			if c.Probes > 0 {
				res.ProbeLogP[r] = append(res.ProbeLogP[r], lp)
			}
		}
		res.LogP[r] = mean
	}
	return res, nil
}

// LogPToBitsPerDim converts log-densities (nats) of D-dimensional data scaled to
// [−1, 1] as y = (k + u)/128 − 1 from 8-bit values k with uniform noise
// u ∈ [0, 1) into bits per dimension of the discrete data:
// −log p/(D·ln 2) + log₂ 128 (the density of k + u is p(y)/128 per axis).
func LogPToBitsPerDim(logp []float64, dims int) []float64 {
	out := make([]float64, len(logp))
	for i, v := range logp {
		out[i] = -v/(float64(dims)*math.Ln2) + 7
	}
	return out
}
