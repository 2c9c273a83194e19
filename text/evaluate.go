package text

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// scoredTokens is how many tokens of a sequence are scored when text is
// evaluated: the characters up to the last non-padding token and the end
// marker after it (when the row has room), as NGram.EvaluateSequences
// counts them, so that every model's bits per character share one
// denominator. A row of padding only scores nothing.
func scoredTokens(row []int) int {
	last := -1
	for i, t := range row {
		if t != PadID {
			last = i
		}
	}
	if last < 0 {
		return 0
	}
	return min(last+1, len(row)-1) + 1
}

// BitsPerChar is the held-out cost of sequences s under model m, in bits
// per scored token (scoredTokens: characters and end markers), with the
// standard error of the estimate (0 when exact).
//
// For MDLM it is the NELBO (masked.Process.NLLBound, draws stratified times
// per sequence), an upper bound on −log₂ p: the bound covers every position
// of the window, trailing padding included, and is divided by the scored
// tokens alone, so the padding's (small) cost counts against the model.
// For the autoregressive model it is the exact −log₂ p of the scored tokens.
func BitsPerChar(ctx context.Context, m *Model, s *Sequences, draws, batch int, seed uint64) (bits, stdErr float64, err error) {
	if s.L != m.Config.Context {
		return 0, 0, fmt.Errorf("text: sequences of %d tokens, but the model's context is %d", s.L, m.Config.Context)
	}
	if batch <= 0 {
		batch = 16
	}
	var total, variance float64
	scored := 0
	for first, k := 0, 0; first < s.Len(); first, k = first+batch, k+1 {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		b := min(batch, s.Len()-first)
		x0 := s.Tokens[first*s.L : (first+b)*s.L]
		for i := range b {
			scored += scoredTokens(x0[i*s.L : (i+1)*s.L])
		}
		if m.Config.Objective == MDLM {
			p, err := m.Process()
			if err != nil {
				return 0, 0, err
			}
			bound, err := p.NLLBound(m, x0, b, s.L, draws, tensor.NewRNG(seed).Split(uint64(k)))
			if err != nil {
				return 0, 0, err
			}
			nats := bound.Nats * float64(bound.Tokens)
			total += nats / math.Ln2
			se := bound.StdErr * float64(bound.Tokens) / math.Ln2
			variance += se * se
			continue
		}
		b2, err := autoregressiveBits(m, x0, b, s.L)
		if err != nil {
			return 0, 0, err
		}
		total += b2
	}
	if scored == 0 {
		return 0, 0, fmt.Errorf("text: no tokens to score")
	}
	return total / float64(scored), math.Sqrt(variance) / float64(scored), nil
}

// autoregressiveBits is −Σ log₂ p(x_j | x_<j) over the scored tokens of the
// b rows of x0, in one network call.
func autoregressiveBits(m *Model, x0 []int, b, l int) (float64, error) {
	V := m.V()
	logits, err := m.Net.Logits(shiftRight(x0, b, l, V), b, l, nil)
	if err != nil {
		return 0, err
	}
	bits := 0.0
	for i := range b {
		row := x0[i*l : (i+1)*l]
		for j := range scoredTokens(row) {
			bits -= logSoftmaxAt(logits[(i*l+j)*V:(i*l+j+1)*V], row[j]) / math.Ln2
		}
	}
	return bits, nil
}

// logSoftmaxAt is log softmax(logits)[k], in float64.
func logSoftmaxAt(logits []float32, k int) float64 {
	hi := math.Inf(-1)
	for _, v := range logits {
		hi = max(hi, float64(v))
	}
	sum := 0.0
	for _, v := range logits {
		sum += math.Exp(float64(v) - hi)
	}
	return float64(logits[k]) - hi - math.Log(sum)
}

// InfillBitsPerChar is the MDLM bound on held-out gaps, in bits per gap
// character: in each sequence one span of gap characters, at a position
// drawn from seed among the scored characters, is masked and scored given
// everything else (masked.Process.NLLBoundInfill). Sequences with fewer
// than gap+2 scored tokens are skipped.
func InfillBitsPerChar(ctx context.Context, m *Model, s *Sequences, gap, draws, batch int, seed uint64) (bits, stdErr float64, gaps int, err error) {
	if err := checkObjective(m, MDLM, "infilling bits per character"); err != nil {
		return 0, 0, 0, err
	}
	if s.L != m.Config.Context {
		return 0, 0, 0, fmt.Errorf("text: sequences of %d tokens, but the model's context is %d", s.L, m.Config.Context)
	}
	if gap < 1 {
		return 0, 0, 0, fmt.Errorf("text: gap %d: want ≥ 1", gap)
	}
	if batch <= 0 {
		batch = 16
	}
	p, err := m.Process()
	if err != nil {
		return 0, 0, 0, err
	}
	pick := tensor.NewRNG(seed).Split(1 << 40)
	var rows []int
	var keep []bool
	for i := range s.Len() {
		row := s.Row(i)
		n := scoredTokens(row) - 1 // characters, the end marker excluded
		if n < gap+1 {
			continue
		}
		start := pick.Intn(n - gap + 1)
		k := make([]bool, s.L)
		for j := range k {
			k[j] = j < start || j >= start+gap
		}
		rows = append(rows, row...)
		keep = append(keep, k...)
	}
	count := len(rows) / s.L
	if count == 0 {
		return 0, 0, 0, fmt.Errorf("text: no sequence has %d characters for a gap", gap+1)
	}
	var total, variance float64
	for first, k := 0, 0; first < count; first, k = first+batch, k+1 {
		if err := ctx.Err(); err != nil {
			return 0, 0, 0, err
		}
		b := min(batch, count-first)
		bound, err := p.NLLBoundInfill(m, rows[first*s.L:(first+b)*s.L], keep[first*s.L:(first+b)*s.L], b, s.L, draws,
			tensor.NewRNG(seed).Split(uint64(k)))
		if err != nil {
			return 0, 0, 0, err
		}
		total += bound.Nats * float64(bound.Tokens) / math.Ln2
		se := bound.StdErr * float64(bound.Tokens) / math.Ln2
		variance += se * se
	}
	n := float64(count * gap)
	return total / n, math.Sqrt(variance) / n, count, nil
}
