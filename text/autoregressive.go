package text

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// SampleAutoregressive draws n documents from an autoregressive model, one
// character at a time from the start token, each from the model's
// distribution at temperature (0 means 1), until every document of the
// batch has ended or the context is full. Probabilities are computed in
// float64. The network sees only the prefix so far (causal attention makes
// that the same as the full window), so a batch costs L calls of growing
// length.
func SampleAutoregressive(ctx context.Context, m *Model, n int, seed uint64, temperature float64, batch int) ([]string, error) {
	if err := checkObjective(m, Autoregressive, "autoregressive sampling"); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("text: n %d: want ≥ 1", n)
	}
	if temperature == 0 {
		temperature = 1
	}
	if !(temperature > 0) || math.IsInf(temperature, 0) {
		return nil, fmt.Errorf("text: temperature %v: want a finite number > 0", temperature)
	}
	if batch <= 0 {
		batch = 16
	}
	L, V := m.Config.Context, m.V()
	var out []string
	for first, k := 0, 0; first < n; first, k = first+batch, k+1 {
		b := min(batch, n-first)
		rng := tensor.NewRNG(seed).Split(uint64(k))
		seq := make([]int, b*L) // the input: start token, then the tokens drawn so far
		for i := range b {
			seq[i*L] = m.V()
		}
		drawn := make([][]int, b)
		done := make([]bool, b)
		p := make([]float64, V)
		for pos := 0; pos < L; pos++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			l := pos + 1
			in := make([]int, b*l)
			for i := range b {
				copy(in[i*l:(i+1)*l], seq[i*L:i*L+l])
			}
			logits, err := m.Net.Logits(in, b, l, nil)
			if err != nil {
				return nil, err
			}
			all := true
			for i := range b {
				if done[i] {
					continue
				}
				row := logits[(i*l+pos)*V : (i*l+pos+1)*V]
				id := drawSoftmax(row, temperature, p, rng)
				if id == PadID {
					done[i] = true
				} else {
					drawn[i] = append(drawn[i], id)
					if pos+1 < L {
						seq[i*L+pos+1] = id
					}
				}
				all = all && done[i]
			}
			if all {
				break
			}
		}
		for i := range b {
			s, err := m.Vocab.Decode(drawn[i])
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// drawSoftmax draws an index from softmax(logits/temperature), computed in
// float64 in p (len(logits)), with one uniform from rng.
func drawSoftmax(logits []float32, temperature float64, p []float64, rng *tensor.RNG) int {
	hi := math.Inf(-1)
	for _, v := range logits {
		hi = max(hi, float64(v)/temperature)
	}
	sum := 0.0
	for j, v := range logits {
		p[j] = math.Exp(float64(v)/temperature - hi)
		sum += p[j]
	}
	u := rng.Uniform() * sum
	for j := range p {
		u -= p[j]
		if u < 0 {
			return j
		}
	}
	return len(p) - 1
}
