package diffusion

import (
	"math"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// QSample draws x_t ~ q(x_t | x_0) given the noise: x_t = √ᾱ·x_0 + √(1−ᾱ)·ε
// (Ho et al. 2020, eq. 4). x0 and eps have the same shape (N, …) and
// alphaBar holds one ᾱ per batch item. It panics with a *tensor.ShapeError
// when the shapes differ or len(alphaBar) ≠ N.
func QSample(x0, eps *tensor.Tensor, alphaBar []float64) *tensor.Tensor {
	return combine("QSample", x0, eps, alphaBar, func(ab float64) (float64, float64) {
		return math.Sqrt(ab), math.Sqrt(1 - ab)
	})
}

// combine returns a·ca + b·cb per batch item, with (ca, cb) = coef(ᾱ_i)
// computed in float64. Every map between x_t, x_0, ε and v is of this form.
func combine(op string, a, b *tensor.Tensor, alphaBar []float64, coef func(ab float64) (float64, float64)) *tensor.Tensor {
	if !tensor.SameShape(a.Shape, b.Shape) {
		tensor.Shapef(op, [][]int{a.Shape, b.Shape}, "shapes differ")
	}
	if a.Rank() == 0 || a.Shape[0] != len(alphaBar) {
		tensor.Shapef(op, [][]int{a.Shape, {len(alphaBar)}}, "want one alphaBar per batch item")
	}
	out := tensor.ZerosLike(a)
	n := len(alphaBar)
	per := 0
	if n > 0 {
		per = a.Len() / n
	}
	for i, ab := range alphaBar {
		ca, cb := coef(ab)
		lo, hi := i*per, (i+1)*per
		for j := lo; j < hi; j++ {
			out.Data[j] = float32(ca*float64(a.Data[j]) + cb*float64(b.Data[j]))
		}
	}
	return out
}

// PosteriorCoef holds the closed form of q(x_{t−1} | x_t, x_0) (Ho et al.
// 2020, eqs. 6–7): the mean is CoefX0·x_0 + CoefXt·x_t and the variance
// β̃_t = β_t(1−ᾱ_{t−1})/(1−ᾱ_t).
type PosteriorCoef struct {
	CoefX0      float64 // β_t·√ᾱ_{t−1}/(1−ᾱ_t)
	CoefXt      float64 // (1−ᾱ_{t−1})·√α_t/(1−ᾱ_t)
	Variance    float64 // β̃_t; 0 at t = 0
	LogVariance float64 // log β̃_t, with β̃_0 replaced by β̃_1 as in DDPM's posterior_log_variance_clipped
}

// Posterior returns the coefficients of q(x_{t−1} | x_t, x_0) for step t of
// s, with ᾱ_{−1} = 1 so that at t = 0 the mean is x_0 and the variance 0.
// The clipped log-variance at t = 0 uses β̃_1 (it is −Inf when s has one step).
func Posterior(s schedule.Schedule, t int) PosteriorCoef {
	beta, ab := s.Beta(t), s.AlphaBar(t)
	abPrev := 1.0
	if t > 0 {
		abPrev = s.AlphaBar(t - 1)
	}
	p := PosteriorCoef{
		CoefX0:   beta * math.Sqrt(abPrev) / (1 - ab),
		CoefXt:   (1 - abPrev) * math.Sqrt(1-beta) / (1 - ab),
		Variance: beta * (1 - abPrev) / (1 - ab),
	}
	switch {
	case t > 0:
		p.LogVariance = math.Log(p.Variance)
	case s.Steps() > 1:
		p.LogVariance = math.Log(Posterior(s, 1).Variance)
	default:
		p.LogVariance = math.Inf(-1)
	}
	return p
}

// Mean is the posterior mean CoefX0·x0 + CoefXt·xt for tensors of one shape.
func (p PosteriorCoef) Mean(x0, xt *tensor.Tensor) *tensor.Tensor {
	n := 1
	if x0.Rank() > 0 {
		n = x0.Shape[0]
	}
	ab := make([]float64, n) // one step for the whole batch; ᾱ is unused
	return combine("Posterior.Mean", x0, xt, ab, func(float64) (float64, float64) { return p.CoefX0, p.CoefXt })
}
