package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/train"
)

// writeTrainingPictures writes a grid of samples from the EMA weights
// (samples-STEP.png: one row per class, or 8×8 when unconditional) and the
// loss curve so far (loss.png).
func writeTrainingPictures(ctx context.Context, tr *train.Trainer, p *pipeline.Pipeline, dir string, step int) error {
	if tr.EMA != nil {
		tr.EMA.Swap()
		defer tr.EMA.Swap()
	}
	classes := p.Model.UNet.Classes
	opts := pipeline.Options{N: 64, Sampler: previewSampler, Seed: 1, Threshold: true}
	const cols = 8
	if classes > 0 {
		opts.N = classes * cols
		opts.Labels = make([]int, opts.N)
		for i := range opts.Labels {
			opts.Labels[i] = i / cols
		}
		opts.Guidance = 2
	}
	x, err := p.Generate(ctx, opts)
	if err != nil {
		return fmt.Errorf("sample grid: %w", err)
	}
	img, err := pngout.Grid(x, cols, 2)
	if err != nil {
		return err
	}
	meta := map[string]string{"step": fmt.Sprint(step), "sampler": previewSampler.Name,
		"steps": fmt.Sprint(previewSampler.Steps), "guidance": fmt.Sprint(opts.Guidance), "seed": "1", "weights": "ema"}
	if err := pngout.WriteFile(filepath.Join(dir, fmt.Sprintf("samples-%06d.png", step)), img, meta); err != nil {
		return err
	}
	return writeLossCurve(tr, dir)
}

// writeLossCurve writes the loss curve so far to loss.png (nothing before
// two steps).
func writeLossCurve(tr *train.Trainer, dir string) error {
	if len(tr.Losses) < 2 {
		return nil
	}
	curve, err := pngout.LossCurve(tr.Losses, pngout.CurveOptions{Title: "training loss", LogY: true, Smooth: 50})
	if err != nil {
		return err
	}
	return pngout.WriteFile(filepath.Join(dir, "loss.png"), curve, nil)
}
