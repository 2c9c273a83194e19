package anomaly

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
)

// Detector scores images for anomaly with a trained image model: (a) the
// reconstruction error of ReconstructionScores and (b) the negative ELBO
// in bits per dimension (diffusion.ELBO). Both are higher for images
// unlike the training data.
type Detector struct {
	Pipeline *pipeline.Pipeline
	// Class is the label the model is conditioned on (the normal class)
	// for a class-conditional model; it must be −1 for an unconditional one.
	Class int
	Recon restore.ReconOptions // zero value: σ ∈ {0.2, 0.5, 1}, 2 draws, 20 DDPM steps; set Recon.Denoise.OneShot for one call
	// ELBOTerms is diffusion.ELBO.Terms: the diffusion terms evaluated
	// (stratified in log σ); 0 means all T−1.
	ELBOTerms int
	ELBOSeed  uint64 // every chunk's ELBO uses tensor.NewRNG(ELBOSeed), so all chunks share the ELBO steps
	Chunk     int    // images scored together; 0 means 100
	// Progress, when set, is told the work done and its total as it goes:
	// Score counts denoiser steps, every reconstruction sampler step
	// (restore.ReconOptions.Steps) and every ELBO term
	// (diffusion.ELBO.Calls) of every chunk; Features counts images,
	// after each chunk. It does not change the scores.
	Progress func(done, total int)
}

// Scores are one image's anomaly scores per image of a batch.
type Scores struct {
	Recon []float64 // mean squared reconstruction error (pixels in [−1, 1])
	ELBO  []float64 // negative ELBO, bits per dimension
}

// Thresholds are the scores above which an image is flagged.
type Thresholds struct {
	Recon, ELBO float64
}

// Check refuses x unless it is a non-empty batch (N, C, H, W) of the
// model's channels and size, and refuses a Class that does not fit the
// model's conditioning.
func (d *Detector) Check(x *tensor.Tensor) error {
	if d.Pipeline == nil {
		return fmt.Errorf("anomaly: detector: no model")
	}
	cfg := d.Pipeline.Model.UNet
	switch {
	case cfg.Classes == 0 && d.Class != -1:
		return fmt.Errorf("anomaly: detector: class %d given, but the model is unconditional", d.Class)
	case cfg.Classes > 0 && (d.Class < 0 || d.Class >= cfg.Classes):
		return fmt.Errorf("anomaly: detector: the model is class-conditional (%d classes): want the normal class in 0 … %d, got %d",
			cfg.Classes, cfg.Classes-1, d.Class)
	case cfg.InChannels != cfg.OutChannels:
		return fmt.Errorf("anomaly: detector: the model maps %d channels to %d: want an image denoiser (same channels in and out)",
			cfg.InChannels, cfg.OutChannels)
	}
	if x == nil || x.Rank() != 4 || x.Dim(0) == 0 ||
		!tensor.SameShape(x.Shape, []int{x.Dim(0), cfg.InChannels, cfg.ImageSize, cfg.ImageSize}) {
		return fmt.Errorf("anomaly: detector: images %s: want (N ≥ 1, %d, %d, %d), the model's channels and size",
			tensorShape(x), cfg.InChannels, cfg.ImageSize, cfg.ImageSize)
	}
	return nil
}

