package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// ConfigKey is the safetensors header key under which a checkpoint keeps
// the Model of its network as JSON.
const ConfigKey = "diffusego.model"

// textConfigKey marks a text model's checkpoint (text.ConfigKey), named
// here only to say what a wrong file is.
const textConfigKey = "diffusego.text"

// Model says what network a checkpoint holds and how it was trained: what
// is needed to sample from it.
type Model struct {
	UNet     unet.Config      `json:"unet"`
	Schedule schedule.Config  `json:"schedule"`
	Target   diffusion.Target `json:"target"`
	// Cond, when set, conditions the model on an image (super-resolution,
	// paired image-to-image); sample it with Translate or SuperResolve.
	// Checkpoints without it are unconditional or class-conditional.
	Cond *Cond `json:"cond,omitempty"`
	// Student, when set, marks a few-step student distilled from a
	// guided teacher: Generate samples it only with its own schedule.
	Student *Student `json:"student,omitempty"`
}

// Pipeline is a trained image model ready to sample: the U-Net, its
// schedule and its prediction target.
type Pipeline struct {
	Model    Model
	Net      *unet.Model
	Schedule schedule.Schedule
	// MaxBatch bounds the images in one network call (guidance doubles
	// the batch); 0 means 128.
	MaxBatch int
}

// New builds a pipeline with freshly initialised weights (seeded).
func New(m Model, seed uint64) (*Pipeline, error) {
	net, err := unet.New(m.UNet, tensor.NewRNG(seed))
	if err != nil {
		return nil, err
	}
	sch, err := m.Schedule.Build()
	if err != nil {
		return nil, err
	}
	switch m.Target {
	case diffusion.Eps, diffusion.X0, diffusion.V:
	default:
		return nil, fmt.Errorf("pipeline: target %q: want eps, x0 or v", m.Target)
	}
	if m.Cond != nil {
		if err := m.Cond.Validate(m.UNet.InChannels, m.UNet.OutChannels, m.UNet.ImageSize); err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
	}
	if m.Student != nil {
		if err := m.Student.Validate(); err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		if m.Cond != nil {
			return nil, fmt.Errorf("pipeline: student: an image-conditioned model cannot be a distilled student")
		}
	}
	return &Pipeline{Model: m, Net: net, Schedule: sch}, nil
}

// Load reads a checkpoint written by training: the Model from its header,
// then the EMA weights when ema is true, the raw weights otherwise.
func Load(path string, ema bool) (*Pipeline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return LoadBytes(b, path, ema)
}

// LoadBytes is Load for a checkpoint held in memory; name is used in errors.
func LoadBytes(data []byte, name string, ema bool) (*Pipeline, error) {
	f, err := checkpoint.Decode(data, name)
	if err != nil {
		return nil, err
	}
	raw, ok := f.Meta[ConfigKey]
	if !ok {
		if _, text := f.Meta[textConfigKey]; text {
			return nil, fmt.Errorf("checkpoint %s: a text model, not an image model (use diffuse text sample)", name)
		}
		return nil, fmt.Errorf("checkpoint %s: no %q entry in the header: not a diffusego image model", name, ConfigKey)
	}
	var m Model
	if err := checkpoint.DecodeJSON([]byte(raw), name+": "+ConfigKey, &m); err != nil {
		return nil, err
	}
	if err := m.UNet.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", name, err)
	}
	p, err := New(m, 0)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", name, err)
	}
	if err := train.LoadWeights(f, name, p.Net.Params(), ema); err != nil {
		return nil, err
	}
	return p, nil
}

// Meta returns the header entry that Load needs, to add to a checkpoint.
func (m Model) Meta() map[string]string {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // plain data always marshals
	}
	return map[string]string{ConfigKey: string(b)}
}

// Denoiser returns the network as an x0 denoiser in the samplers' σ view,
// conditioned on labels (nil when unconditional).
func (p *Pipeline) Denoiser(labels []int) *diffusion.VPDenoiser {
	return p.denoiser(labels, nil)
}

