package diffwave

import (
	"fmt"

	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Load reads a model from a training checkpoint: its Config from the
// header (ConfigKey), then the weight average when ema is set and the file
// has one, else the raw weights. Every tensor's name and shape is checked
// before anything is copied.
func Load(path string, ema bool) (*Model, map[string]string, error) {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := ParseConfig(f.Meta, path)
	if err != nil {
		return nil, nil, err
	}
	m, err := New(cfg, tensor.NewRNG(0))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := f.Meta["ema.steps"]; !ok {
		ema = false
	}
	if err := train.LoadWeights(f, path, m.Params(), ema); err != nil {
		return nil, nil, err
	}
	return m, f.Meta, nil
}

// NewTrainer returns a trainer of m on the training split of the
// spoken-digit data set in dir (limit > 0 keeps its first limit clips):
// class-conditional generation on clips normalised to Peak, or denoising
// with noise mixed at every step (DenoiseTask). It also returns the number
// of training clips.
func NewTrainer(m *Model, dir string, limit, batch int, opts train.Options) (*train.Trainer, int, error) {
	x, y, clips, err := digits.Load(dir, digits.Train, limit)
	if err != nil {
		return nil, 0, err
	}
	if x.Dim(2) != m.Config.Samples {
		return nil, 0, fmt.Errorf("%s: clips of %d samples for a model of %d", dir, x.Dim(2), m.Config.Samples)
	}
	if batch < 1 || batch > x.Dim(0) {
		return nil, 0, fmt.Errorf("batch: want 1 to the %d training clips, got %d", x.Dim(0), batch)
	}
	switch m.Config.Task {
	case TaskGenerate:
		Normalize(x)
		obj, err := Objective(m)
		if err != nil {
			return nil, 0, err
		}
		b, err := train.TensorBatches(x, y, batch, opts.Seed)
		if err != nil {
			return nil, 0, err
		}
		tr, err := train.New(m, obj, b, opts)
		return tr, x.Dim(0), err
	default:
		voices := make([]string, len(clips))
		for i, c := range clips {
			voices[i] = c.Voice
		}
		task, err := NewDenoiseTask(m, x, voices, batch, opts.Seed)
		if err != nil {
			return nil, 0, err
		}
		tr, err := train.NewTask(task, opts)
		return tr, x.Dim(0), err
	}
}
