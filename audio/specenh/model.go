package specenh

import (
	"context"
	"fmt"
	"os"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// DefaultModel is the image model of an enhancer for s: a U-Net on
// Size×Size images with 16 base channels, four levels of widths 16, 32,
// 64 and 64 (down to 8×8, so that its receptive field spans the whole
// second), one ResBlock per level and attention in the middle; 2 + 2
// channels in (x_t and the noisy image) and 2 out; no classes. Cosine
// schedule with T = 1000 and x₀ prediction: at the largest σ the network
// is a predictive enhancer (the posterior mean given the noisy image), and
// the later steps refine it, as StoRM does (Lemercier et al. 2023).
func DefaultModel(s Spec) pipeline.Model {
	u := unet.Config{ImageSize: s.Size(), InChannels: 4, OutChannels: 2, Channels: 16, ChannelMult: []int{1, 2, 4, 4},
		ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Groups: 8}
	return pipeline.Model{UNet: u, Schedule: schedule.Config{Name: "cosine", Steps: 1000}, Target: diffusion.X0,
		Cond: &pipeline.Cond{Task: pipeline.TaskPaired, Channels: 2}}
}

// Enhancer is a trained spectrogram enhancement model with its codec.
type Enhancer struct {
	Pipe  *pipeline.Pipeline
	Codec *Codec
}

// New returns an enhancer of model m and spec s with fresh weights from
// seed; the model must take s's images with a 2-channel paired condition.
func New(m pipeline.Model, s Spec, seed uint64) (*Enhancer, error) {
	if err := check(m, s); err != nil {
		return nil, err
	}
	c, err := NewCodec(s)
	if err != nil {
		return nil, err
	}
	p, err := pipeline.New(m, seed)
	if err != nil {
		return nil, fmt.Errorf("specenh: %w", err)
	}
	return &Enhancer{Pipe: p, Codec: c}, nil
}

// check says whether model m takes the images of s.
func check(m pipeline.Model, s Spec) error {
	if err := s.Validate(); err != nil {
		return err
	}
	u := m.UNet
	if m.Cond == nil || m.Cond.Task != pipeline.TaskPaired || m.Cond.Channels != 2 || u.OutChannels != 2 || u.ImageSize != s.Size() {
		return fmt.Errorf("specenh: the model must be a paired image model with 2 condition channels and 2 output channels on %d×%d images", s.Size(), s.Size())
	}
	return nil
}

// Load reads an enhancer's checkpoint (the EMA weights when ema is true):
// the image model and the Spec of its header. A checkpoint without
// MetaKey is refused as not a spectrogram enhancement model.
func Load(path string, ema bool) (*Enhancer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	f, err := checkpoint.Decode(b, path)
	if err != nil {
		return nil, err
	}
	s, ok, err := ParseSpec(f.Meta, path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: no %q entry in the header: not a spectrogram enhancement model", path, MetaKey)
	}
	p, err := pipeline.LoadBytes(b, path, ema)
	if err != nil {
		return nil, err
	}
	if err := check(p.Model, s); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	c, err := NewCodec(s)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return &Enhancer{Pipe: p, Codec: c}, nil
}

// Options are the settings of Enhance; with the checkpoint they fix the
// output bit for bit.
type Options struct {
	Sampler sampler.Spec
	Samples int // posterior samples averaged; 0 means 1
	Seed    uint64
}

// scaleToPeak returns x scaled so that its largest magnitude is peak, and
// the factor (1 for silence).
func scaleToPeak(x []float64, peak float64) ([]float64, float64) {
	s := audio.PeakScale(x, peak)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * s
	}
	return out, s
}

