package melgen

import (
	"context"
	"fmt"
	"os"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

// DefaultModel is the image model of a mel generator for s: the "tiny"
// U-Net (32 channels, mult [1, 2], one ResBlock per level, attention in the
// middle) on Bands×Bands single-channel images with the ten digits as
// classes (label 10 is the null class of guidance), the cosine schedule
// with T = 1000 and ε-prediction, the recipe of the shipped Fashion-MNIST
// model.
func DefaultModel(s Spec) (pipeline.Model, error) {
	u, err := unet.Preset("tiny")
	if err != nil {
		return pipeline.Model{}, err
	}
	u.ImageSize, u.Classes = s.Bands, 10
	return pipeline.Model{UNet: u, Schedule: schedule.Config{Name: "cosine", Steps: 1000}, Target: diffusion.Eps}, nil
}

// Generator is a trained mel model with its vocoder.
type Generator struct {
	Pipe  *pipeline.Pipeline
	Codec *Codec
}

// Load reads a mel model's checkpoint (the EMA weights when ema is true):
// the image model and the Spec of its header. A checkpoint without MetaKey
// is refused as not a mel model.
func Load(path string, ema bool) (*Generator, error) {
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
		return nil, fmt.Errorf("checkpoint %s: no %q entry in the header: not a mel-spectrogram model", path, MetaKey)
	}
	p, err := pipeline.LoadBytes(b, path, ema)
	if err != nil {
		return nil, err
	}
	if u := p.Model.UNet; u.ImageSize != s.Bands || u.InChannels != 1 {
		return nil, fmt.Errorf("checkpoint %s: the U-Net takes %d×%d×%d images, the mel spec makes 1×%d×%d",
			path, u.InChannels, u.ImageSize, u.ImageSize, s.Bands, s.Frames())
	}
	c, err := NewCodec(s)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return &Generator{Pipe: p, Codec: c}, nil
}

// Options are the settings of one Generate call; with the checkpoint they
// fix the clips bit for bit.
type Options struct {
	Sampler  sampler.Spec
	Guidance float64 // classifier-free guidance w (1 = conditional; 0 means 1)
	Seed     uint64
}

// Generate samples one mel image per label (a digit 0–9) with
// classifier-free guidance and vocodes it: clips (N, 1, Samples) at a peak
// of 0.9 and the images (N, 1, Bands, Frames). Image i's noise comes from
// the stream (Seed, i) (pipeline.Options), its Griffin–Lim phases from
// the stream (Seed, i) of another root, so with an item-wise sampler a clip
// does not depend on the others of its batch.
func (g *Generator) Generate(ctx context.Context, labels []int, o Options) (clips, images *tensor.Tensor, err error) {
	images, err = g.Pipe.Generate(ctx, pipeline.Options{N: len(labels), Labels: labels, Guidance: o.Guidance,
		Sampler: o.Sampler, Seed: o.Seed, Threshold: true})
	if err != nil {
		return nil, nil, err
	}
	clips, err = g.Codec.Vocode(images, tensor.NewRNG(o.Seed).Split(1<<40))
	return clips, images, err
}
