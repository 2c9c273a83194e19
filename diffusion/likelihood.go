package diffusion

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// ReverseVariance is the fixed variance of the reverse step p(x_{t−1} | x_t).
type ReverseVariance string

// The two fixed choices of Ho et al. (2020, §3.2); both give the same
// bound up to a few percent at T = 1000.
const (
	SmallVariance ReverseVariance = "small" // β̃_t, the posterior variance: optimal for a point mass x0
	LargeVariance ReverseVariance = "large" // β_t: optimal for x0 ~ N(0, I)
)

// ELBO is the variational bound on the negative log-likelihood of 8-bit data
// (Ho et al. 2020, eq. 5 and §3.3), for a denoiser in the σ view run on the
// discrete VP schedule s with T steps t = 0 … T−1:
//
//	−log p(x0) ≤ KL(q(x_{T−1}|x0) ‖ N(0, I))                         prior
//	           + Σ_{t=1}^{T−1} KL(q(x_{t−1}|x_t, x0) ‖ p(x_{t−1}|x_t))   diffusion
//	           − log p(x0 | x_0)                                        decoder
//
// p(x_{t−1}|x_t) has the posterior mean (Posterior) with x0 replaced by the
// denoiser's prediction at σ_t from x_t/√ᾱ_t, and the fixed Variance. The
// decoder is the discretised Gaussian of DiscretizedGaussianLogLik centred
// on the prediction at t = 0 with variance exp(Posterior(s, 0).LogVariance)
// = β̃_1 for SmallVariance (as improved DDPM) and β_0 for LargeVariance. Each term is
// estimated with one draw of x_t per item and step, as in improved DDPM's
// calc_bpd_loop, so the result is a single-sample estimate of the bound.
//
// Terms > 0 evaluates only that many of the T−1 diffusion terms, for
// speed: t = 1 … T−1 is cut into Terms strata of equal width in log σ_t,
// one t is drawn uniformly in each (from the rng, before any noise, so
// every item of the batch shares the steps), and its term is weighted by
// the number of steps in its stratum. This stratified estimate is
// unbiased for the sum; its variance falls as the strata narrow. The prior and decoder terms are always exact
// and evaluated, so the denoiser is called Terms + 1 times.
type ELBO struct {
	Schedule schedule.Schedule
	Variance ReverseVariance // the zero value means SmallVariance
	Terms    int             // diffusion terms evaluated; 0 (or ≥ T−1) means all
}

// ELBOResult holds the bound per batch item in bits per dimension; Total is
// the sum of the other three.
type ELBOResult struct {
	Total, Prior, Diffusion, Decoder []float64 // (N)
}

// BitsPerDim evaluates the bound for x0: (N, …), 8-bit data scaled to
// [−1, 1] (values k/127.5 − 1), with denoiser d. It calls d T times on
// batches of x0's shape, checking ctx before each call.
func (e ELBO) BitsPerDim(ctx context.Context, d sampler.Denoiser, x0 *tensor.Tensor, rng *tensor.RNG) (res *ELBOResult, err error) {
	defer tensor.Recover(&err)
	s := e.Schedule
	if s == nil || s.Steps() < 2 {
		return nil, fmt.Errorf("elbo: schedule: want at least 2 steps")
	}
	if x0.Rank() < 2 || x0.Dim(0) == 0 {
		return nil, fmt.Errorf("elbo: x0: want (N, …) with N ≥ 1, got %s", tensor.FormatShape(x0.Shape))
	}
	variance := e.Variance
	if variance == "" {
		variance = SmallVariance
	}
	if variance != SmallVariance && variance != LargeVariance {
		return nil, fmt.Errorf("elbo: unknown variance %q: want small or large", variance)
	}
	n := x0.Dim(0)
	per := x0.Len() / n
	res = &ELBOResult{Total: make([]float64, n), Prior: make([]float64, n), Diffusion: make([]float64, n), Decoder: make([]float64, n)}
	toBits := 1 / (float64(per) * math.Ln2)

	// prior: KL(N(√ᾱ·x0, (1−ᾱ)I) ‖ N(0, I)) at the last step
	abT := s.AlphaBar(s.Steps() - 1)
	for i := range n {
		kl := 0.0
		for _, v := range x0.Data[i*per : (i+1)*per] {
			kl += NormalKL(math.Sqrt(abT)*float64(v), math.Log(1-abT), 0, 0)
		}
		res.Prior[i] = kl * toBits
	}
	if e.Terms < 0 {
		return nil, fmt.Errorf("elbo: terms %d: want ≥ 0 (0 = all)", e.Terms)
	}
	steps, weights := elboSteps(s, e.Terms, rng)
	eps := tensor.New(x0.Shape...)
	for k, t := range steps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("elbo: step %d: %w", t, err)
		}
		sigma := s.Sigma(t)
		rng.FillNormal(eps, 0, 1)
		xVE := tensor.New(x0.Shape...) // x0 + σ_t·ε = x_t/√ᾱ_t
		for j, v := range x0.Data {
			xVE.Data[j] = float32(float64(v) + sigma*float64(eps.Data[j]))
		}
		pred, err := d.Denoise(xVE, sigma)
		if err != nil {
			return nil, fmt.Errorf("elbo: step %d (sigma %.4g): %w", t, sigma, err)
		}
		if !tensor.SameShape(pred.Shape, x0.Shape) {
			return nil, fmt.Errorf("elbo: step %d: denoiser returned %s for %s", t, tensor.FormatShape(pred.Shape), tensor.FormatShape(x0.Shape))
		}
		p := Posterior(s, t)
		if t == 0 {
			logVar := p.LogVariance
			if variance == LargeVariance {
				logVar = math.Log(s.Beta(0))
			}
			for i := range n {
				nll := 0.0
				for j := i * per; j < (i+1)*per; j++ {
					nll -= DiscretizedGaussianLogLik(float64(x0.Data[j]), float64(pred.Data[j]), 0.5*logVar)
				}
				res.Decoder[i] = nll * toBits
			}
			continue
		}
		logVar := p.LogVariance
		if variance == LargeVariance {
			logVar = math.Log(s.Beta(t))
		}
		for i := range n {
			kl := 0.0
			for j := i * per; j < (i+1)*per; j++ {
				// the means differ only through x0: CoefX0·(x0 − x̂0)
				kl += NormalKL(p.CoefX0*(float64(x0.Data[j])-float64(pred.Data[j])), p.LogVariance, 0, logVar)
			}
			res.Diffusion[i] += weights[k] * kl * toBits
		}
	}
	for i := range n {
		res.Total[i] = res.Prior[i] + res.Diffusion[i] + res.Decoder[i]
	}
	return res, nil
}

