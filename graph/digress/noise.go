package digress

import (
	"fmt"
	"math"
)

// CosineAlphaBar is DiGress's cosine schedule of ᾱ_t, the probability that
// an element is still the clean one (not redrawn from the marginal) at
// time t ∈ [0, 1] (Nichol & Dhariwal 2021, s = 0.008):
//
//	ᾱ_t = cos²(π/2 · (t + s)/(1 + s)) / cos²(π/2 · s/(1 + s)),
//
// so ᾱ_0 = 1 and ᾱ_1 = 0: at t = 1 every element is a draw from the
// marginal. Values are clamped to [0, 1].
func CosineAlphaBar(t float64) float64 {
	const s = 0.008
	f := func(t float64) float64 {
		c := math.Cos(math.Pi / 2 * (t + s) / (1 + s))
		return c * c
	}
	ab := f(t) / f(0)
	if t >= 1 || ab < 0 {
		return 0
	}
	return min(ab, 1)
}

// Marginal is DiGress's marginal transition over K categories (Vignac et
// al. 2023, §4.1): with m the distribution of the categories in the
// training data,
//
//	Q_t = α_t·I + (1 − α_t)·1mᵀ,   Q̄_t = Q_1⋯Q_t = ᾱ_t·I + (1 − ᾱ_t)·1mᵀ,
//
// so q(z_t = k | x = i) = ᾱ_t·[k = i] + (1 − ᾱ_t)·m_k: keep the category
// with probability ᾱ_t, else redraw it from m. Matrices of this form
// compose by multiplying their α, so the transition from time s to t > s
// is Q_{t|s} = (ᾱ_t/ᾱ_s)·I + (1 − ᾱ_t/ᾱ_s)·1mᵀ, and m is stationary:
// mᵀQ_t = mᵀ. All arithmetic is float64.
type Marginal struct {
	M []float64 // m: K probabilities summing to 1
}

// NewMarginal checks that m is a probability vector of at least one
// category and returns its transition.
func NewMarginal(m []float64) (Marginal, error) {
	if len(m) == 0 {
		return Marginal{}, fmt.Errorf("digress: marginal: want at least one category")
	}
	s := 0.0
	for k, p := range m {
		if !(p >= 0) || math.IsInf(p, 0) {
			return Marginal{}, fmt.Errorf("digress: marginal: category %d has probability %v: want ≥ 0", k, p)
		}
		s += p
	}
	if math.Abs(s-1) > 1e-9 {
		return Marginal{}, fmt.Errorf("digress: marginal: probabilities sum to %v: want 1", s)
	}
	return Marginal{M: append([]float64(nil), m...)}, nil
}

// K is the number of categories.
func (q Marginal) K() int { return len(q.M) }

// Forward is q(z = k | x = i) for the keep probability a (ᾱ_t, or ᾱ_t/ᾱ_s
// for the step from s to t): a·[k = i] + (1 − a)·m_k.
func (q Marginal) Forward(a float64, i, k int) float64 {
	p := (1 - a) * q.M[k]
	if i == k {
		p += a
	}
	return p
}

// Posterior writes q(z_s = k | z_t = j, x_0 = i) for k = 0…K−1 to out
// (length K), for times s < t with ᾱ_s = abS and ᾱ_t = abT:
//
//	q(z_s | z_t, x_0) = q(z_t | z_s)·q(z_s | x_0) / q(z_t | x_0)
//	                  ∝ Q_{t|s}[k, j] · Q̄_s[i, k]        (Vignac et al. 2023, eq. 3).
//
// The normaliser Σ_k is q(z_t = j | x_0 = i). It returns false (and zeros
// out) when that is 0: z_t cannot come from x_0 (a category of zero
// marginal probability other than x_0).
func (q Marginal) Posterior(abS, abT float64, j, i int, out []float64) bool {
	a := 0.0 // keep probability from s to t
	if abS > 0 {
		a = min(abT/abS, 1)
	}
	sum := 0.0
	for k := range q.M {
		v := q.Forward(a, k, j) * q.Forward(abS, i, k)
		out[k] = v
		sum += v
	}
	if !(sum > 0) {
		clear(out)
		return false
	}
	for k := range out {
		out[k] /= sum
	}
	return true
}

// Reverse writes p(z_s = k | z_t = j) = Σ_i q(z_s = k | z_t = j, x_0 = i)·p̂(x_0 = i)
// to out (length K), for a predicted distribution px of x_0 (length K,
// summing to 1), as DiGress's reverse step (Vignac et al. 2023, eq. 4).
// Values of x_0 that cannot have led to z_t (Posterior false) carry no
// weight, and the mixture is renormalised over the rest; when none can,
// out is the point mass on j (z_s = z_t). tmp needs length K.
func (q Marginal) Reverse(abS, abT float64, j int, px, out, tmp []float64) {
	clear(out)
	total := 0.0
	for i, w := range px {
		if w <= 0 || !q.Posterior(abS, abT, j, i, tmp) {
			continue
		}
		total += w
		for k, v := range tmp {
			out[k] += w * v
		}
	}
	if !(total > 0) {
		clear(out)
		out[j] = 1
		return
	}
	for k := range out {
		out[k] /= total
	}
}

// draw returns a category drawn from the probabilities p (summing to about
// 1) with the uniform u ∈ [0, 1); the last category of positive
// probability absorbs rounding.
func draw(p []float64, u float64) int {
	last := 0
	c := 0.0
	for k, v := range p {
		if v <= 0 {
			continue
		}
		last = k
		c += v
		if u < c {
			return k
		}
	}
	return last
}
