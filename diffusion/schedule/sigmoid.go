package schedule

import "math"

// Sigmoid is the sigmoid schedule of Jabri et al. (2022, "Scalable Adaptive
// Computation for Iterative Generation", algorithm 3), in continuous time:
//
//	ᾱ(u) = (v_end − sig((u·(end − start) + start)/τ)) / (v_end − v_start),
//
// with sig the logistic function, v_start = sig(start/τ), v_end = sig(end/τ),
// and ᾱ clipped below at 1e-9 as in the paper. Defaults start = −3, end = 3,
// τ = 1. The discrete betas follow as for Cosine,
// β_t = min(1 − ᾱ((t+1)/T)/ᾱ(t/T), maxBeta).
//
// This is not diffusers' beta_schedule="sigmoid", which spaces the betas
// themselves along a sigmoid: β = sig(linspace(−6, 6, T))·(β_end−β_start)+β_start.
type Sigmoid struct {
	*Discrete
	Start, End, Tau float64
}

// NewSigmoid returns the sigmoid schedule with T steps; maxBeta clips the
// betas (0.999 as for Cosine).
func NewSigmoid(T int, start, end, tau, maxBeta float64) *Sigmoid {
	s := &Sigmoid{Start: start, End: end, Tau: tau}
	s.Discrete = NewDiscrete(betasFromAlphaBar(T, s.AlphaBarAt, maxBeta))
	return s
}

// AlphaBarAt is the continuous ᾱ(u), u ∈ [0, 1], clipped to [1e-9, 1].
func (s *Sigmoid) AlphaBarAt(u float64) float64 {
	vStart, vEnd := logistic(s.Start/s.Tau), logistic(s.End/s.Tau)
	out := (vEnd - logistic((u*(s.End-s.Start)+s.Start)/s.Tau)) / (vEnd - vStart)
	return min(max(out, 1e-9), 1)
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
