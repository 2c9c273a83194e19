package network

import (
	"fmt"
	"math"
)

// Likelihoods for FitSIR.
const (
	Poisson = "poisson" // y_t ~ Poisson(μ_t)
	NegBin  = "negbin"  // y_t ~ NB(mean μ_t, size k): variance μ + μ²/k, k fitted
)

// FitOptions say which SIR parameters are fixed. Zero values mean fitted.
type FitOptions struct {
	Likelihood string  // Poisson (default) or NegBin
	N          float64 // population size; 0: fitted, as an effective susceptible population
	D          float64 // mean infectious period 1/γ in days (≥ 1); 0: fitted
}

// SIRFit is a maximum-likelihood fit of the deterministic discrete-time SIR
// model to daily incidence y_1…y_T.
//
// The model (the mean of the chain-binomial SIR, one step per day) starts
// with I0 infectious and N − I0 susceptible people on day 0 and goes
//
//	μ_t = S_{t−1}·(1 − exp(−β·I_{t−1}/N))   new cases on day t
//	S_t = S_{t−1} − μ_t,   I_t = I_{t−1} + μ_t − I_{t−1}/D
//
// with β = R0/D, so that while S ≈ N each case causes R0 others over its
// infectious period of mean D days. μ_t is the expected observed incidence
// on day t. With N fitted, N is the effective susceptible population (it
// sets the final size and so the turn-over of the curve); it is bounded
// below by the cases observed plus I0.
//
// R0Lo and R0Hi are the 95% profile-likelihood interval: the R0 values
// where 2(ℓ̂ − max ℓ | R0) = χ²₁(0.95) = 3.841, the other parameters
// re-fitted at each R0; a bound is 0 or +Inf when the profile stays within
// the threshold over a 100-fold range of R0.
//
// D is the mean generation time of the model as well as the mean infectious
// period (infections spread evenly over a geometric infectious period of
// mean D give generations of mean D), so fixing D at an outbreak's
// serial-interval mean is the usual way to make R0 identifiable: with D
// free, R0 and D trade off and the fit can run off to large values of both.
type SIRFit struct {
	Likelihood     string
	R0, R0Lo, R0Hi float64
	D, I0, N       float64
	K              float64 // negative-binomial size (NegBin only; 0 for Poisson)
	LogLik         float64
	Deviance       float64   // 2(ℓ_saturated − ℓ̂) under the fitted likelihood, all days
	EarlyDeviance  float64   // Poisson deviance over the growth window of Growth
	Params         int       // number of fitted parameters
	Fitted         []float64 // μ_t, t = 1…T
}

// sirParams are the natural parameters of the model.
type sirParams struct{ r0, d, i0, n, k float64 }

// sirIncidence writes μ_t for t = 1…len(mu).
func sirIncidence(p sirParams, mu []float64) {
	s, i := p.n-p.i0, p.i0
	beta := p.r0 / p.d
	for t := range mu {
		inc := s * -math.Expm1(-beta*i/p.n)
		s, i = s-inc, i+inc-i/p.d
		mu[t] = inc
	}
}

// logLik is the log-likelihood of counts y under means mu: Poisson when
// k == 0, else negative binomial with size k.
func logLik(y, mu []float64, k float64) float64 {
	ll := 0.0
	for t, yt := range y {
		m := max(mu[t], 1e-12)
		if k == 0 {
			lg, _ := math.Lgamma(yt + 1)
			ll += yt*math.Log(m) - m - lg
			continue
		}
		a, _ := math.Lgamma(yt + k)
		b, _ := math.Lgamma(k)
		c, _ := math.Lgamma(yt + 1)
		ll += a - b - c + k*math.Log(k/(k+m)) + yt*math.Log(m/(k+m))
	}
	return ll
}

// deviance is 2 Σ [ℓ(y_t | μ = y_t) − ℓ(y_t | μ_t)] (Poisson when k == 0,
// else negative binomial of size k).
func deviance(y, mu []float64, k float64) float64 {
	d := 0.0
	for t, yt := range y {
		m := max(mu[t], 1e-12)
		ylog := 0.0
		if yt > 0 {
			ylog = yt * math.Log(yt/m)
		}
		if k == 0 {
			d += 2 * (ylog - (yt - m))
		} else {
			d += 2 * (ylog - (yt+k)*math.Log((yt+k)/(m+k)))
		}
	}
	return d
}

// maxLogK caps log k of the negative binomial.
const maxLogK = 18.4

// chi2_95 is the 95% quantile of χ² with one degree of freedom.
const chi2_95 = 3.841458820694124

// sirProblem maps the free parameter vector to sirParams: x holds
// log R0, then log(D − 1), log I0, log(N − C − I0), log k for those fitted
// (C the total observed cases).
type sirProblem struct {
	y    []float64
	opt  FitOptions
	c    float64
	mu   []float64
	negb bool
}

func (pr *sirProblem) params(logR0 float64, x []float64) sirParams {
	p := sirParams{r0: math.Exp(logR0)}
	i := 0
	next := func() float64 { v := x[i]; i++; return v }
	if pr.opt.D > 0 {
		p.d = pr.opt.D
	} else {
		p.d = 1 + math.Exp(next())
	}
	p.i0 = math.Exp(next())
	if pr.opt.N > 0 {
		p.n = pr.opt.N
	} else {
		p.n = pr.c + p.i0 + math.Exp(next())
	}
	if pr.negb {
		p.k = math.Exp(min(next(), maxLogK)) // beyond e^18 (~10⁸) NB is Poisson to float precision
	}
	return p
}

