package specenh

import (
	"fmt"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Task is the training task of an enhancer: each step takes a batch of
// clean training clips, and for each clip draws a noise kind
// (noise.TrainingKinds: white, pink, or babble of noise.BabbleTalkers other
// training utterances by other voices), an SNR uniform in [MinSNR, MaxSNR]
// dB and the noise itself from the step's random stream, mixes them exactly
// (noise.Mix), scales clean and noisy by Spec.Peak over the noisy peak
// (noise.TrainingSet.Pairs), maps both to images, and regresses the clean
// image with the noisy one as the condition (train.Objective with
// pipeline.Cond: x₀ target, uniform weighting). Everything random comes
// from the step and the seed, so a resumed run replays an uninterrupted
// one. Task implements train.Task.
type Task struct {
	Enhancer          *Enhancer
	Batches           *train.Batches
	Objective         *train.Objective
	noise.TrainingSet // the clean clips, their voices and their noise
}

// NewTask returns the task over clean clips x: (N, 1, Samples) with their
// voices, batch size batch and seed.
func NewTask(e *Enhancer, x *tensor.Tensor, voices []string, batch int, seed uint64) (*Task, error) {
	s := e.Codec.Spec
	if x.Rank() != 3 || x.Dim(1) != 1 || x.Dim(2) != s.Samples {
		return nil, fmt.Errorf("specenh: task: clips %s: want (N, 1, %d)", tensor.FormatShape(x.Shape), s.Samples)
	}
	if x.Dim(0) != len(voices) {
		return nil, fmt.Errorf("specenh: task: %d clips but %d voices", x.Dim(0), len(voices))
	}
	if batch < 1 || batch > x.Dim(0) {
		return nil, fmt.Errorf("specenh: task: batch: want 1 to the %d training clips, got %d", x.Dim(0), batch)
	}
	set, err := noise.NewTrainingSet(x, voices, -5, 20, func(c []float64) []float64 { return digits.Trim(c, s.Rate, digits.TrimDB) })
	if err != nil {
		return nil, fmt.Errorf("specenh: task: %w", err)
	}
	b, err := train.TensorBatches(set.Indices(), nil, batch, seed)
	if err != nil {
		return nil, err
	}
	obj := &train.Objective{Schedule: e.Pipe.Schedule, Target: e.Pipe.Model.Target, Weighting: diffusion.Uniform,
		Cond: e.Pipe.Model.Cond}
	return &Task{Enhancer: e, Batches: b, Objective: obj, TrainingSet: set}, nil
}

// Params implements train.Task.
func (t *Task) Params() []*nn.Param { return t.Enhancer.Pipe.Net.Params() }

// PerEpoch implements train.Task.
func (t *Task) PerEpoch() int { return t.Batches.PerEpoch() }

// Items implements train.Task.
func (t *Task) Items() int { return t.Batches.Size }

// Loss implements train.Task.
func (t *Task) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	idx, _, epoch, err := t.Batches.Batch(step)
	if err != nil {
		return nil, 0, err
	}
	S := t.Enhancer.Codec.Spec.Size()
	per := 2 * S * S
	n := idx.Dim(0)
	clean, noisy, err := t.Pairs(idx, rng, t.Enhancer.Codec.Spec.Peak)
	if err != nil {
		return nil, 0, err
	}
	batch := tensor.New(n, 4, S, S) // per item: the clean image, then the noisy one
	for i := range n {
		t.Enhancer.Codec.Image(clean[i], batch.Data[2*i*per:(2*i+1)*per])
		t.Enhancer.Codec.Image(noisy[i], batch.Data[(2*i+1)*per:(2*i+2)*per])
	}
	l, err := t.Objective.Loss(g, t.Enhancer.Pipe.Net, batch, nil, rng)
	return l, epoch, err
}

// NewTrainer loads the training split of the spoken-digit data set in dir
// (the first limit clips when limit > 0) and returns a trainer of e on it
// with batch size batch, and the number of clips.
func NewTrainer(e *Enhancer, dir string, limit, batch int, opts train.Options) (*train.Trainer, int, error) {
	x, _, clips, err := digits.Load(dir, digits.Train, limit)
	if err != nil {
		return nil, 0, err
	}
	voices := make([]string, len(clips))
	for i, c := range clips {
		voices[i] = c.Voice
	}
	task, err := NewTask(e, x, voices, batch, opts.Seed)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", dir, err)
	}
	tr, err := train.NewTask(task, opts)
	return tr, x.Dim(0), err
}
