package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

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
	return pruneCheckpoints(r.dir, r.keep)
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