// Score returns both scores for every image of x: (N, C, H, W) in
// [−1, 1], chunk by chunk.
func (d *Detector) Score(ctx context.Context, x *tensor.Tensor) (s *Scores, err error) {
	defer tensor.Recover(&err)
	if err := d.Check(x); err != nil {
		return nil, err
	}
	chunk := d.Chunk
	if chunk <= 0 {
		chunk = 100
	}
	n, per := x.Dim(0), x.Len()/x.Dim(0)
	s = &Scores{Recon: make([]float64, 0, n), ELBO: make([]float64, 0, n)}
	elbo := diffusion.ELBO{Schedule: d.Pipeline.Schedule, Terms: d.ELBOTerms}
	// Each chunk takes reconSteps reconstruction steps, then elbo.Calls()
	// ELBO terms; done counts them over the chunks.
	recon, chunks := d.Recon, (n+chunk-1)/chunk
	reconSteps := recon.Steps()
	perChunk := reconSteps + elbo.Calls()
	done, total := 0, chunks*perChunk
	tell := func(k int) {
		if d.Progress != nil {
			d.Progress(done+k, total)
		}
	}
	recon.Progress = func(step, steps int) {
		if d.Recon.Progress != nil {
			d.Recon.Progress(step, steps)
		}
		tell(step)
	}
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, x.Shape[1:]...)...)
		den := d.Pipeline.Denoiser(d.labels(hi - lo))
		rec, err := restore.ReconstructionScores(ctx, den, part, recon)
		if err != nil {
			return nil, fmt.Errorf("images %d–%d: %w", lo, hi-1, err)
		}
		terms := 0
		bpd, err := d.elbo(ctx, elbo, counted{den, func() { terms++; tell(reconSteps + terms) }}, part)
		if err != nil {
			return nil, fmt.Errorf("images %d–%d: %w", lo, hi-1, err)
		}
		s.Recon = append(s.Recon, rec...)
		s.ELBO = append(s.ELBO, bpd...)
		done += perChunk
	}
	return s, nil
}

// counted is a denoiser that calls call after every evaluation.
type counted struct {
	d    sampler.Denoiser
	call func()
}

// Denoise is d's, then call.
func (c counted) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	y, err := c.d.Denoise(x, sigma)
	if err == nil {
		c.call()
	}
	return y, err
}

// PickThresholds returns the q-quantile of each score over validation
// images that are all normal (QuantileThreshold): flagging above it keeps
// the false-positive rate near 1 − q.
func PickThresholds(normal *Scores, q float64) (Thresholds, error) {
	if normal == nil {
		return Thresholds{}, fmt.Errorf("anomaly: pick thresholds: no validation scores")
	}
	r, err := restore.QuantileThreshold(normal.Recon, q)
	if err != nil {
		return Thresholds{}, err
	}
	e, err := restore.QuantileThreshold(normal.ELBO, q)
	if err != nil {
		return Thresholds{}, err
	}
	return Thresholds{Recon: r, ELBO: e}, nil
}

// tensorShape formats x's shape for errors; nil reads "nil".
func tensorShape(x *tensor.Tensor) string {
	if x == nil {
		return "nil"
	}
	return tensor.FormatShape(x.Shape)
}

// ELBOBits returns the negative ELBO in bits per dimension of every image
// of x: (N, C, H, W) in [−1, 1], as Score does, without the
// reconstruction score.
func (d *Detector) ELBOBits(ctx context.Context, x *tensor.Tensor) (bpd []float64, err error) {
	defer tensor.Recover(&err)
	if err := d.Check(x); err != nil {
		return nil, err
	}
	chunk := d.Chunk
	if chunk <= 0 {
		chunk = 100
	}
	n, per := x.Dim(0), x.Len()/x.Dim(0)
	elbo := diffusion.ELBO{Schedule: d.Pipeline.Schedule, Terms: d.ELBOTerms}
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, x.Shape[1:]...)...)
		b, err := d.elbo(ctx, elbo, d.Pipeline.Denoiser(d.labels(hi-lo)), part)
		if err != nil {
			return nil, fmt.Errorf("images %d–%d: %w", lo, hi-1, err)
		}
		bpd = append(bpd, b...)
	}
	return bpd, nil
}

// elbo returns the negative ELBO in bits per dimension of each image of
// part, with the ELBO steps drawn from ELBOSeed.
func (d *Detector) elbo(ctx context.Context, elbo diffusion.ELBO, den sampler.Denoiser, part *tensor.Tensor) ([]float64, error) {
	return restore.ELBOScores(func(x *tensor.Tensor) ([]float64, error) {
		r, err := elbo.BitsPerDim(ctx, den, x, tensor.NewRNG(d.ELBOSeed))
		if err != nil {
			return nil, err
		}
		return r.Total, nil
	}, part)
}
