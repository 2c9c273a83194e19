package transformer_test

import (
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/transformer"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// TestLearnsMasked trains a small masked-diffusion model with the MDLM loss
// on sequences that repeat one random token: a masked token is any visible
// one, which attention must find and copy, so the loss must fall far below
// its starting value (about ln 8 per masked token, averaged with the 1/t
// weights; only wholly masked sequences, t^12 of them, stay uncertain).
// Time budget: 150 steps of 16 sequences of 12, about 0.4 s.
func TestLearnsMasked(t *testing.T) {
	const vocab, b, l, steps = 8, 16, 12, 150
	cfg := transformer.Config{Vocab: vocab + 1, Out: vocab, D: 32, Layers: 2, Heads: 2, MaxLen: l, TimeCond: true}
	rng := tensor.NewRNG(7)
	m, err := transformer.New(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()
	opt := optim.NewAdamW(ps, 3e-3, 0.9, 0.999, 1e-8, 0.01)
	var first, last float64
	for step := range steps {
		z, x0, masked, ts := make([]int, b*l), make([]int, b*l), make([]bool, b*l), make([]float64, b)
		for i := range b {
			ts[i] = 0.05 + 0.9*rng.Uniform()
			tok := rng.Intn(vocab)
			for p := range l {
				k := i*l + p
				x0[k], z[k] = tok, tok
				if masked[k] = rng.Uniform() < ts[i]; masked[k] {
					z[k] = vocab
				}
			}
		}
		nn.ZeroGrad(ps)
		g := autograd.NewPooled()
		loss := mdlmLoss(g, m.Forward(g, z, b, l, ts), x0, masked, ts)
		v := float64(loss.Data()[0])
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
		// average the first and last 20 steps: single batches are noisy
		if step < 20 {
			first += v / 20
		} else if step >= steps-20 {
			last += v / 20
		}
	}
	t.Logf("MDLM loss: first 20 steps %.3f, last 20 steps %.3f", first, last)
	if !(last < 0.25*first) {
		t.Errorf("loss fell from %.3f to %.3f, want below a quarter", first, last)
	}
}

// TestLearnsCausal trains the autoregressive variant (causal, no time
// conditioning, rotary positions) on next-token prediction over sequences
// that count up modulo 8 from a random start: the next token follows from
// the current one, so the cross-entropy must fall from about ln 8 to near
// 0 (the first token of each sequence is not predicted: its row is
// weighted 0 with an ignored label). Time budget: 150 steps of 16
// sequences of 12, about 0.3 s.
func TestLearnsCausal(t *testing.T) {
	const vocab, b, l, steps = 8, 16, 12, 150
	cfg := transformer.Config{Vocab: vocab, Out: vocab, D: 32, Layers: 2, Heads: 2, MaxLen: l, Causal: true, Rotary: true}
	rng := tensor.NewRNG(8)
	m, err := transformer.New(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Params()
	opt := optim.NewAdamW(ps, 3e-3, 0.9, 0.999, 1e-8, 0.01)
	var first, last float64
	for step := range steps {
		tokens, next, w := make([]int, b*l), make([]int, b*l), make([]float32, b*l)
		for i := range b {
			start := rng.Intn(vocab)
			for p := range l {
				k := i*l + p
				tokens[k], next[k] = (start+p)%vocab, -1 // -1: ignored
				if p+1 < l {
					next[k], w[k] = (start+p+1)%vocab, 1/float32(b*(l-1))
				}
			}
		}
		nn.ZeroGrad(ps)
		g := autograd.NewPooled()
		loss := g.WeightedCrossEntropy(g.Reshape(m.Forward(g, tokens, b, l, nil), b*l, vocab), next, w)
		v := float64(loss.Data()[0])
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
		if step < 20 {
			first += v / 20
		} else if step >= steps-20 {
			last += v / 20
		}
	}
	t.Logf("next-token loss: first 20 steps %.3f, last 20 steps %.3f", first, last)
	if !(last < 0.1*first) {
		t.Errorf("loss fell from %.3f to %.3f, want below a tenth", first, last)
	}
}
