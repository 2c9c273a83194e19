package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"path/filepath"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/train"
)

// taskRun is what the text and graph training commands share around a
// train.Trainer: checkpoints (ckpt-STEP.safetensors with meta in the
// header, plus loss.png) every few steps, at the end, when the time budget
// runs out and on Ctrl-C, keeping the newest few.
type taskRun struct {
	tr         *train.Trainer
	dir        string            // the run folder
	meta       map[string]string // header entries of every checkpoint
	keep       int               // checkpoints kept; 0 keeps all
	curveTitle string            // loss.png's title
}

// runFlags are the settings every `diffuse MODALITY train` command
// shares: the run folder, what to resume from, the optimiser and its
// schedule, the budget, and when to log and save.
type runFlags struct {
	out, resume                   string
	steps, warmup, logEvery       int
	checkpointEvery, keep         int
	minutes, lr, decay, clip, ema float64
}

// runDefaults are one command's defaults for the runFlags that differ
// between commands.
type runDefaults struct {
	steps, warmup, checkpointEvery int
	lr, decay                      float64
}

// add declares the flags on fl with the defaults d.
func (r *runFlags) add(fl *pflag.FlagSet, d runDefaults) {
	fl.StringVar(&r.out, "out", "", "output folder for checkpoints and the loss curve")
	fl.StringVar(&r.resume, "resume", "", "checkpoint file, or a run folder (its newest checkpoint), to continue from")
	fl.IntVar(&r.steps, "steps", d.steps, "optimiser steps (the learning-rate schedule spans them)")
	fl.Float64Var(&r.minutes, "minutes", 0, "wall-clock budget in minutes (0 = none)")
	fl.Float64Var(&r.lr, "lr", d.lr, "peak learning rate")
	fl.IntVar(&r.warmup, "warmup", d.warmup, "learning-rate warm-up steps")
	fl.Float64Var(&r.decay, "weight-decay", d.decay, "AdamW weight decay")
	fl.Float64Var(&r.clip, "clip", 1, "gradient-norm clip (0 = off)")
	fl.Float64Var(&r.ema, "ema", 0.999, "weight EMA decay (0 = off)")
	fl.IntVar(&r.logEvery, "log-every", 50, "steps between progress lines")
	fl.IntVar(&r.checkpointEvery, "checkpoint-every", d.checkpointEvery, "steps between checkpoints")
	fl.IntVar(&r.keep, "keep", 2, "checkpoints to keep (0 = all)")
}

// options are the trainer's options: AdamW with cosine decay after the
// warm-up, as the flags say, drawing its randomness from seed.
func (r runFlags) options(seed uint64) train.Options {
	return train.Options{Steps: r.steps, LR: r.lr, LRSchedule: "cosine", Warmup: r.warmup, WeightDecay: r.decay,
		ClipNorm: r.clip, EMADecay: r.ema, Seed: seed, LogEvery: r.logEvery}
}

// resumeInto loads the checkpoint from into tr and says so on log; an
// empty from starts afresh.
func resumeInto(tr *train.Trainer, from string, log io.Writer) error {
	if from == "" {
		return nil
	}
	if err := tr.Load(from); err != nil {
		return err
	}
	fmt.Fprintf(log, "resumed from %s at step %d\n", from, tr.Step)
	return nil
}

// save writes the checkpoint of step and the loss curve, then prunes.
func (r taskRun) save(step int) error {
	path := filepath.Join(r.dir, fmt.Sprintf("ckpt-%06d.safetensors", step))
	if err := r.tr.Save(path, r.meta); err != nil {
		return err
	}
	if len(r.tr.Losses) >= 2 {
		curve, err := pngout.LossCurve(r.tr.Losses, pngout.CurveOptions{Title: r.curveTitle, LogY: true, Smooth: 50})
		if err != nil {
			return err
		}
		if err := pngout.WriteFile(filepath.Join(r.dir, "loss.png"), curve, nil); err != nil {
			return err
		}
	}
	return checkpoint.Prune(r.dir, r.keep)
}

// run trains until the trainer's steps are done or minutes (0: no budget)
// have passed, saving every checkpointEvery steps (0: never in between)
// and at the end. On Ctrl-C (ctx cancelled) it saves and returns ctx's
// error.
func (r taskRun) run(ctx context.Context, minutes float64, checkpointEvery int, log io.Writer) error {
	if checkpointEvery > 0 {
		r.tr.Hooks = append(r.tr.Hooks, train.Hook{Every: checkpointEvery, Do: r.save})
	}
	runCtx := ctx
	if minutes > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(minutes*float64(time.Minute)))
		defer cancel()
	}
	err := r.tr.Run(runCtx)
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		fmt.Fprintf(log, "time budget of %g minutes reached after step %d\n", minutes, r.tr.Step)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(log, "interrupted after step %d: saving a checkpoint\n", r.tr.Step)
		if serr := r.save(r.tr.Step); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	default:
		return err
	}
	last := filepath.Join(r.dir, fmt.Sprintf("ckpt-%06d.safetensors", r.tr.Step))
	if !fileExists(last) {
		if err := r.save(r.tr.Step); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "done: %d steps; checkpoint %s\n", r.tr.Step, last)
	return nil
}
