package oracle

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Sequences is a distribution over the V^L token sequences of length L,
// given by its table of probabilities, with the exact denoiser of masked
// (absorbing-state) diffusion: for a partly masked z (mask id V) it returns
// the posterior marginals p(x0_j = v | unmasked tokens of z) of every
// position, found by enumerating the sequences that agree with z. These
// marginals do not depend on t: given the unmasked tokens, the masked
// positions carry no further information (Sahoo et al. 2024; Ou et al.
// 2024).
type Sequences struct {
	V, L  int
	Probs []float64 // (V^L): p(x) at the index of x read as a base-V number, x_0 most significant
}

// NewSequences checks probs (V^L non-negative values summing to 1 within
// 1e-9) and returns the distribution.
func NewSequences(v, l int, probs []float64) (*Sequences, error) {
	if v < 1 || l < 1 {
		return nil, fmt.Errorf("oracle: sequences: V = %d, L = %d: want both at least 1", v, l)
	}
	n := 1
	for range l {
		n *= v
		if n > 1<<20 {
			return nil, fmt.Errorf("oracle: sequences: V^L = %d^%d: want at most 2^20 sequences", v, l)
		}
	}
	if len(probs) != n {
		return nil, fmt.Errorf("oracle: sequences: probs: want V^L = %d values, got %d", n, len(probs))
	}
	sum := 0.0
	for i, p := range probs {
		if !(p >= 0) || math.IsInf(p, 1) {
			return nil, fmt.Errorf("oracle: sequences: probs[%d] = %v: want a finite p ≥ 0", i, p)
		}
		sum += p
	}
	if math.Abs(sum-1) > 1e-9 {
		return nil, fmt.Errorf("oracle: sequences: probs sum to %v: want 1", sum)
	}
	return &Sequences{V: v, L: l, Probs: append([]float64(nil), probs...)}, nil
}

// Index is the index of the sequence x (L tokens) in Probs.
func (s *Sequences) Index(x []int) int {
	i := 0
	for _, v := range x {
		i = i*s.V + v
	}
	return i
}

// Seq writes the sequence at index i into x (L) and returns x.
func (s *Sequences) Seq(i int, x []int) []int {
	for j := s.L - 1; j >= 0; j-- {
		x[j] = i % s.V
		i /= s.V
	}
	return x
}

// LogProb is log p(x) in nats.
func (s *Sequences) LogProb(x []int) float64 { return math.Log(s.Probs[s.Index(x)]) }

// CondLogProb is log p(x_j for !keep[j] | x_j for keep[j]) in nats: the
// log-probability of the free positions given the kept ones.
func (s *Sequences) CondLogProb(x []int, keep []bool) float64 {
	y := make([]int, s.L)
	z := 0.0
	for i, p := range s.Probs {
		s.Seq(i, y)
		agree := true
		for j := range y {
			if keep[j] && y[j] != x[j] {
				agree = false
				break
			}
		}
		if agree {
			z += p
		}
	}
	return s.LogProb(x) - math.Log(z)
}

// Sample draws one sequence index by inverse CDF.
func (s *Sequences) Sample(rng *tensor.RNG) int {
	u, cum := rng.Uniform(), 0.0
	for i, p := range s.Probs {
		cum += p
		if u < cum {
			return i
		}
	}
	return len(s.Probs) - 1
}

// Logits returns, for z (b·l ids, row-major (B, L), the mask is V), the
// log posterior marginals log p(x0_j = v | unmasked z) as a (B, L, V)
// row-major slice; t is not read. A row that no sequence of positive
// probability agrees with is an error.
func (s *Sequences) Logits(z []int, b, l int, _ []float64) ([]float32, error) {
	if l != s.L || len(z) != b*l {
		return nil, fmt.Errorf("oracle: sequences: z: want (B, %d) = %d ids, got %d ids for B=%d, L=%d", s.L, b*s.L, len(z), b, l)
	}
	out := make([]float32, b*l*s.V)
	marg := make([]float64, l*s.V)
	seqs := make([]int, len(s.Probs)*l) // every sequence, decoded once per call
	for i := range s.Probs {
		s.Seq(i, seqs[i*l:(i+1)*l])
	}
	for r := range b {
		row := z[r*l : (r+1)*l]
		for k := range marg {
			marg[k] = 0
		}
		total := 0.0
		for i, p := range s.Probs {
			if p == 0 {
				continue
			}
			y := seqs[i*l : (i+1)*l]
			agree := true
			for j, id := range row {
				if id != s.V && id != y[j] {
					agree = false
					break
				}
			}
			if !agree {
				continue
			}
			total += p
			for j, v := range y {
				marg[j*s.V+v] += p
			}
		}
		if total == 0 {
			return nil, fmt.Errorf("oracle: sequences: row %d %v: no sequence of positive probability agrees with its unmasked tokens", r, row)
		}
		for k, m := range marg {
			out[r*l*s.V+k] = float32(math.Log(m / total))
		}
	}
	return out, nil
}