// Enhance returns the estimate of the clean speech in noisy clips (each
// Samples long): every clip is scaled to Spec.Peak, mapped to its image,
// the mean of o.Samples posterior samples of the clean image given it is
// drawn with pipeline.TranslateMean (sample j with seed o.Seed + j·2³²;
// the images clipped to [−1, 1] at every step), and the clean image goes
// back to a waveform with the noisy phase and is scaled back. The clips
// of one call share the noise draws of their batch, so a clip's estimate
// depends on its batch; the same call gives the same bits.
func (e *Enhancer) Enhance(ctx context.Context, noisy [][]float64, o Options) (out [][]float64, err error) {
	defer tensor.Recover(&err)
	s, S := e.Codec.Spec, e.Codec.Spec.Size()
	if len(noisy) == 0 {
		return nil, fmt.Errorf("specenh: enhance: no clips")
	}
	k := max(o.Samples, 1)
	if o.Samples < 0 {
		return nil, fmt.Errorf("specenh: enhance: samples: want ≥ 1, got %d", o.Samples)
	}
	cond := tensor.New(len(noisy), 2, S, S)
	scaled := make([][]float64, len(noisy))
	scales := make([]float64, len(noisy))
	for i, x := range noisy {
		if len(x) != s.Samples {
			return nil, fmt.Errorf("specenh: enhance: clip %d has %d samples: want %d", i, len(x), s.Samples)
		}
		scaled[i], scales[i] = scaleToPeak(x, s.Peak)
		e.Codec.Image(scaled[i], cond.Data[i*2*S*S:(i+1)*2*S*S])
	}
	img, err := e.Pipe.TranslateMean(ctx, cond, pipeline.Options{Sampler: o.Sampler, Seed: o.Seed, Threshold: true}, k)
	if err != nil {
		return nil, err
	}
	out = make([][]float64, len(noisy))
	for i := range noisy {
		y, err := e.Codec.Waveform(img.Data[i*2*S*S:(i+1)*2*S*S], scaled[i])
		if err != nil {
			return nil, err
		}
		for j := range y {
			y[j] /= scales[i]
		}
		out[i] = y
	}
	return out, nil
}

// EnhanceLong enhances a recording of any length at the model's rate: it
// is cut into windows of Samples (the last zero-padded), each window is
// enhanced on its own (Enhance on the batch of windows) and the result is
// cut back to len(x).
func (e *Enhancer) EnhanceLong(ctx context.Context, x []float64, o Options) ([]float64, error) {
	L := e.Codec.Spec.Samples
	if len(x) == 0 {
		return nil, fmt.Errorf("specenh: enhance: empty recording")
	}
	var windows [][]float64
	for lo := 0; lo < len(x); lo += L {
		w := make([]float64, L)
		copy(w, x[lo:min(lo+L, len(x))])
		windows = append(windows, w)
	}
	ys, err := e.Enhance(ctx, windows, o)
	if err != nil {
		return nil, err
	}
	out := make([]float64, 0, len(windows)*L)
	for _, y := range ys {
		out = append(out, y...)
	}
	return out[:len(x)], nil
}

// Method is an enhancer as an enhance.Method, for the tables of
// audio/enhance: one clip at a time.
type Method struct {
	Enhancer *Enhancer
	Options  Options
	Label    string // the table's row name; empty gives a description
}

// Name implements enhance.Method.
func (m Method) Name() string {
	if m.Label != "" {
		return m.Label
	}
	return fmt.Sprintf("diffusego spectrogram enhancer (%s, %d steps, mean of %d)", m.Options.Sampler.Name,
		m.Options.Sampler.StepCount(m.Enhancer.Pipe.Model.Schedule.Steps), max(m.Options.Samples, 1))
}

// Denoise implements enhance.Method; the noise, when given, is not used.
func (m Method) Denoise(noisy []float64, rate int, _ []float64) ([]float64, error) {
	s := m.Enhancer.Codec.Spec
	if rate != s.Rate || len(noisy) != s.Samples {
		return nil, fmt.Errorf("specenh: %d samples at %d Hz: want %d at %d Hz", len(noisy), rate, s.Samples, s.Rate)
	}
	y, err := m.Enhancer.Enhance(context.Background(), [][]float64{noisy}, m.Options)
	if err != nil {
		return nil, err
	}
	return y[0], nil
}
