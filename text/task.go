package text

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion/masked"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Task is the training task of a text model over step-indexed batches
// (train.Task): the MDLM loss for MDLM models, the next-character
// cross-entropy for autoregressive ones. Both are in nats per token.
type Task struct {
	Model *Model
	Data  *Batches
}

var _ train.Task = (*Task)(nil)

// Params lists the network's parameters.
func (t *Task) Params() []*nn.Param { return t.Model.Net.Params() }

// PerEpoch is the number of batches in one pass over the sequences.
func (t *Task) PerEpoch() int { return t.Data.PerEpoch() }

// Items is the number of sequences per step.
func (t *Task) Items() int { return t.Data.Size }

// Loss records the loss of step's batch on g. For MDLM it is TEXT_SPEC's
// loss, Σ masked CE/t / (B·L) with stratified t (masked.Process), drawing
// t and the masks from rng; for the autoregressive model it is the mean
// cross-entropy of every position given the ones before it.
func (t *Task) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	x0, epoch, err := t.Data.Batch(step)
	if err != nil {
		return nil, 0, err
	}
	l := t.Data.Seqs.L
	b := len(x0) / l
	var loss *autograd.Var
	switch t.Model.Config.Objective {
	case MDLM:
		loss, err = mdlmLoss(g, t.Model, x0, b, l, rng)
	default:
		loss, err = arLoss(g, t.Model, x0, b, l)
	}
	return loss, epoch, err
}

// mdlmLoss is Σ_i Σ_l [z_il masked]·CE(logits_il, x0_il)/t_i / (B·L).
func mdlmLoss(g *autograd.Graph, m *Model, x0 []int, b, l int, rng *tensor.RNG) (*autograd.Var, error) {
	p, err := m.Process()
	if err != nil {
		return nil, err
	}
	z, ts, err := p.Corrupt(x0, b, l, rng)
	if err != nil {
		return nil, err
	}
	w, err := p.LossWeights(z, x0, ts, b, l)
	if err != nil {
		return nil, err
	}
	var tt []float64 // the times, for a time-conditioned network
	if m.Config.Net.TimeCond {
		tt = ts
	}
	logits := m.Net.Forward(g, z, b, l, tt) // (B, L, V)
	return g.WeightedCrossEntropy(g.Reshape(logits, b*l, m.V()), x0, w), nil
}

// arLoss is the mean over the B·L positions of −log p(x_j | x_<j): the
// input is the sequence shifted right by one, behind the start token.
func arLoss(g *autograd.Graph, m *Model, x0 []int, b, l int) (*autograd.Var, error) {
	in := shiftRight(x0, b, l, m.V())
	w := make([]float32, b*l)
	for i := range w {
		w[i] = 1 / float32(b*l)
	}
	logits := m.Net.Forward(g, in, b, l, nil)
	return g.WeightedCrossEntropy(g.Reshape(logits, b*l, m.V()), x0, w), nil
}

// shiftRight returns, for each of the b rows of x (length l), the start
// token followed by the row's first l−1 tokens: the causal model's input
// whose output at position j predicts x_j.
func shiftRight(x []int, b, l, start int) []int {
	in := make([]int, b*l)
	for i := range b {
		in[i*l] = start
		copy(in[i*l+1:(i+1)*l], x[i*l:(i+1)*l-1])
	}
	return in
}

// checkObjective refuses a model of the other objective for an operation.
func checkObjective(m *Model, want string, what string) error {
	if m.Config.Objective != want {
		return fmt.Errorf("text: %s needs a %s model, this one is %s", what, want, m.Config.Objective)
	}
	return nil
}

// maskedSampler is the MDLM sampler over the model's vocabulary and schedule.
func maskedSampler(m *Model, steps int, temperature, topP float64) (masked.Sampler, error) {
	if err := checkObjective(m, MDLM, "masked-diffusion sampling"); err != nil {
		return masked.Sampler{}, err
	}
	s, err := masked.ScheduleByName(m.Config.Schedule)
	if err != nil {
		return masked.Sampler{}, err
	}
	return masked.Sampler{V: m.V(), Schedule: s, Steps: steps, Temperature: temperature, TopP: topP, Cache: true}, nil
}
