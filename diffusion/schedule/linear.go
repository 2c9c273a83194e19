package schedule

import "math"

// Linear is the DDPM schedule (Ho et al. 2020, §4): betas evenly spaced from
// BetaStart to BetaEnd (1e-4 to 0.02 for T = 1000).
type Linear struct {
	*Discrete
	BetaStart, BetaEnd float64
}

// NewLinear returns the linear schedule with T betas linspace(start, end, T),
// computed in float64 exactly as torch.linspace does (see torchLinspace).
func NewLinear(T int, betaStart, betaEnd float64) *Linear {
	return &Linear{Discrete: NewDiscrete(torchLinspace(betaStart, betaEnd, T)), BetaStart: betaStart, BetaEnd: betaEnd}
}

// torchLinspace returns n values evenly spaced from start to end inclusive,
// computed like torch.linspace: with step = (end−start)/(n−1), the first
// half is start + i·step and the second half end − (n−1−i)·step, so both
// ends are exact.
func torchLinspace(start, end float64, n int) []float64 {
	out := make([]float64, n)
	if n == 1 {
		out[0] = start
		return out
	}
	step := (end - start) / float64(n-1)
	half := n / 2
	for i := range out {
		if i < half {
			out[i] = start + step*float64(i)
		} else {
			out[i] = end - step*float64(n-1-i)
		}
	}
	return out
}

// AlphaBarAt is the continuous-time limit of the linear schedule, the VP SDE
// of Song et al. (2021, eq. 32): with β(u) = T·(BetaStart + u·(BetaEnd −
// BetaStart)), ᾱ(u) = exp(−∫₀ᵘ β(s) ds) = exp(−T·(BetaStart·u +
// ½(BetaEnd − BetaStart)·u²)). −log ᾱ(1) equals Σ_t β_t exactly; the
// discrete ᾱ_t is smaller by the O(β²) terms of log(1 − β).
func (l *Linear) AlphaBarAt(u float64) float64 {
	T := float64(l.Steps())
	return math.Exp(-T * (l.BetaStart*u + 0.5*(l.BetaEnd-l.BetaStart)*u*u))
}