// nll is −ℓ at log R0 and the other free parameters x.
func (pr *sirProblem) nll(logR0 float64, x []float64) float64 {
	p := pr.params(logR0, x)
	if pr.opt.N > 0 && p.i0 >= p.n {
		return math.Inf(1)
	}
	sirIncidence(p, pr.mu)
	return -logLik(pr.y, pr.mu, p.k)
}

// FitSIR fits the SIR model of SIRFit to daily incidence y by maximum
// likelihood (Nelder–Mead from a grid of starts) and profiles R0.
func FitSIR(y []float64, opt FitOptions) (*SIRFit, error) {
	if opt.Likelihood == "" {
		opt.Likelihood = Poisson
	}
	if opt.Likelihood != Poisson && opt.Likelihood != NegBin {
		return nil, fmt.Errorf("network: likelihood: want %s or %s, got %q", Poisson, NegBin, opt.Likelihood)
	}
	if opt.D != 0 && !(opt.D >= 1) {
		return nil, fmt.Errorf("network: infectious period: want ≥ 1 day, got %v", opt.D)
	}
	if opt.N < 0 || math.IsNaN(opt.N) {
		return nil, fmt.Errorf("network: population: want > 0 (or 0 to fit it), got %v", opt.N)
	}
	c, first := 0.0, -1
	for t, v := range y {
		if !(v >= 0) || v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("network: incidence day %d: want a whole count ≥ 0, got %v", t+1, v)
		}
		c += v
		if v > 0 && first < 0 {
			first = t
		}
	}
	if len(y) < 7 || c < 10 {
		return nil, fmt.Errorf("network: incidence: want at least 7 days and 10 cases, got %d days and %v cases", len(y), c)
	}
	if opt.N > 0 && opt.N < c {
		return nil, fmt.Errorf("network: population %v is smaller than the %v cases observed", opt.N, c)
	}
	pr := &sirProblem{y: y, opt: opt, c: c, mu: make([]float64, len(y)), negb: opt.Likelihood == NegBin}

	// A grid of starts: R0, D, I0 and N − C − I0 (or k) over plausible scales.
	type start struct {
		logR0 float64
		x     []float64
	}
	var starts []start
	y0 := max(y[first], 1)
	for _, r0 := range []float64{1.3, 2, 3.5, 6} {
		for _, d := range []float64{2, 5, 12} {
			for _, i0 := range []float64{0.3 * y0, 2 * y0} {
				for _, excess := range []float64{0.1 * c, c, 10 * c} {
					var x []float64
					if opt.D == 0 {
						x = append(x, math.Log(d-1))
					} else if d != 2 {
						continue
					}
					x = append(x, math.Log(i0))
					if opt.N == 0 {
						x = append(x, math.Log(excess))
					} else if excess != c {
						continue
					}
					if pr.negb {
						x = append(x, math.Log(10))
					}
					starts = append(starts, start{math.Log(r0), x})
				}
			}
		}
	}
	full := func(v []float64) float64 { return pr.nll(v[0], v[1:]) }
	bestV, bestF := []float64(nil), math.Inf(1)
	type scored struct {
		v []float64
		f float64
	}
	var top []scored // the three best starts
	for _, s := range starts {
		v := append([]float64{s.logR0}, s.x...)
		f := safe(full(v))
		top = append(top, scored{v, f})
		for i := len(top) - 1; i > 0 && top[i].f < top[i-1].f; i-- {
			top[i], top[i-1] = top[i-1], top[i]
		}
		if len(top) > 3 {
			top = top[:3]
		}
	}
	for _, s := range top {
		v, f := minimise(full, s.v, 0.5, 1e-10)
		if f < bestF {
			bestV, bestF = v, f
		}
	}
	if math.IsInf(bestF, 1) {
		return nil, fmt.Errorf("network: SIR fit: no finite likelihood from any start")
	}

	// Profile likelihood of R0: re-fit the rest at each fixed log R0.
	rest := append([]float64(nil), bestV[1:]...)
	profile := func(logR0 float64) float64 {
		x, f := minimise(func(x []float64) float64 { return pr.nll(logR0, x) }, rest, 0.3, 1e-10)
		if f < bestF { // the profile found a better optimum: adopt it
			bestF, bestV = f, append([]float64{logR0}, x...)
		}
		return f
	}
	bound := func(dir float64) float64 {
		lo, h := bestV[0], 0.02
		hi := lo
		for {
			hi = lo + dir*h
			if math.Abs(hi-bestV[0]) > math.Log(100) { // flat over a 100-fold range: unbounded
				return math.Exp(dir * math.Inf(1))
			}
			if 2*(profile(hi)-bestF) > chi2_95 {
				break
			}
			lo, h = hi, h*1.6
		}
		for range 30 {
			mid := (lo + hi) / 2
			if 2*(profile(mid)-bestF) > chi2_95 {
				hi = mid
			} else {
				lo = mid
			}
		}
		return math.Exp((lo + hi) / 2)
	}
	var lo, hi float64
	for range 2 { // again if the profile found a better optimum on the way
		f0 := bestF
		lo, hi = bound(-1), bound(+1)
		if bestF == f0 {
			break
		}
		rest = append(rest[:0], bestV[1:]...)
	}

	p := pr.params(bestV[0], bestV[1:])
	fit := &SIRFit{Likelihood: opt.Likelihood, R0: p.r0, R0Lo: lo, R0Hi: hi, D: p.d, I0: p.i0, N: p.n, K: p.k,
		LogLik: -bestF, Params: len(bestV), Fitted: make([]float64, len(y))}
	sirIncidence(p, fit.Fitted)
	fit.Deviance = deviance(y, fit.Fitted, p.k)
	return fit, nil
}
