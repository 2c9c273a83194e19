package textimage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// Pictures is a captioned picture set as Train reads it; data/emoji.Set
// (the emoji pictures and their names) and data.Captioned (a user's image
// folder and caption file) are two.
type Pictures interface {
	Len() int
	// Captions returns the caption of each item of idx ("" trains
	// unconditionally).
	Captions(idx []int) []string
	// Batch decodes the items idx as (len(idx), 3, S, S) in [-1, 1], S the
	// model's image size, composited on white.
	Batch(idx []int) (*tensor.Tensor, error)
}

// TrainOptions are Train's settings.
type TrainOptions struct {
	// Out is the run folder: textimage.json, the autoencoder's copy,
	// ckpt-NNNNNN.safetensors and train-stats.json are written there.
	Out string
	// Resume is a checkpoint of this model to continue from exactly (the
	// optimiser, EMA and step are restored); "" starts a new run.
	Resume string
	Steps  int     // total optimiser steps (a resumed run counts the earlier ones)
	Batch  int     // pictures per step
	LR     float64 // AdamW peak learning rate (cosine schedule)
	Warmup int     // warm-up steps; < 0 means min(200, Steps/10)
	EMA    float64 // decay of the weight average
	Seed   uint64
	// CheckpointEvery is the number of steps between checkpoints (0: only
	// at the end, on a time budget or on cancellation).
	CheckpointEvery int
	Keep            int     // newest checkpoints kept; 0 keeps all
	Minutes         float64 // wall-clock budget of the training loop; 0: none
	Log             io.Writer
	// Hooks run after the checkpoint hook (a caller's progress reports,
	// or a stop by cancelling ctx).
	Hooks []train.Hook
}

// TrainStats is train-stats.json, written at the end of a run: what the
// equal-budget tables read.
type TrainStats struct {
	Space           string  `json:"space"`
	Steps           int     `json:"steps"`
	Batch           int     `json:"batch"`
	Pictures        int     `json:"pictures"`
	EncodeSeconds   float64 `json:"encode_seconds"`
	TrainSeconds    float64 `json:"train_seconds"`
	TrainCPUSeconds float64 `json:"train_cpu_seconds"`
	ImagesPerSecond float64 `json:"images_per_second"`
	FirstStep       int     `json:"first_step"` // > 0 when resumed
}

// StatsFile is the name of train-stats.json in a run folder.
const StatsFile = "train-stats.json"

// checkpointName is the file name of the checkpoint of step in a run
// folder.
func checkpointName(step int) string { return fmt.Sprintf("ckpt-%06d.safetensors", step) }

