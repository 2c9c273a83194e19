package masked

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Bound is a Monte-Carlo estimate of the continuous-time NELBO, an upper
// bound on −log p(x) (on −log p(gap | rest) for infilling).
type Bound struct {
	Nats   float64   // NELBO per scored token, in nats
	StdErr float64   // standard error of Nats, treating the draws as independent (stratification only lowers the true error)
	PerSeq []float64 // (B): each sequence's NELBO per scored token, in nats
	Tokens int       // scored tokens in the batch (B·L, or the gap positions)
}

// BitsPerChar converts nats per token to bits per character for a
// character-level vocabulary (one token per character): nats / ln 2.
func BitsPerChar(natsPerToken float64) float64 { return natsPerToken / math.Ln2 }

// NLLBound estimates, for each of the b sequences x0 (row-major (B, L)),
// the continuous-time NELBO of masked diffusion (Sahoo et al. 2024;
// Shi et al. 2024)
//
//	−log p_θ(x0) ≤ ∫₀¹ −α'_t/(1−α_t) · E_{z_t ~ q(·|x0)} [ Σ_{j: z_t,j = m} −log p_θ(x0_j | z_t) ] dt,
//
// per token, with draws times per sequence: one u ~ U(0, 1) and
// t = 1 − ((u + (k·B + i)/(draws·B)) mod 1) ∈ (0, 1] for draw k of row i, so
// that each sequence's times are stratified over (0, 1]. The whole interval
// is covered (no ε cut-off), so the estimate is unbiased for the bound; the
// model's probabilities are log-softmax of its logits in float64. Each draw
// is one denoiser call on the whole batch.
//
// With the exact conditionals p(x0_j | unmasked z) the bound is tight: for
// the linear schedule the integral is Σ_k (1/k)·E_{|M|=k}[Σ_{j∈M} −log
// p(x_j | x_{∖M})], which is the any-order autoregressive loss averaged
// over orders, and every order's chain rule gives exactly −log p(x)
// (Uria et al. 2014; Hoogeboom et al. 2022; Ou et al. 2024).
func (p Process) NLLBound(d Denoiser, x0 []int, b, l, draws int, rng *tensor.RNG) (Bound, error) {
	return p.bound(d, x0, nil, b, l, draws, rng)
}

// NLLBoundInfill is NLLBound with the positions where keep is true held
// clean: only the other positions (the gaps) are ever masked and scored, so
// the estimate bounds −log p_θ(gaps | kept tokens) per gap token. keep has
// one flag per position (L, shared by every row) or per token (B·L).
func (p Process) NLLBoundInfill(d Denoiser, x0 []int, keep []bool, b, l, draws int, rng *tensor.RNG) (Bound, error) {
	if len(keep) != l && len(keep) != b*l {
		return Bound{}, fmt.Errorf("masked: bound: keep: want %d (L) or %d (B·L) flags, got %d", l, b*l, len(keep))
	}
	return p.bound(d, x0, keep, b, l, draws, rng)
}

func (p Process) bound(d Denoiser, x0 []int, keep []bool, b, l, draws int, rng *tensor.RNG) (res Bound, err error) {
	defer tensor.Recover(&err)
	if err := p.check(); err != nil {
		return Bound{}, err
	}
	if err := checkTokens("x0", x0, b, l, p.V, false); err != nil {
		return Bound{}, err
	}
	if d == nil || rng == nil {
		return Bound{}, fmt.Errorf("masked: bound: the denoiser and the rng must not be nil")
	}
	if draws < 1 {
		return Bound{}, fmt.Errorf("masked: bound: draws = %d: want at least 1", draws)
	}
	free := func(k int) bool { return keep == nil || !keep[k%len(keep)] }
	scored := make([]int, b) // scored positions per row
	for k := range x0 {
		if free(k) {
			scored[k/l]++
		}
	}
	for i, n := range scored {
		if n == 0 {
			return Bound{}, fmt.Errorf("masked: bound: row %d: every position is kept: nothing to score", i)
		}
		res.Tokens += n
	}

	sch := p.schedule()
	u := rng.Uniform()
	n := float64(draws * b)
	z := make([]int, b*l)
	t := make([]float64, b)
	lp := make([]float64, p.V)
	perSeq := make([]float64, b) // Σ over draws of row i's nats
	perDraw := make([]float64, draws)
	for k := range draws {
		for i := range b {
			f := u + float64(k*b+i)/n
			t[i] = 1 - (f - math.Floor(f))
			keepP := sch.Alpha(t[i])
			for j := range l {
				q := i*l + j
				z[q] = x0[q]
				if free(q) && rng.Uniform() >= keepP {
					z[q] = p.V
				}
			}
		}
		logits, err := d.Logits(z, b, l, t)
		if err != nil {
			return Bound{}, fmt.Errorf("masked: bound: draw %d: denoiser: %w", k, err)
		}
		if len(logits) != b*l*p.V {
			return Bound{}, fmt.Errorf("masked: bound: draw %d: denoiser: want %d logits (B=%d, L=%d, V=%d), got %d", k, b*l*p.V, b, l, p.V, len(logits))
		}
		for i := range b {
			nll := 0.0
			for j := range l {
				q := i*l + j
				if z[q] != p.V {
					continue
				}
				if err := logSoftmax(lp, logits[q*p.V:(q+1)*p.V], 1); err != nil {
					return Bound{}, fmt.Errorf("masked: bound: draw %d: denoiser: row %d position %d: %w", k, i, j, err)
				}
				nll -= lp[x0[q]]
			}
			if nll > 0 {
				nats := sch.Weight(t[i]) * nll
				perSeq[i] += nats
				perDraw[k] += nats
			}
		}
	}
	res.PerSeq = make([]float64, b)
	total := 0.0
	for i := range b {
		res.PerSeq[i] = perSeq[i] / float64(draws*scored[i])
		total += perSeq[i]
	}
	res.Nats = total / float64(draws*res.Tokens)
	if draws > 1 {
		ss := 0.0
		for _, x := range perDraw {
			dx := x/float64(res.Tokens) - res.Nats
			ss += dx * dx
		}
		res.StdErr = math.Sqrt(ss / float64(draws-1) / float64(draws))
	}
	return res, nil
}
