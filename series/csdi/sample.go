package csdi

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// EpsFunc predicts the noise ε̂ of the noisy cells x_t at diffusion step t;
// x and the result have the same length.
type EpsFunc func(x []float32, t int) ([]float32, error)

// Timesteps returns n of the T training steps, evenly spaced from T−1 down
// to 0 (all T, in reverse, when n ≥ T or n ≤ 0).
func Timesteps(T, n int) []int {
	if n <= 0 || n >= T {
		n = T
	}
	out := make([]int, n)
	for i := range out {
		if n == 1 {
			out[i] = T - 1
			continue
		}
		out[i] = int(math.Round(float64(T-1) * float64(n-1-i) / float64(n-1)))
	}
	return out
}

// Ancestral runs DDPM's ancestral sampler (Ho et al. 2020, Algorithm 2;
// CSDI's impute loop) from x = x_T ~ N(0, I), drawn from rng, down the
// steps ts (decreasing, from Timesteps), and returns x_0. At each step
// with ᾱ = ᾱ_t and ᾱ' = ᾱ of the next step (1 after the last):
//
//	x̂_0 = (x − √(1−ᾱ)·ε̂)/√ᾱ
//	x   ← √ᾱ'·β'/(1−ᾱ)·x̂_0 + √α'·(1−ᾱ')/(1−ᾱ)·x + √((1−ᾱ')/(1−ᾱ)·β')·z,
//
// with α' = ᾱ/ᾱ' and β' = 1 − α': the posterior q(x_{t'} | x_t, x̂_0)
// between the two levels. For consecutive steps this is CSDI's update
// (x − β_t/√(1−ᾱ_t)·ε̂)/√α_t + σ_t·z with σ_t² = β_t(1−ᾱ_{t−1})/(1−ᾱ_t);
// the last step returns x̂_0 without noise. With large set the noise
// variance is β' instead of the posterior's (1−ᾱ')/(1−ᾱ)·β' (DDPM's
// σ² = β_t, Ho et al. 2020, §3.2). The posterior's variance, CSDI's choice,
// leaves out the uncertainty of x̂_0 and makes samples too narrow when few
// steps are large ones (TestAncestralGaussian: standard deviation 0.65
// instead of 0.7 with CSDI's 50 steps); β' errs the other way, by less.
func Ancestral(ctx context.Context, s schedule.Schedule, ts []int, size int, eps EpsFunc, large bool, rng *tensor.RNG) ([]float32, error) {
	x := make([]float32, size)
	for i := range x {
		x[i] = float32(rng.Normal())
	}
	for i, t := range ts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if t < 0 || t >= s.Steps() {
			return nil, fmt.Errorf("csdi: step %d outside [0, %d)", t, s.Steps())
		}
		e, err := eps(x, t)
		if err != nil {
			return nil, fmt.Errorf("csdi: step %d: %w", t, err)
		}
		if len(e) != len(x) {
			return nil, fmt.Errorf("csdi: step %d: ε̂ has %d values, want %d", t, len(e), len(x))
		}
		ab, abPrev := s.AlphaBar(t), 1.0
		if i+1 < len(ts) {
			abPrev = s.AlphaBar(ts[i+1])
		}
		alpha := ab / abPrev
		beta := 1 - alpha
		cX0 := math.Sqrt(abPrev) * beta / (1 - ab)
		cXt := math.Sqrt(alpha) * (1 - abPrev) / (1 - ab)
		sigma := math.Sqrt((1 - abPrev) / (1 - ab) * beta)
		if large {
			sigma = math.Sqrt(beta)
		}
		sa, s1a := math.Sqrt(ab), math.Sqrt(1-ab)
		last := i+1 == len(ts)
		for j := range x {
			x0 := (float64(x[j]) - s1a*float64(e[j])) / sa
			if last {
				x[j] = float32(x0)
				continue
			}
			x[j] = float32(cX0*x0 + cXt*float64(x[j]) + sigma*rng.Normal())
		}
	}
	return x, nil
}
