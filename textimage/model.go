package textimage

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/models/textenc"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Steps is the number of training steps T of the cosine schedule.
const Steps = 1000

// Model is a trained latent text-to-image model and the autoencoder it
// was trained with.
type Model struct {
	Net *Net
	AE  *autoencoder.Autoencoder
	// AEHash is the SHA-256 of the autoencoder the latents came from.
	AEHash string
}

// record is latent.json.
type record struct {
	AutoencoderHash string `json:"autoencoder_hash"`
	Steps           int    `json:"steps"`
	Target          string `json:"target"`
}

// File names inside a model folder.
const (
	RecordFile  = "latent.json"
	UNetConfig  = "unet.json"
	UNetWeights = "unet.safetensors"
	TextDir     = "text"
)

// New builds an untrained model over ae for images of side imageSize
// (latents of side imageSize/f), with a vocabulary from captions (prompts
// up to maxLen characters), a text width d and a U-Net of base width
// channels (even, at least 8).
func New(ae *autoencoder.Autoencoder, imageSize int, captions []string, maxLen, d, channels int, seed uint64) (*Model, error) {
	if f := ae.Config.Factor(); imageSize < 2*f || imageSize%(2*f) != 0 {
		return nil, fmt.Errorf("textimage: image size %d: want a multiple of %d (twice the autoencoder's factor)", imageSize, 2*f)
	}
	hash, err := ae.Hash()
	if err != nil {
		return nil, err
	}
	vocab, err := textenc.NewVocab(captions, maxLen)
	if err != nil {
		return nil, err
	}
	text, err := textenc.New(vocab, d, 2, 2, seed)
	if err != nil {
		return nil, err
	}
	return newModel(ae, hash, text, channels, imageSize/ae.Config.Factor(), seed)
}

func newModel(ae *autoencoder.Autoencoder, hash string, text *textenc.Encoder, channels, size int, seed uint64) (*Model, error) {
	cfg := unet.Config{ImageSize: size, InChannels: ae.Config.Latent, OutChannels: ae.Config.Latent,
		Channels: channels, ChannelMult: []int{1, 2}, ResBlocks: 1, AttentionResolutions: []int{size / 2},
		Heads: 2, Groups: min(8, channels/2), ContextDim: text.D()}
	u, err := unet.New(cfg, tensor.NewRNG(seed+1))
	if err != nil {
		return nil, err
	}
	return &Model{Net: &Net{UNet: u, Text: text, Prompts: []string{""}}, AE: ae, AEHash: hash}, nil
}

// objective is the ε-prediction loss on the cosine schedule, with caption
// dropout p.
func objective(p float64) *train.Objective {
	return &train.Objective{Schedule: schedule.NewCosine(Steps, 0.008), Target: diffusion.Eps, Weighting: diffusion.SNR,
		LabelDropout: p, NullLabel: Null, Conditional: true}
}

// TrainOptions says how Train runs.
type TrainOptions struct {
	Steps, Batch int
	LR           float64 // AdamW; 0 means 2e-4
	Dropout      float64 // caption dropout probability (0.1 in the paper's CFG runs)
	Seed         uint64
	Every        int
	Log          io.Writer
}

// Train fits m.Net to the scaled latents z: (N, Latent, h, w) with one
// caption each, drawing batches, timesteps, noise and caption dropout
// from opts.Seed. A non-finite loss stops it before the step.
func (m *Model) Train(ctx context.Context, z *tensor.Tensor, captions []string, opts TrainOptions) (err error) {
	defer tensor.Recover(&err)
	if z.Rank() != 4 || z.Shape[0] != len(captions) || z.Shape[0] < 1 {
		return fmt.Errorf("textimage train: %d latents %v for %d captions", z.Shape[0], z.Shape, len(captions))
	}
	if _, err := m.Net.Text.Vocab.Tokenize(captions); err != nil {
		return fmt.Errorf("textimage train: caption: %w", err)
	}
	lr := opts.LR
	if lr == 0 {
		lr = 2e-4
	}
	obj := objective(opts.Dropout)
	ps := m.Net.Params()
	opt := optim.NewAdamW(ps, lr, 0.9, 0.999, 1e-8, 0)
	rng := tensor.NewRNG(opts.Seed)
	per := z.Len() / z.Shape[0]
	for step := range opts.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		xb := tensor.New(append([]int{opts.Batch}, z.Shape[1:]...)...)
		m.Net.Prompts = []string{""}
		y := make([]int, opts.Batch)
		for i := range opts.Batch {
			j := rng.Intn(z.Shape[0])
			copy(xb.Data[i*per:(i+1)*per], z.Data[j*per:(j+1)*per])
			m.Net.Prompts = append(m.Net.Prompts, captions[j])
			y[i] = i + 1
		}
		g := autograd.New()
		opt.ZeroGrad()
		loss, err := obj.Loss(g, m.Net, xb, y, rng)
		if err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		v := float64(loss.Value.Data[0])
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("step %d: loss %v: %w", step, v, autoencoder.ErrNonFinite)
		}
		if err := g.Backward(loss); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if err := opt.Step(); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if opts.Log != nil && opts.Every > 0 && (step+1)%opts.Every == 0 {
			fmt.Fprintf(opts.Log, "textimage step %d/%d: loss %.5f\n", step+1, opts.Steps, v)
		}
	}
	m.Net.Prompts = []string{""}
	return nil
}

