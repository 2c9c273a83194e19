package train

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// Names in a training checkpoint. The network's parameters keep their own
// names, so any safetensors reader sees the model as it is; the training
// state sits beside them under reserved prefixes.
const (
	emaPrefix   = "ema."   // the weight average: "ema.<param>"
	adamPrefix  = "adam."  // optimiser moments and step counts
	trainPrefix = "train." // the step count and the loss history
	lossesName  = trainPrefix + "losses"
	stepKey     = trainPrefix + "step"
)

// Save writes the parameters, the EMA, the optimiser state, the step and
// the loss history to a safetensors file at path, atomically, with meta
// added to its header (for example the model and run configuration).
func (t *Trainer) Save(path string, meta map[string]string) error {
	ts, err := checkpoint.ParamTensors(t.params, "")
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	header := map[string]string{}
	maps.Copy(header, meta)
	add := func(s *optim.State) {
		maps.Copy(ts, s.Tensors)
		maps.Copy(header, s.Metadata())
	}
	add(t.Optimizer.State())
	if t.EMA != nil {
		add(t.EMA.State())
	}
	losses := tensor.New(len(t.Losses))
	for i, l := range t.Losses {
		losses.Data[i] = float32(l)
	}
	if len(t.Losses) > 0 {
		ts[lossesName] = losses
	}
	header[stepKey] = strconv.Itoa(t.Step)
	return checkpoint.WriteSafetensors(path, ts, header)
}

// Load restores a checkpoint written by Save into t. Every tensor is
// checked against the network and the optimiser before anything changes;
// a file from another model configuration is refused with the names and
// shapes that differ.
func (t *Trainer) Load(path string) error {
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		return err
	}
	step, err := strconv.Atoi(f.Meta[stepKey])
	if err != nil || step < 0 || step > t.Options.Steps {
		return fmt.Errorf("checkpoint %s: %q: want a step count between 0 and %d, got %q", path, stepKey, t.Options.Steps, f.Meta[stepKey])
	}
	model, adam, ema := map[string]*tensor.Tensor{}, optim.NewState(), optim.NewState()
	for name, v := range f.Tensors {
		switch {
		case strings.HasPrefix(name, adamPrefix):
			adam.Tensors[name] = v
		case strings.HasPrefix(name, emaPrefix):
			ema.Tensors[name] = v
		case strings.HasPrefix(name, trainPrefix):
		default:
			model[name] = v
		}
	}
	if adam.Scalars, err = optim.ParseScalars(f.Meta, adamPrefix); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if ema.Scalars, err = optim.ParseScalars(f.Meta, emaPrefix); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	var losses []float64
	if l := f.Tensors[lossesName]; l != nil {
		for _, v := range l.Data {
			losses = append(losses, float64(v))
		}
	}
	if len(losses) != step {
		return fmt.Errorf("checkpoint %s: %d losses recorded for %d steps", path, len(losses), step)
	}
	// Nothing changes unless everything fits: the optimiser, the EMA and
	// the parameters each load all or nothing, and the first two are put
	// back if a later part is refused.
	oldAdam := t.Optimizer.State()
	if err := t.Optimizer.LoadState(adam); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	var oldEMA *optim.State
	if t.EMA != nil {
		oldEMA = t.EMA.State()
		if err := t.EMA.LoadState(ema); err != nil {
			_ = t.Optimizer.LoadState(oldAdam)
			return fmt.Errorf("checkpoint %s: %w", path, err)
		}
	}
	if err := checkpoint.LoadParams(path, t.params, model, ""); err != nil {
		_ = t.Optimizer.LoadState(oldAdam)
		if oldEMA != nil {
			_ = t.EMA.LoadState(oldEMA)
		}
		return err
	}
	t.Losses, t.Step = losses, step
	if step > 0 {
		t.Epoch = (step - 1) / t.Task.PerEpoch()
	}
	return nil
}

// LoadWeights copies network weights from a checkpoint file f (read from
// path) into params: the weight average ("ema.<name>") when ema is true,
// the raw parameters otherwise. Every name and shape is checked before
// anything is copied.
func LoadWeights(f *checkpoint.File, path string, params []*nn.Param, ema bool) error {
	if ema {
		if _, ok := f.Meta[emaPrefix+"steps"]; !ok {
			return fmt.Errorf("checkpoint %s: no EMA weights in the file (use the raw weights)", path)
		}
		return checkpoint.LoadParams(path, params, f.Tensors, emaPrefix)
	}
	model := map[string]*tensor.Tensor{}
	for name, v := range f.Tensors {
		if !strings.HasPrefix(name, adamPrefix) && !strings.HasPrefix(name, emaPrefix) && !strings.HasPrefix(name, trainPrefix) {
			model[name] = v
		}
	}
	return checkpoint.LoadParams(path, params, model, "")
}
