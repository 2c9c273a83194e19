package diffwave

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/tensor"
)

// Peak is the level the denoiser sees: each noisy input is scaled so that
// its largest magnitude is Peak, and the estimate is scaled back.
const Peak = 0.9

// Enhance returns k posterior samples' mean estimate of the clean speech
// in each noisy clip: noisy (N, 1, Samples) → (N, 1, Samples). The model
// must be a TaskDenoise model; every clip is scaled to Peak first (and
// the estimate back), as in training. Sample j of every clip uses the seed
// stream (opts.Seed, j), so the estimate is deterministic.
func Enhance(ctx context.Context, m *Model, noisy *tensor.Tensor, k int, opts Options) (out *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	cfg := m.Config
	if cfg.Task != TaskDenoise {
		return nil, fmt.Errorf("denoise: the model was trained for %q, not denoising", cfg.Task)
	}
	L := cfg.Samples
	if noisy.Rank() != 3 || noisy.Dim(1) != 1 || noisy.Dim(2) != L {
		return nil, fmt.Errorf("denoise: noisy clips %s: want (N, 1, %d)", tensor.FormatShape(noisy.Shape), L)
	}
	if k < 1 {
		return nil, fmt.Errorf("denoise: samples: want ≥ 1, got %d", k)
	}
	n := noisy.Dim(0)
	cond := noisy.Clone()
	scale := make([]float64, n)
	for i := range n {
		row := cond.Data[i*L : (i+1)*L]
		scale[i] = audio.PeakScale(row, Peak)
		for j := range row {
			row[j] = float32(float64(row[j]) * scale[i])
		}
	}
	d, err := m.Denoiser(nil, cond)
	if err != nil {
		return nil, err
	}
	sum := make([]float64, n*L)
	for j := range k {
		o := opts
		o.Seed = opts.Seed + uint64(j)*0x9E3779B97F4A7C15 // a distinct stream per sample; j = 0 is opts.Seed
		if opts.Progress != nil {
			o.Progress = func(step, total int) { opts.Progress(j*total+step, k*total) }
		}
		x, err := run(ctx, m, d, n, o)
		if err != nil {
			return nil, err
		}
		for i, v := range x.Data {
			sum[i] += float64(v)
		}
	}
	out = tensor.New(n, 1, L)
	for i := range n {
		for j := range L {
			out.Data[i*L+j] = float32(sum[i*L+j] / float64(k) / scale[i])
		}
	}
	return out, nil
}

// Method is a denoising model as an enhance.Method, for the tables of
// audio/enhance: it denoises one clip at a time with Samples posterior
// samples averaged.
type Method struct {
	Model   *Model
	Samples int
	Options Options
	Label   string // the table's row name; empty gives a description
}

// Name implements enhance.Method.
func (e Method) Name() string {
	if e.Label != "" {
		return e.Label
	}
	return fmt.Sprintf("diffusego DiffWave denoiser (%s, %d steps, mean of %d)", e.Options.Sampler.Name,
		e.Options.Sampler.StepCount(e.Model.Config.Steps), e.Samples)
}

// Denoise implements enhance.Method; the noise, when given, is not used.
func (e Method) Denoise(noisy []float64, rate int, _ []float64) ([]float64, error) {
	L := e.Model.Config.Samples
	if rate != e.Model.Config.Rate || len(noisy) != L {
		return nil, fmt.Errorf("denoise: %d samples at %d Hz: want %d at %d Hz", len(noisy), rate, L, e.Model.Config.Rate)
	}
	x := tensor.New(1, 1, L)
	for i, v := range noisy {
		x.Data[i] = float32(v)
	}
	y, err := Enhance(context.Background(), e.Model, x, e.Samples, e.Options)
	if err != nil {
		return nil, err
	}
	out := make([]float64, L)
	for i, v := range y.Data {
		out[i] = float64(v)
	}
	return out, nil
}