// denoiser is Denoiser with the condition image cond: (N, Cc, H, W) joined
// to x_t before every network call; nil for an unconditional model.
func (p *Pipeline) denoiser(labels []int, cond *tensor.Tensor) *diffusion.VPDenoiser {
	maxBatch := p.MaxBatch
	if maxBatch <= 0 {
		maxBatch = 128
	}
	forward := func(xt *tensor.Tensor, t []float64, y []int, lo, hi int) (*tensor.Tensor, error) {
		in := xt
		if cond != nil {
			per := cond.Len() / cond.Dim(0)
			part := tensor.FromData(cond.Data[lo*per:hi*per], append([]int{hi - lo}, cond.Shape[1:]...)...)
			var err error
			if in, err = p.Model.Cond.Join(xt, part); err != nil {
				return nil, err
			}
		}
		// Activations come from the pool and go back after the call, so a
		// sampling loop reuses one forward pass's memory at every step.
		g := autograd.NoGradPooled()
		out := p.Net.Forward(g, autograd.NewVar(in), t, y).Value.Clone()
		g.Release(nil)
		return out, nil
	}
	net := func(xt *tensor.Tensor, t []float64, y []int) (*tensor.Tensor, error) {
		n := xt.Dim(0)
		if cond != nil && cond.Dim(0) != n {
			return nil, fmt.Errorf("pipeline: %d condition images for a batch of %d", cond.Dim(0), n)
		}
		if n <= maxBatch { // the usual case: one call
			return forward(xt, t, y, 0, n)
		}
		out := tensor.New(xt.Shape...)
		per := xt.Len() / max(n, 1)
		for lo := 0; lo < n; lo += maxBatch {
			hi := min(lo+maxBatch, n)
			part := tensor.FromData(xt.Data[lo*per:hi*per], append([]int{hi - lo}, xt.Shape[1:]...)...)
			var yy []int
			if y != nil {
				yy = y[lo:hi]
			}
			pred, err := forward(part, t[lo:hi], yy, lo, hi)
			if err != nil {
				return nil, err
			}
			copy(out.Data[lo*per:hi*per], pred.Data)
		}
		return out, nil
	}
	return &diffusion.VPDenoiser{Net: net, Schedule: p.Schedule, Target: p.Model.Target, Labels: labels, Null: p.Model.UNet.Classes}
}

// Options are the settings of one Generate call; together with the
// checkpoint they determine the images bit for bit.
type Options struct {
	N        int          // number of images
	Labels   []int        // class of each image (len N), or nil when unconditional; the null class (Classes) asks for the unconditional model
	Guidance float64      // classifier-free guidance scale w (1 = plain conditional; 0 means 1, or for a Student its own w)
	Sampler  sampler.Spec // which sampler, steps, temperature
	Seed     uint64
	// First is the global index of the first image. In Generate, image
	// i's initial noise is drawn from its own stream, derived from
	// (Seed, First+i) alone, so with a sampler whose items do not interact
	// (sampler.Spec.ItemWise) an image does not depend on which batch or
	// run it was drawn in: images lo..hi−1 of one large run equal a run of
	// hi−lo images with First lo.
	First int
	// Items, when set, gives each image its own noise stream: image i's
	// initial noise is drawn from (Items[i].Seed, Items[i].Index), as it
	// would be as image Index of a call with that Seed, and Seed and First
	// are not used. One call can so draw the images of several requests,
	// each exactly as its own call would (a server's batch). Only an
	// item-wise sampler (sampler.Spec.ItemWise) keeps that promise, so
	// Generate refuses Items with any other; len(Items) must be N.
	Items []sampler.Item
	// Threshold clips predicted images to [−1, 1] at every step (static
	// thresholding), which keeps guided samples in range.
	Threshold bool
	// Visit, when set, sees x after every step (for trajectories).
	Visit func(step int, x *tensor.Tensor)
}

