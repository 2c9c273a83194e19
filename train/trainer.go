package train

import (
	"context"
	"fmt"
	"io"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/internal/progress"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// Options are the optimisation settings of a run.
type Options struct {
	Steps       int     // total optimiser steps
	LR          float64 // peak learning rate
	LRSchedule  string  // "constant", "linear-warmup" or "cosine" (optim.ParseSchedule)
	Warmup      int     // warm-up steps of the learning rate
	WeightDecay float64 // AdamW's decoupled weight decay
	ClipNorm    float64 // global gradient-norm clip; 0 turns it off
	EMADecay    float64 // decay of the weight average; 0 turns it off
	Seed        uint64  // drives t, ε, label dropout and dropout
	LogEvery    int     // steps between progress lines; 0 means 100
}

// Hook runs every Every steps (and after the last step) with the number of
// steps done; a returned error stops training.
type Hook struct {
	Every int
	Do    func(step int) error
}

// DropoutSetter is implemented by networks with dropout; the trainer hands
// them a random stream derived from the seed and the step before each
// forward pass, so that dropout too replays exactly on resume.
type DropoutSetter interface {
	SetDropoutRNG(rng *tensor.RNG)
}

// Task is what a Trainer fits: a set of parameters and the loss of each
// step. Loss must take everything random about step from the step number
// and rng (itself derived from the seed and the step), so that a resumed
// run replays an uninterrupted one bit for bit.
type Task interface {
	Params() []*nn.Param
	// Loss records on g the scalar loss of training step step (0-based)
	// and returns the data epoch that step belongs to.
	Loss(g *autograd.Graph, step int, rng *tensor.RNG) (loss *autograd.Var, epoch int, err error)
	// PerEpoch is the number of steps in one pass over the data.
	PerEpoch() int
	// Items is the number of examples in one step's batch (for the
	// progress line's rate).
	Items() int
}

// Trainer fits a Task with AdamW, an optional weight EMA, gradient
// clipping and a learning-rate schedule. All randomness of step s comes
// from Seed and s, and batches are a function of s, so that a run stopped
// after any step and resumed from its checkpoint (Save, Load) ends with
// the same bits as one that never stopped.
type Trainer struct {
	Task    Task
	Options Options
	Unit    string    // what the progress line counts per second; "img" when empty
	Log     io.Writer // progress lines; nil for none
	Hooks   []Hook

	Optimizer *optim.Adam
	EMA       *optim.EMA // nil when Options.EMADecay is 0
	Step      int        // steps done
	Losses    []float64  // the loss of every step done, for curves
	Epoch     int        // epoch of the last step

	lr     optim.Schedule
	params []*nn.Param
}

// New checks opts and returns a Trainer of the denoising network net on
// the image objective obj over data, at step 0.
func New(net Network, obj *Objective, data *Batches, opts Options) (*Trainer, error) {
	return NewTask(&imageTask{net: net, obj: obj, data: data}, opts)
}

// NewTask checks opts and returns a Trainer of task at step 0.
func NewTask(task Task, opts Options) (*Trainer, error) {
	if opts.Steps < 1 {
		return nil, fmt.Errorf("train: steps: want ≥ 1, got %d", opts.Steps)
	}
	if !(opts.LR > 0) {
		return nil, fmt.Errorf("train: lr: want > 0, got %g", opts.LR)
	}
	if opts.EMADecay < 0 || opts.EMADecay >= 1 {
		return nil, fmt.Errorf("train: ema decay: want 0 (off) or in (0, 1), got %g", opts.EMADecay)
	}
	if opts.LRSchedule == "" {
		opts.LRSchedule = "constant"
	}
	lr, err := optim.ParseSchedule(opts.LRSchedule, opts.LR, 0, opts.Warmup, opts.Steps)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if opts.LogEvery <= 0 {
		opts.LogEvery = 100
	}
	params := task.Params()
	if _, err := nn.ByName(params); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	t := &Trainer{Task: task, Options: opts, lr: lr, params: params,
		Optimizer: optim.NewAdamW(params, opts.LR, 0.9, 0.999, 1e-8, opts.WeightDecay)}
	if opts.EMADecay > 0 {
		t.EMA = optim.NewEMA(params, opts.EMADecay)
		t.EMA.Warmup = true
	}
	return t, nil
}

// Params returns the network's parameters, in the optimiser's order.
func (t *Trainer) Params() []*nn.Param { return t.params }

// TrainStep runs one optimiser step on the batch of step t.Step and
// returns its loss. A NaN or Inf loss or gradient is refused (wrapping
// autograd.ErrNonFinite) before any parameter changes.
func (t *Trainer) TrainStep() (loss float64, err error) {
	defer tensor.Recover(&err)
	step := t.Step
	rng := tensor.NewRNG(t.Options.Seed).Split(uint64(step))
	g := autograd.NewPooled()
	l, epoch, err := t.Task.Loss(g, step, rng)
	if err != nil {
		return 0, fmt.Errorf("step %d: %w", step+1, err)
	}
	loss = float64(l.Value.Data[0])
	t.Optimizer.ZeroGrad()
	if err := g.Backward(l); err != nil {
		return loss, fmt.Errorf("step %d: loss %v: %w", step+1, loss, err)
	}
	if t.Options.ClipNorm > 0 {
		optim.ClipGradNorm(t.params, t.Options.ClipNorm)
	}
	t.Optimizer.SetLR(t.lr.LR(step))
	if err := t.Optimizer.Step(); err != nil {
		return loss, fmt.Errorf("step %d: %w", step+1, err)
	}
	if t.EMA != nil {
		t.EMA.Update()
	}
	t.Step, t.Epoch = step+1, epoch
	t.Losses = append(t.Losses, loss)
	return loss, nil
}

// Run trains until Options.Steps steps are done, printing progress to Log
// and calling the hooks. When ctx is cancelled it stops after the current
// step and returns ctx's error; the caller then saves a checkpoint.
func (t *Trainer) Run(ctx context.Context) error {
	log := t.Log
	if log == nil {
		log = io.Discard
	}
	unit := t.Unit
	if unit == "" {
		unit = "img"
	}
	meter := progress.New(log, t.Step, t.Options.Steps, t.Task.Items(), unit)
	for t.Step < t.Options.Steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("train: stopped after step %d: %w", t.Step, err)
		}
		loss, err := t.TrainStep()
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		avg := meter.Observe(loss)
		last := t.Step == t.Options.Steps
		if t.Step%t.Options.LogEvery == 0 || last {
			meter.Report(t.Step, t.Epoch, loss, avg, t.Optimizer.LR())
		}
		for _, h := range t.Hooks {
			if h.Every > 0 && (t.Step%h.Every == 0 || last) {
				if err := h.Do(t.Step); err != nil {
					return fmt.Errorf("train: after step %d: %w", t.Step, err)
				}
			}
		}
	}
	return nil
}

// imageTask is the denoising objective of an image network over
// step-indexed batches: the Task behind New.
type imageTask struct {
	net  Network
	obj  *Objective
	data *Batches
}

func (it *imageTask) Params() []*nn.Param { return it.net.Params() }
func (it *imageTask) PerEpoch() int       { return it.data.PerEpoch() }
func (it *imageTask) Items() int          { return it.data.Size }

// Loss draws the batch of step and the objective's randomness from
// rng.Split(0); dropout takes rng.Split(1).
func (it *imageTask) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	x, y, epoch, err := it.data.Batch(step)
	if err != nil {
		return nil, 0, err
	}
	if !it.obj.Conditional {
		y = nil
	}
	if d, ok := it.net.(DropoutSetter); ok {
		d.SetDropoutRNG(rng.Split(1))
	}
	l, err := it.obj.Loss(g, it.net, x, y, rng.Split(0))
	return l, epoch, err
}
