package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/distill"
	"github.com/diffusego/diffusego/internal/cputime"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

// distillSettings are the flags of `diffuse distill`.
type distillSettings struct {
	teacher    string
	dataPath   string
	out        string
	resume     bool
	minutes    float64
	every      int
	logEvery   int
	cfg        distill.Config
	threshold  bool
	guidance   float64
	startSteps int
	finalSteps int
}

func newDistillCmd() *cobra.Command {
	var s distillSettings
	cmd := &cobra.Command{
		Use:   "distill",
		Short: "Distil a guided model into a student that samples in 1–4 network calls",
		Long: `distill turns a trained image model into few-step students: round 0 distils
classifier-free guidance at scale --guidance into one network call per step
(Meng et al. 2023) on the DDIM grid of --start-steps steps, and every later
round halves the steps, each student step matching two of its teacher's
DDIM steps (progressive distillation, Salimans & Ho 2022), down to
--final-steps. Every round trains --train-steps optimiser steps on the
Fashion-MNIST training images and writes student-NNNN.safetensors
(NNNN = its steps); sample one with

  diffuse sample --checkpoint OUT/student-0004.safetensors

which uses the student's own DDIM schedule and its distilled guidance.
Checkpoints (ckpt-rRR-SSSSSS.safetensors) are written every
--checkpoint-every steps, at --minutes and on Ctrl-C; --resume continues
the run in --out exactly, and refuses other settings. Each file records the
teacher's SHA-256, the round, the steps, w and the CPU seconds spent.`,
		Example: `  diffuse distill --out out/distill --guidance 3 --start-steps 16 --final-steps 1 --train-steps 500
  diffuse distill --out out/distill --resume --guidance 3 --start-steps 16 --final-steps 1 --train-steps 500
  diffuse sample --checkpoint out/distill/student-0004.safetensors --n 100 --out samples4`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := distill.Rounds(s.startSteps, s.finalSteps); err != nil {
				return usagef("--start-steps %d, --final-steps %d: %v", s.startSteps, s.finalSteps, err)
			}
			if s.minutes < 0 {
				return usagef("--minutes: want ≥ 0, got %g", s.minutes)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runDistill(ctx, s, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.teacher, "teacher", "", "teacher checkpoint file or run folder (default: the shipped Fashion-MNIST model)")
	f.StringVar(&s.dataPath, "data", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder (the training images)")
	f.StringVar(&s.out, "out", "runs/distill", "output folder")
	f.BoolVar(&s.resume, "resume", false, "continue the run in --out (same settings)")
	f.Float64Var(&s.minutes, "minutes", 0, "wall-clock budget in minutes (0 = none): then save a checkpoint and stop")
	f.IntVar(&s.every, "checkpoint-every", 100, "optimiser steps between checkpoints")
	f.IntVar(&s.logEvery, "log-every", 50, "steps between progress lines")
	f.Float64Var(&s.guidance, "guidance", 3, "classifier-free guidance scale w to distil in (1 = plain conditional)")
	f.IntVar(&s.startSteps, "start-steps", 16, "DDIM steps of the round-0 student (a power of two)")
	f.IntVar(&s.finalSteps, "final-steps", 1, "steps of the last student (a power of two)")
	f.IntVar(&s.cfg.TrainSteps, "train-steps", 500, "optimiser steps per round")
	f.IntVar(&s.cfg.Batch, "batch", 32, "training images per step")
	f.Float64Var(&s.cfg.LR, "lr", 2e-4, "peak learning rate (cosine decay each round)")
	f.IntVar(&s.cfg.Warmup, "warmup", 20, "warm-up steps of each round")
	f.Float64Var(&s.cfg.EMA, "ema", 0.999, "weight-average decay (with warm-up); the next round and sampling use the average")
	f.Uint64Var(&s.cfg.Seed, "seed", 1, "random seed")
	f.BoolVar(&s.threshold, "threshold", true, "clip the teacher's predicted image to [-1, 1], as sampling does")
	return cmd
}

func runDistill(ctx context.Context, s distillSettings, log io.Writer) error {
	cfg := s.cfg
	cfg.Teacher, cfg.TeacherSHA256, cfg.Guidance = s.teacher, "unread", s.guidance
	cfg.StartSteps, cfg.FinalSteps, cfg.Threshold = s.startSteps, s.finalSteps, s.threshold
	if err := cfg.Validate(); err != nil { // the flags, before reading files
		return usagef("%v", err)
	}
	teacher, hash, err := jobs.LoadModel(s.teacher, false)
	if err != nil {
		return err
	}
	cfg.TeacherSHA256 = hash
	if err := distill.CheckTeacher(teacher.Model, cfg); err != nil {
		return err
	}
	u := teacher.Model.UNet
	if u.ImageSize != 28 || u.InChannels != 1 {
		return fmt.Errorf("distill: teacher: a %d×%d model with %d channels; the training images are Fashion-MNIST's 28×28 grey", u.ImageSize, u.ImageSize, u.InChannels)
	}
	images, labels, err := data.LoadFashionMNIST(s.dataPath, "train")
	if err != nil {
		return err
	}
	if u.Classes == 0 {
		labels = nil
	}
	batches, err := train.TensorBatches(images, labels, cfg.Batch, cfg.Seed)
	if err != nil {
		return err
	}
	runCtx := ctx
	if s.minutes > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(s.minutes*float64(time.Minute)))
		defer cancel()
	}
	students, err := distill.Run(runCtx, cfg, teacher, batches, distill.Output{Dir: s.out, Resume: s.resume,
		CheckpointEvery: s.every, LogEvery: s.logEvery, Log: log, CPU: processCPU()})
	if err != nil {
		if runCtx.Err() != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(log, "time budget of %g minutes reached; continue with --resume\n", s.minutes)
			return nil
		}
		return err
	}
	for _, p := range students {
		fmt.Fprintf(log, "student: %s\n", p)
	}
	return nil
}

// processCPU is the process's CPU clock for a run's cost, or nil (count
// wall-clock time) where the system does not report it.
func processCPU() func() time.Duration {
	if !cputime.Available {
		return nil
	}
	return cputime.Process
}
