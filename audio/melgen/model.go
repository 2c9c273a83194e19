package melgen

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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

// Load reads a mel model's checkpoint file (the EMA weights when ema is
// true): the image model and the Spec of its header. A checkpoint without
// MetaKey is refused as not a mel model.
func Load(path string, ema bool) (*Generator, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return LoadBytes(b, path, ema)
}

// LoadBytes is Load for a checkpoint held in memory (a shipped model);
// name is used in errors. A sampling export (Export) holds only the EMA
// weights, and asking it for the raw ones is refused.
func LoadBytes(b []byte, name string, ema bool) (*Generator, error) {
	f, err := checkpoint.Decode(b, name)
	if err != nil {
		return nil, err
	}
	s, ok, err := ParseSpec(f.Meta, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: no %q entry in the header: not a mel-spectrogram model", name, MetaKey)
	}
	if f.Meta[ExportKey] != "" && !ema {
		return nil, fmt.Errorf("checkpoint %s: a sampling export holding only the EMA weights: the raw weights are not in it", name)
	}
	p, err := pipeline.LoadBytes(b, name, ema)
	if err != nil {
		return nil, err
	}
	if u := p.Model.UNet; u.ImageSize != s.Bands || u.InChannels != 1 {
		return nil, fmt.Errorf("checkpoint %s: the U-Net takes %d×%d×%d images, the mel spec makes 1×%d×%d",
			name, u.InChannels, u.ImageSize, u.ImageSize, s.Bands, s.Frames())
	}
	c, err := NewCodec(s)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", name, err)
	}
	return &Generator{Pipe: p, Codec: c}, nil
}

// ExportKey is the header entry of a sampling export (Export): the
// checkpoint it was made from.
const ExportKey = "audio.mel.exported_from"

// Export writes a sampling-only copy of the mel checkpoint src to dst: the
// EMA weights (under their "ema." names, so Load with ema reads them) and
// the header entries that describe the model, its mel spec and its data,
// without the raw weights, AdamW's moments and the loss history — a quarter
// of a training checkpoint. The copy cannot resume training. dst is
// written atomically.
func Export(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	// Check that it loads as a mel model before anything is written.
	if _, err := LoadBytes(b, src, true); err != nil {
		return err
	}
	f, err := checkpoint.Decode(b, src)
	if err != nil {
		return err
	}
	meta := map[string]string{}
	for k, v := range f.Meta {
		if !strings.HasPrefix(k, "adam.") && !strings.HasPrefix(k, "train.") {
			meta[k] = v
		}
	}
	if step, ok := f.Meta["train.step"]; ok {
		meta["audio.mel.step"] = step
	}
	meta[ExportKey] = filepath.Base(src)
	tensors := map[string]*tensor.Tensor{}
	for k, t := range f.Tensors {
		if strings.HasPrefix(k, "ema.") {
			tensors[k] = t
		}
	}
	return checkpoint.WriteSafetensors(dst, tensors, meta)
}

// Options are the settings of one Generate call; with the checkpoint they
// fix the clips bit for bit.
type Options struct {
	Sampler  sampler.Spec
	Guidance float64 // classifier-free guidance w (1 = conditional; 0 means 1)
	Seed     uint64
	// Progress, when set, is told after every sampler step (a server's
	// progress events); it does not change the clips.
	Progress func(step, total int)
}

// Generate samples one mel image per label (a digit 0–9) with
// classifier-free guidance and vocodes it: clips (N, 1, Samples) at a peak
// of 0.9 and the images (N, 1, Bands, Frames). Image i's noise comes from
// the stream (Seed, i) (pipeline.Options), its Griffin–Lim phases from
// the stream (Seed, i) of another root, so with an item-wise sampler a clip
// does not depend on the others of its batch.
func (g *Generator) Generate(ctx context.Context, labels []int, o Options) (clips, images *tensor.Tensor, err error) {
	po := pipeline.Options{N: len(labels), Labels: labels, Guidance: o.Guidance, Sampler: o.Sampler, Seed: o.Seed, Threshold: true}
	if o.Progress != nil {
		sigmas, err := o.Sampler.Sigmas(g.Pipe.Schedule)
		if err != nil {
			return nil, nil, err
		}
		po.Visit = func(step int, _ *tensor.Tensor) { o.Progress(step+1, len(sigmas)-1) }
	}
	images, err = g.Pipe.Generate(ctx, po)
	if err != nil {
		return nil, nil, err
	}
	clips, err = g.Codec.Vocode(images, tensor.NewRNG(o.Seed).Split(1<<40))
	return clips, images, err
}