// SampleOptions says how Sample runs.
type SampleOptions struct {
	Sampler  sampler.Spec // "" name means DDIM, 50 steps, η = 0
	Guidance float64      // w of diffusion.Guided; 0 means 1 (no guidance)
	Negative string       // the negative prompt ("" is the unconditional one)
	Seed     uint64
}

// Sample generates one image per prompt: latents by the sampler with
// classifier-free guidance, decoded by the autoencoder. Prompts the text
// encoder refuses are returned as errors before any work. Sample and
// Train set m.Net.Prompts, so one Model serves one call at a time.
func (m *Model) Sample(ctx context.Context, prompts []string, opts SampleOptions) (x *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	if len(prompts) == 0 {
		return nil, fmt.Errorf("textimage sample: no prompts")
	}
	if _, err := m.Net.Text.Vocab.Tokenize(append([]string{opts.Negative}, prompts...)); err != nil {
		return nil, err
	}
	spec := opts.Sampler
	if spec.Name == "" {
		spec = sampler.Spec{Name: "ddim", Steps: 50}
	}
	s, err := spec.Build()
	if err != nil {
		return nil, err
	}
	w := opts.Guidance
	if w == 0 {
		w = 1
	}
	sched := schedule.NewCosine(Steps, 0.008)
	n := len(prompts)
	m.Net.Prompts = append([]string{opts.Negative}, prompts...)
	defer func() { m.Net.Prompts = []string{""} }()
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i + 1
	}
	net := func(xt *tensor.Tensor, t []float64, y []int) (*tensor.Tensor, error) {
		return m.Net.Forward(autograd.NoGrad(), autograd.NewVar(xt), t, y).Value, nil
	}
	den := &diffusion.VPDenoiser{Net: net, Schedule: sched, Target: diffusion.Eps, Null: Null}
	steps := spec.Steps
	if steps == 0 {
		steps = sampler.UsualSteps[spec.Name]
	}
	sigmas, err := sampler.DiscreteSigmas(sched, steps, schedule.Trailing)
	if err != nil {
		return nil, err
	}
	rng := tensor.NewRNG(opts.Seed)
	c, side := m.AE.Config.Latent, m.Net.UNet.ImageSize
	x0 := sampler.InitialNoise(rng, sigmas[0], 1, n, c, side, side)
	z, err := sampler.Run(ctx, s, diffusion.Guided{D: den, Labels: labels, Scale: w}, x0, sigmas, rng, nil)
	if err != nil {
		return nil, err
	}
	return m.AE.Decode(z)
}

// Save writes the model to dir (the autoencoder is saved by its own Save;
// latent.json records its hash).
func (m *Model) Save(dir string) error {
	if err := m.Net.Text.Save(filepath.Join(dir, TextDir)); err != nil {
		return err
	}
	if err := checkpoint.WriteJSON(filepath.Join(dir, UNetConfig), m.Net.UNet.Config); err != nil {
		return err
	}
	if err := checkpoint.SaveParams(filepath.Join(dir, UNetWeights), m.Net.UNet.Params(), "", map[string]string{"format": "diffusego-textimage"}); err != nil {
		return err
	}
	return checkpoint.WriteJSON(filepath.Join(dir, RecordFile), record{AutoencoderHash: m.AEHash, Steps: Steps, Target: string(diffusion.Eps)})
}

// Load reads a model saved by Save and joins it to the autoencoder in
// aeDir, refusing an autoencoder other than the one it was trained with.
func Load(dir, aeDir string) (*Model, error) {
	var rec record
	recFile := filepath.Join(dir, RecordFile)
	if err := checkpoint.ReadJSON(recFile, &rec); err != nil {
		return nil, err
	}
	if rec.Steps != Steps || rec.Target != string(diffusion.Eps) {
		return nil, fmt.Errorf("%s: steps %d, target %q: want %d and %q", recFile, rec.Steps, rec.Target, Steps, diffusion.Eps)
	}
	ae, hash, err := autoencoder.Load(aeDir)
	if err != nil {
		return nil, err
	}
	if err := autoencoder.CheckHash(dir, rec.AutoencoderHash, hash); err != nil {
		return nil, err
	}
	text, err := textenc.Load(filepath.Join(dir, TextDir))
	if err != nil {
		return nil, err
	}
	var cfg unet.Config
	if err := checkpoint.ReadJSON(filepath.Join(dir, UNetConfig), &cfg); err != nil {
		return nil, err
	}
	u, err := unet.New(cfg, tensor.NewRNG(0))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, UNetConfig), err)
	}
	if cfg.InChannels != ae.Config.Latent || cfg.ContextDim != text.D() {
		return nil, fmt.Errorf("%s: in_channels %d, context_dim %d: want the autoencoder's %d latents and the text width %d", filepath.Join(dir, UNetConfig), cfg.InChannels, cfg.ContextDim, ae.Config.Latent, text.D())
	}
	wFile := filepath.Join(dir, UNetWeights)
	f, err := checkpoint.ReadFile(wFile)
	if err != nil {
		return nil, err
	}
	if err := checkpoint.LoadParams(wFile, u.Params(), f.Tensors, ""); err != nil {
		return nil, err
	}
	return &Model{Net: &Net{UNet: u, Text: text, Prompts: []string{""}}, AE: ae, AEHash: hash}, nil
}