// Train trains m on the pictures idx of pics with their captions: the
// pictures are encoded once (Encode: latents or pixels), then m's
// Objective runs in a train.Trainer (AdamW, cosine learning rate after
// the warm-up, clipping at 1, EMA), saving the run folder, a checkpoint
// every CheckpointEvery steps and at the end, and TrainStats. Reaching
// Minutes ends the run normally (with a checkpoint); cancelling ctx saves
// a checkpoint and returns the cancellation. A resumed run refuses a
// checkpoint of another model.
func Train(ctx context.Context, m *Model, pics Pictures, idx []int, o TrainOptions) (stats *TrainStats, err error) {
	defer tensor.Recover(&err)
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	switch {
	case o.Out == "":
		return nil, fmt.Errorf("textimage train: no output folder")
	case o.Steps < 1 || o.Batch < 1 || !(o.LR > 0) || o.Minutes < 0 || o.CheckpointEvery < 0 || o.Keep < 0:
		return nil, fmt.Errorf("textimage train: steps %d, batch %d, lr %g, minutes %g, checkpoint every %d, keep %d: want positive steps, batch and lr, the rest ≥ 0",
			o.Steps, o.Batch, o.LR, o.Minutes, o.CheckpointEvery, o.Keep)
	case len(idx) == 0:
		return nil, fmt.Errorf("textimage train: no pictures to train on")
	}
	start := time.Now()
	x, err := encodePictures(pics, idx, m)
	if err != nil {
		return nil, err
	}
	encodeSeconds := time.Since(start).Seconds()
	warmup := o.Warmup
	if warmup < 0 {
		warmup = min(200, o.Steps/10)
	}
	tr, err := m.Trainer(x, pics.Captions(idx), o.Batch, train.Options{Steps: o.Steps, LR: o.LR, LRSchedule: "cosine",
		Warmup: warmup, ClipNorm: 1, EMADecay: o.EMA, Seed: o.Seed, LogEvery: 50})
	if err != nil {
		return nil, err
	}
	if o.Resume != "" {
		if err := tr.Load(o.Resume); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "train: resumed from %s at step %d\n", o.Resume, tr.Step)
	}
	if err := m.SaveFolder(o.Out); err != nil {
		return nil, err
	}
	meta, err := m.Meta()
	if err != nil {
		return nil, err
	}
	save := func(step int) error {
		if err := tr.Save(filepath.Join(o.Out, checkpointName(step)), meta); err != nil {
			return err
		}
		return checkpoint.Prune(o.Out, o.Keep)
	}
	tr.Log = log
	if o.CheckpointEvery > 0 {
		tr.Hooks = append(tr.Hooks, train.Hook{Every: o.CheckpointEvery, Do: save})
	}
	tr.Hooks = append(tr.Hooks, o.Hooks...)
	fmt.Fprintf(log, "train: %s-space text-to-image, %d pictures encoded to %s in %.1f s, U-Net %d params on (%d, %d, %d), batch %d, %d steps\n",
		m.Spec.Space, len(idx), tensor.FormatShape(x.Shape[1:]), encodeSeconds, nn.Count(m.Net.UNet.Params()), m.Channels(), m.Side(), m.Side(), o.Batch, o.Steps)
	runCtx := ctx
	if o.Minutes > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(o.Minutes*float64(time.Minute)))
		defer cancel()
	}
	first, trainStart, cpu0 := tr.Step, time.Now(), cputime.Seconds()
	err = tr.Run(runCtx)
	trainSeconds, cpu := time.Since(trainStart).Seconds(), cputime.Seconds()-cpu0
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		fmt.Fprintf(log, "time budget of %g minutes reached after step %d\n", o.Minutes, tr.Step)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(log, "interrupted after step %d: saving a checkpoint\n", tr.Step)
		if serr := save(tr.Step); serr != nil {
			return nil, errors.Join(err, serr)
		}
		return nil, err
	default:
		return nil, err
	}
	last := filepath.Join(o.Out, checkpointName(tr.Step))
	if _, err := os.Stat(last); err != nil {
		if err := save(tr.Step); err != nil {
			return nil, err
		}
	}
	done := tr.Step - first
	stats = &TrainStats{Space: m.Spec.Space, Steps: tr.Step, Batch: o.Batch, Pictures: len(idx), EncodeSeconds: encodeSeconds,
		TrainSeconds: trainSeconds, TrainCPUSeconds: cpu, ImagesPerSecond: float64(done*o.Batch) / max(trainSeconds, 1e-9), FirstStep: first}
	if err := checkpoint.WriteJSON(filepath.Join(o.Out, StatsFile), stats); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "done: %d steps (%.1f images/s over %.0f s); checkpoint %s\n", tr.Step, stats.ImagesPerSecond, trainSeconds, last)
	return stats, nil
}

// encodePictures reads the pictures idx, 64 at a time, and encodes them
// for m (latents, or the pixels themselves).
func encodePictures(pics Pictures, idx []int, m *Model) (*tensor.Tensor, error) {
	x := tensor.New(len(idx), m.Channels(), m.Side(), m.Side())
	per := x.Len() / max(len(idx), 1)
	for lo := 0; lo < len(idx); lo += 64 {
		hi := min(lo+64, len(idx))
		b, err := pics.Batch(idx[lo:hi])
		if err != nil {
			return nil, err
		}
		z, err := m.Encode(b)
		if err != nil {
			return nil, err
		}
		copy(x.Data[lo*per:hi*per], z.Data)
	}
	return x, nil
}