// Calls returns the denoiser calls BitsPerDim makes for one batch: one per
// step of the bound it evaluates (every step of the schedule, or Terms
// drawn steps and the decoder step 0).
func (e ELBO) Calls() int {
	steps := e.Schedule.Steps()
	if e.Terms <= 0 || e.Terms >= steps-1 {
		return steps
	}
	return e.Terms + 1
}

// elboSteps returns the steps at which BitsPerDim evaluates the bound, from
// T−1 down to 0, and the weight of each diffusion term: every step with
// weight 1 when terms is 0 or ≥ T−1, otherwise one step drawn uniformly
// from each of terms strata of 1 … T−1, weighted by the stratum's size.
// The strata are of equal width in log σ_t, not in t, because the terms
// change fastest at small t (where the first steps dominate the bound);
// each holds at least one step. Step 0 (the decoder) is always last.
func elboSteps(s schedule.Schedule, terms int, rng *tensor.RNG) ([]int, []float64) {
	steps := s.Steps()
	var ts []int
	var ws []float64
	if terms <= 0 || terms >= steps-1 {
		for t := steps - 1; t >= 0; t-- {
			ts = append(ts, t)
			ws = append(ws, 1)
		}
		return ts, ws
	}
	// bounds[k] is the first step of stratum k; bounds[terms] = T.
	bounds := make([]int, terms+1)
	bounds[0], bounds[terms] = 1, steps
	lo, hi := math.Log(s.Sigma(1)), math.Log(s.Sigma(steps-1))
	t := 1
	for k := 1; k < terms; k++ {
		edge := lo + float64(k)/float64(terms)*(hi-lo)
		for t < steps-1 && math.Log(s.Sigma(t)) < edge {
			t++
		}
		bounds[k] = min(max(t, bounds[k-1]+1), steps-(terms-k)) // non-empty, room for the rest
	}
	for k := terms - 1; k >= 0; k-- {
		a, b := bounds[k], bounds[k+1]
		ts = append(ts, a+rng.Intn(b-a))
		ws = append(ws, float64(b-a))
	}
	return append(ts, 0), append(ws, 1)
}

// NormalKL is KL(N(m1, e^{logv1}) ‖ N(m2, e^{logv2})) in nats for scalars:
// ½·(logv2 − logv1 + (e^{logv1} + (m1 − m2)²)/e^{logv2} − 1).
func NormalKL(m1, logv1, m2, logv2 float64) float64 {
	d := m1 - m2
	return 0.5 * (logv2 - logv1 + math.Exp(logv1-logv2) + d*d*math.Exp(-logv2) - 1)
}

// DiscretizedGaussianLogLik is log P(x) in nats for one value x of 8-bit
// data scaled to [−1, 1] under N(mean, e^{2·logScale}) discretised into
// 256 bins of width 2/255 centred on the data values (Ho et al. 2020,
// eq. 13): the probability of [x − 1/255, x + 1/255], with the first bin
// extended to −∞ and the last to +∞. It is computed with erfc on the
// side of the mean where the bin lies, so far tails keep their precision,
// and floored at 10⁻³⁰⁰.
func DiscretizedGaussianLogLik(x, mean, logScale float64) float64 {
	inv := math.Exp(-logScale)
	lo, hi := math.Inf(-1), math.Inf(1)
	if x > -0.999 {
		lo = (x - 1.0/255 - mean) * inv
	}
	if x < 0.999 {
		hi = (x + 1.0/255 - mean) * inv
	}
	return math.Log(max(normalMass(lo, hi), 1e-300))
}

// normalMass is Φ(b) − Φ(a) for a ≤ b, accurate in both tails.
func normalMass(a, b float64) float64 {
	if a+b > 0 { // the bin lies mostly above the mean: use upper tails
		return 0.5 * (math.Erfc(a/math.Sqrt2) - math.Erfc(b/math.Sqrt2))
	}
	return 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
}
