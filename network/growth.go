package network

import (
	"fmt"
	"math"
)

// GrowthFit is the early exponential growth of an incidence curve: a
// log-linear Poisson regression log μ_t = a + r·t over days First…Last
// (1-based, inclusive), fitted by Newton's method.
//
// The interval of r is Wald's, ±1.96 standard errors, with the standard
// error scaled by √φ when the Pearson dispersion φ = Σ(y−μ)²/μ / (n−2)
// exceeds 1 (quasi-Poisson). R0 follows from r for the discrete-time SIR
// of SIRFit, whose early cases grow by the factor 1 + (R0 − 1)/D a day:
// R0 = 1 + (e^r − 1)·D (for small r the continuous-time SIR relation
// R0 = 1 + r·D of Wallinga & Lipsitch 2007). D must come from elsewhere
// (the SIR fit or the serial interval), and the interval of R0 carries only
// the uncertainty of r.
type GrowthFit struct {
	First, Last    int
	A, R           float64 // intercept (at day First) and growth rate per day
	RLo, RHi       float64 // 95% interval of r
	Dispersion     float64 // Pearson φ
	Doubling       float64 // ln 2 / r, days (+Inf when r ≤ 0)
	D              float64 // the infectious period used for R0
	R0, R0Lo, R0Hi float64
	Deviance       float64 // Poisson deviance over the window
}

// EarlyWindow returns the automatic growth window of y (0-based, inclusive):
// from the first day with a case to the first day on which the trailing
// 7-day mean reaches a quarter of its maximum, and at least 7 days long when the
// data allow.
func EarlyWindow(y []float64) (first, last int) {
	first = -1
	for t, v := range y {
		if v > 0 {
			first = t
			break
		}
	}
	if first < 0 {
		return 0, len(y) - 1
	}
	mean := make([]float64, len(y))
	peak := 0.0
	for t := range y {
		s, n := 0.0, 0
		for u := max(0, t-6); u <= t; u++ {
			s += y[u]
			n++
		}
		mean[t] = s / float64(n)
		peak = max(peak, mean[t])
	}
	last = len(y) - 1
	for t := first; t < len(y); t++ {
		if mean[t] >= peak/4 {
			last = t
			break
		}
	}
	return first, min(max(last, first+6), len(y)-1)
}

// FitGrowth fits the early growth of y over the window of EarlyWindow, or
// over days first+1…first+days when days > 0, and converts the growth rate
// to R0 with the infectious period d (days, ≥ 1).
func FitGrowth(y []float64, days int, d float64) (*GrowthFit, error) {
	if !(d >= 1) {
		return nil, fmt.Errorf("network: growth fit: infectious period: want ≥ 1 day, got %v", d)
	}
	first, last := EarlyWindow(y)
	if days > 0 {
		last = first + days - 1
	}
	if last >= len(y) || last-first+1 < 3 {
		return nil, fmt.Errorf("network: growth fit: window of days %d…%d: want at least 3 days within the %d observed", first+1, last+1, len(y))
	}
	win := y[first : last+1]
	n := len(win)
	tc := float64(n-1) / 2 // centre t for a well-conditioned Newton step
	total := 0.0
	for _, v := range win {
		total += v
	}
	if total == 0 {
		return nil, fmt.Errorf("network: growth fit: no cases in days %d…%d", first+1, last+1)
	}
	a, r := math.Log(total/float64(n)), 0.0
	ll := func(a, r float64) float64 {
		s := 0.0
		for i, v := range win {
			eta := a + r*(float64(i)-tc)
			s += v*eta - math.Exp(eta)
		}
		return s
	}
	var h00, h01, h11 float64
	for range 100 {
		var g0, g1 float64
		h00, h01, h11 = 0, 0, 0
		for i, v := range win {
			x := float64(i) - tc
			m := math.Exp(a + r*x)
			g0 += v - m
			g1 += (v - m) * x
			h00 += m
			h01 += m * x
			h11 += m * x * x
		}
		det := h00*h11 - h01*h01
		da, dr := (h11*g0-h01*g1)/det, (h00*g1-h01*g0)/det
		cur := ll(a, r)
		step := 1.0
		for ll(a+step*da, r+step*dr) < cur && step > 1e-8 {
			step /= 2
		}
		a, r = a+step*da, r+step*dr
		if math.Abs(step*da)+math.Abs(step*dr) < 1e-12 {
			break
		}
	}
	f := &GrowthFit{First: first + 1, Last: last + 1, R: r, A: a - r*tc, D: d}
	mu := make([]float64, n)
	pearson := 0.0
	for i, v := range win {
		mu[i] = math.Exp(a + r*(float64(i)-tc))
		pearson += (v - mu[i]) * (v - mu[i]) / mu[i]
	}
	f.Deviance = deviance(win, mu, 0)
	f.Dispersion = pearson / float64(max(n-2, 1))
	varR := h00 / (h00*h11 - h01*h01) // (H⁻¹)_rr
	se := math.Sqrt(varR * max(f.Dispersion, 1))
	f.RLo, f.RHi = r-1.96*se, r+1.96*se
	f.Doubling = math.Inf(1)
	if r > 0 {
		f.Doubling = math.Ln2 / r
	}
	toR0 := func(r float64) float64 { return 1 + math.Expm1(r)*d }
	f.R0, f.R0Lo, f.R0Hi = toR0(r), toR0(f.RLo), toR0(f.RHi)
	return f, nil
}

// EarlyDevianceOver sets fit.EarlyDeviance to the Poisson deviance of the SIR
// fit over the growth window of g, so the two fits compare on the same days.
func (fit *SIRFit) EarlyDevianceOver(y []float64, g *GrowthFit) float64 {
	fit.EarlyDeviance = deviance(y[g.First-1:g.Last], fit.Fitted[g.First-1:g.Last], 0)
	return fit.EarlyDeviance
}
