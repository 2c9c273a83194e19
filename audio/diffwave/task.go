package diffwave

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/noise"
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Normalize scales every clip of x: (N, 1, L) in place so that its largest
// magnitude is Peak (silent clips are left alone). Generation trains on
// normalised clips, so that the model spends no capacity on loudness.
func Normalize(x *tensor.Tensor) {
	L := x.Dim(2)
	for i := range x.Dim(0) {
		row := x.Data[i*L : (i+1)*L]
		peak := float32(0)
		for _, v := range row {
			peak = max(peak, float32(math.Abs(float64(v))))
		}
		if peak == 0 {
			continue
		}
		s := float32(Peak) / peak
		for j := range row {
			row[j] *= s
		}
	}
}

// Objective returns the training loss of m: the denoising objective on
// m's schedule and target with uniform weighting, label dropout for a
// class-conditional model, and the noisy waveform as the condition of a
// denoising model.
func Objective(m *Model) (*train.Objective, error) {
	sch, err := m.Config.BuildSchedule()
	if err != nil {
		return nil, err
	}
	o := &train.Objective{Schedule: sch, Target: diffusion.Target(m.Config.Target), Weighting: diffusion.Uniform}
	if m.Config.Classes > 0 {
		o.Conditional, o.LabelDropout, o.NullLabel = true, m.Config.LabelDropout, m.NullLabel()
	}
	if m.Config.Cond > 0 {
		o.Cond = pair{}
	}
	return o, nil
}

// pair is the condition of a denoising batch (N, 2, L): channel 0 is the
// clean clip, channel 1 the noisy one.
type pair struct{}

// Split implements train.Conditioner.
func (pair) Split(batch *tensor.Tensor) (x0, cond *tensor.Tensor, err error) {
	if batch.Rank() != 3 || batch.Dim(1) != 2 {
		return nil, nil, fmt.Errorf("denoising batch %s: want (N, 2, L)", tensor.FormatShape(batch.Shape))
	}
	n, L := batch.Dim(0), batch.Dim(2)
	x0, cond = tensor.New(n, 1, L), tensor.New(n, 1, L)
	for i := range n {
		copy(x0.Data[i*L:(i+1)*L], batch.Data[2*i*L:(2*i+1)*L])
		copy(cond.Data[i*L:(i+1)*L], batch.Data[(2*i+1)*L:(2*i+2)*L])
	}
	return x0, cond, nil
}

// Join implements train.Conditioner.
func (pair) Join(xt, cond *tensor.Tensor) (*tensor.Tensor, error) {
	n, L := xt.Dim(0), xt.Dim(2)
	if cond.Dim(0) != n || cond.Dim(2) != L {
		return nil, fmt.Errorf("condition %s for x_t %s", tensor.FormatShape(cond.Shape), tensor.FormatShape(xt.Shape))
	}
	out := tensor.New(n, 2, L)
	for i := range n {
		copy(out.Data[2*i*L:], xt.Data[i*L:(i+1)*L])
		copy(out.Data[(2*i+1)*L:], cond.Data[i*L:(i+1)*L])
	}
	return out, nil
}

// DenoiseTask is the training task of a denoising model: each step takes a
// batch of clean clips, and for each clip draws a noise kind (white, pink
// or babble of noise.BabbleTalkers other training utterances), an SNR
// uniform in [MinSNR, MaxSNR] dB and the noise itself from the step's
// random stream, mixes them exactly (noise.Mix), scales clean and noisy by
// Peak over the noisy peak (noise.TrainingSet.Pairs), and regresses as
// train.Objective does with the noisy clip as the condition. Everything
// random comes from the step and the seed, so a resumed run replays an
// uninterrupted one.
type DenoiseTask struct {
	Model             *Model
	Batches           *train.Batches
	Objective         *train.Objective
	noise.TrainingSet // the clean clips, their voices and their noise
}

// NewDenoiseTask returns the task over clean clips x: (N, 1, L) with
// their voices, batch size batch and seed.
func NewDenoiseTask(m *Model, x *tensor.Tensor, voices []string, batch int, seed uint64) (*DenoiseTask, error) {
	if x.Dim(0) != len(voices) {
		return nil, fmt.Errorf("denoise task: %d clips but %d voices", x.Dim(0), len(voices))
	}
	obj, err := Objective(m)
	if err != nil {
		return nil, err
	}
	set, err := noise.NewTrainingSet(x, voices, -5, 20, func(c []float64) []float64 { return digits.Trim(c, m.Config.Rate, digits.TrimDB) })
	if err != nil {
		return nil, fmt.Errorf("denoise task: %w", err)
	}
	b, err := train.TensorBatches(set.Indices(), nil, batch, seed)
	if err != nil {
		return nil, err
	}
	return &DenoiseTask{Model: m, Batches: b, Objective: obj, TrainingSet: set}, nil
}

// Params implements train.Task.
func (t *DenoiseTask) Params() []*nn.Param { return t.Model.Params() }

// PerEpoch implements train.Task.
func (t *DenoiseTask) PerEpoch() int { return t.Batches.PerEpoch() }

// Items implements train.Task.
func (t *DenoiseTask) Items() int { return t.Batches.Size }

// Loss implements train.Task.
func (t *DenoiseTask) Loss(g *autograd.Graph, step int, rng *tensor.RNG) (*autograd.Var, int, error) {
	idx, _, epoch, err := t.Batches.Batch(step)
	if err != nil {
		return nil, 0, err
	}
	clean, noisy, err := t.Pairs(idx, rng, Peak)
	if err != nil {
		return nil, 0, err
	}
	n, L := idx.Dim(0), t.Clean.Dim(2)
	batch := tensor.New(n, 2, L) // per item: the clean clip, then the noisy one
	for i := range n {
		for j := range L {
			batch.Data[2*i*L+j] = float32(clean[i][j])
			batch.Data[(2*i+1)*L+j] = float32(noisy[i][j])
		}
	}
	l, err := t.Objective.Loss(g, t.Model, batch, nil, rng)
	return l, epoch, err
}