// Generate draws opts.N images: (N, C, H, W) in the data range [−1, 1]
// (values are clipped there).
func (p *Pipeline) Generate(ctx context.Context, opts Options) (*tensor.Tensor, error) {
	cfg := p.Model.UNet
	if opts.N < 1 {
		return nil, fmt.Errorf("generate: n: want ≥ 1, got %d", opts.N)
	}
	if c := p.Model.Cond; c != nil {
		return nil, fmt.Errorf("generate: the model is conditioned on an image (task %q): use Translate or SuperResolve", c.Task)
	}
	if opts.Labels != nil {
		if cfg.Classes == 0 {
			return nil, fmt.Errorf("generate: the model is unconditional: no classes to ask for")
		}
		if len(opts.Labels) != opts.N {
			return nil, fmt.Errorf("generate: %d labels for %d images", len(opts.Labels), opts.N)
		}
		for i, c := range opts.Labels {
			if c < 0 || c > cfg.Classes {
				return nil, fmt.Errorf("generate: label %d of image %d: want a class in 0..%d, or %d (the null class: unconditional)", c, i, cfg.Classes-1, cfg.Classes)
			}
		}
	}
	if err := sampler.CheckItems(opts.Items, opts.N, "images", opts.Sampler); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	var d sampler.Denoiser = p.Denoiser(opts.Labels)
	if st := p.Model.Student; st != nil {
		// The guidance is inside the student: one call per step.
		spec, err := st.Spec(opts.Sampler, opts.Guidance)
		if err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		opts.Sampler, opts.Guidance = spec, 1
	}
	if opts.Labels != nil && opts.Guidance != 0 && opts.Guidance != 1 {
		d = diffusion.Guided{D: p.Denoiser(nil), Labels: opts.Labels, Scale: opts.Guidance}
	}
	if opts.Threshold {
		d = sampler.Thresholded{D: d}
	}
	x, err := p.sample(ctx, opts, d, opts.N, cfg.InChannels, true)
	if err != nil {
		return nil, err
	}
	for i, v := range x.Data {
		x.Data[i] = min(max(v, -1), 1)
	}
	return x, nil
}

// sample runs opts.Sampler (its steps, temperature, seed and visitor) with
// the denoiser d, from noise of n images of the given channels at the
// model's size. With perItem, image i's initial noise comes from the
// stream of (opts.Seed, opts.First+i), or of opts.Items[i] when set
// (Generate); else the batch's noise is one draw from opts.Seed
// (Translate, whose outputs stay as they were).
func (p *Pipeline) sample(ctx context.Context, opts Options, d sampler.Denoiser, n, channels int, perItem bool) (*tensor.Tensor, error) {
	s, err := opts.Sampler.Build()
	if err != nil {
		return nil, err
	}
	sigmas, err := opts.Sampler.Sigmas(p.Schedule)
	if err != nil {
		return nil, err
	}
	size := p.Model.UNet.ImageSize
	if opts.First < 0 {
		return nil, fmt.Errorf("generate: first: want ≥ 0, got %d", opts.First)
	}
	rng := tensor.NewRNG(opts.Seed)
	if !perItem {
		x := sampler.InitialNoise(rng.Split(0), sigmas[0], opts.Sampler.Temp(), n, channels, size, size)
		return sampler.Run(ctx, s, d, x, sigmas, rng.Split(1), opts.Visit)
	}
	x := sampler.ItemNoise(opts.Seed, opts.First, opts.Items, sigmas[0], opts.Sampler.Temp(), n, channels, size, size)
	// The step stream is opts.Seed's; an item-wise sampler draws nothing
	// from it, so it does not matter that Items have seeds of their own.
	return sampler.Run(ctx, s, d, x, sigmas, rng.Split(1), opts.Visit)
}
