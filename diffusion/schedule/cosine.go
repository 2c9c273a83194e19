package schedule

import "math"

// Cosine is the schedule of improved DDPM (Nichol & Dhariwal 2021, eq. 17):
// ᾱ(u) = f(u)/f(0) with f(u) = cos²((u + s)/(1 + s) · π/2) and u = t/T.
// Step t (0-based) ends at u = (t+1)/T, so before clipping
// AlphaBar(t) = f((t+1)/T)/f(0). Betas are clipped at 0.999 to avoid the
// singularity at u = 1 (eq. 17's remark), which changes only the last steps.
type Cosine struct {
	*Discrete
	S float64 // offset s, 0.008 in the paper
}

// NewCosine returns the cosine schedule with T steps and offset s.
func NewCosine(T int, s float64) *Cosine { return newCosine(T, s, 0.999) }

func newCosine(T int, s, maxBeta float64) *Cosine {
	c := &Cosine{S: s}
	c.Discrete = NewDiscrete(betasFromAlphaBar(T, c.AlphaBarAt, maxBeta))
	return c
}

// AlphaBarAt is the unclipped continuous ᾱ(u) = f(u)/f(0), u ∈ [0, 1].
func (c *Cosine) AlphaBarAt(u float64) float64 { return c.f(u) / c.f(0) }

func (c *Cosine) f(u float64) float64 {
	x := math.Cos((u + c.S) / (1 + c.S) * math.Pi / 2)
	return x * x
}
