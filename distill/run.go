package distill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"crypto/sha256"
	"encoding/hex"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/train"
)

// Header keys a distillation checkpoint carries besides the model and
// ConfigKey.
const (
	// RoundTeacherKey holds the SHA-256 of the round's own teacher: the
	// original model in round 0, the previous student after.
	RoundTeacherKey = "diffusego.distill.round_teacher_sha256"
	// CPUKey holds the CPU seconds the run had spent when the file was
	// written, resumed runs included.
	CPUKey  = "diffusego.distill.cpu_seconds"
	runFile = "run.json"
)

// Output says where and how a run writes.
type Output struct {
	Dir string
	// Resume continues the run in Dir; its run.json must hold the same
	// Config. Without it, a Dir that holds a run is refused.
	Resume          bool
	CheckpointEvery int       // optimiser steps between checkpoints; 0 means 100
	LogEvery        int       // steps between progress lines; 0 means 50
	Log             io.Writer // progress; nil for none
	// CPU returns the CPU time the process has used; nil uses the wall
	// clock. The run adds it up across resumes in each checkpoint (CPUKey).
	CPU func() time.Duration
}

// StudentFile is the name of the student of n steps in a run folder.
func StudentFile(n int) string { return fmt.Sprintf("student-%04d.safetensors", n) }

// Run distils teacher (read from a file with SHA-256 cfg.TeacherSHA256)
// with the images and labels of data, round by round (Rounds), writing to
// out.Dir, and returns the paths of the students, round 0 first. Rounds
// whose student file exists are not run again; a round that stopped part
// way resumes from its newest checkpoint. When ctx is cancelled the round
// saves a checkpoint and Run returns ctx's error.
func Run(ctx context.Context, cfg Config, teacher *pipeline.Pipeline, data *train.Batches, out Output) ([]string, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := CheckTeacher(teacher.Model, cfg); err != nil {
		return nil, err
	}
	if data.Size != cfg.Batch {
		return nil, fmt.Errorf("distill: batches of %d images for a run with batch %d", data.Size, cfg.Batch)
	}
	steps, _ := Rounds(cfg.StartSteps, cfg.FinalSteps)
	if err := startRun(cfg, out); err != nil {
		return nil, err
	}
	log := out.Log
	if log == nil {
		log = io.Discard
	}
	clock := newClock(out.CPU)
	var students []string
	prev, prevHash := teacher, cfg.TeacherSHA256
	for round, n := range steps {
		path := filepath.Join(out.Dir, StudentFile(n))
		_, err := os.Stat(path)
		done := err == nil
		if !done {
			if err := runRound(ctx, cfg, round, n, prev, prevHash, data, out, clock, log); err != nil {
				return students, err
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return students, fmt.Errorf("distill: %w", err)
		}
		p, err := pipeline.LoadBytes(b, path, true)
		if err != nil {
			return students, err
		}
		if err := checkStudent(p.Model, cfg, round, n, path); err != nil {
			return students, err
		}
		sum := sha256.Sum256(b)
		prev, prevHash = p, hex.EncodeToString(sum[:])
		if f, err := checkpoint.Decode(b, path); err == nil && done {
			clock.resumeFrom(f.Meta)
			fmt.Fprintf(log, "round %d: wrote %s before (%.1f CPU-minutes so far)\n", round, path, clock.seconds()/60)
		}
		students = append(students, path)
	}
	return students, nil
}

// startRun checks out.Dir against out.Resume and writes run.json.
func startRun(cfg Config, out Output) error {
	path := filepath.Join(out.Dir, runFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil && !out.Resume:
		return fmt.Errorf("distill: %s holds a distillation run (%s): pass --resume to continue it, or another --out", out.Dir, runFile)
	case err == nil:
		var old Config
		if err := checkpoint.DecodeJSON(b, path, &old); err != nil {
			return err
		}
		if err := old.SameRun(cfg); err != nil {
			return fmt.Errorf("distill: --resume %s: %w; resume with the run's settings, or start another --out", out.Dir, err)
		}
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("distill: %w", err)
	case out.Resume:
		return fmt.Errorf("distill: --resume: no %s in %s: nothing to resume", runFile, out.Dir)
	}
	if err := os.MkdirAll(out.Dir, 0o755); err != nil {
		return fmt.Errorf("distill: %w", err)
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(cfg)
	})
}

// checkStudent checks that the student file of a round says what the run
// expects of it.
func checkStudent(m pipeline.Model, cfg Config, round, steps int, path string) error {
	s := m.Student
	if s == nil || s.Round != round || s.Steps != steps || s.Guidance != cfg.Guidance || s.Teacher != cfg.TeacherSHA256 {
		return fmt.Errorf("distill: %s: want the student of round %d (%d steps, guidance %g, teacher %.12s…), got %+v", path, round, steps, cfg.Guidance, cfg.TeacherSHA256, s)
	}
	return nil
}

// clock measures the run's CPU (or wall) seconds since its start.
type clock struct {
	now   func() time.Duration
	start time.Duration
	base  float64 // seconds already spent before this process
}

func newClock(cpu func() time.Duration) *clock {
	if cpu == nil {
		t0 := time.Now()
		cpu = func() time.Duration { return time.Since(t0) }
	}
	return &clock{now: cpu, start: cpu()}
}

func (c *clock) seconds() float64 { return c.base + (c.now() - c.start).Seconds() }

// resumeFrom makes the clock continue from a checkpoint's count.
func (c *clock) resumeFrom(meta map[string]string) {
	if v, err := strconv.ParseFloat(meta[CPUKey], 64); err == nil {
		c.base, c.start = v, c.now()
	}
}

// runRound trains the student of round (n steps) from teacher and writes
// its file.
func runRound(ctx context.Context, cfg Config, round, n int, teacher *pipeline.Pipeline, teacherHash string, data *train.Batches, out Output, clk *clock, log io.Writer) error {
	m := teacher.Model
	m.Target = diffusion.V
	m.Student = &pipeline.Student{Steps: n, Guidance: cfg.Guidance, Round: round, Teacher: cfg.TeacherSHA256}
	student, err := pipeline.New(m, cfg.Seed)
	if err != nil {
		return fmt.Errorf("distill: round %d: %w", round, err)
	}
	// The student starts as its teacher (Salimans & Ho 2022, Algorithm 2).
	sp, tp := student.Net.Params(), teacher.Net.Params()
	for i := range sp {
		if sp[i].Name != tp[i].Name || len(sp[i].V.Value.Data) != len(tp[i].V.Value.Data) {
			return fmt.Errorf("distill: round %d: student parameter %s does not match the teacher's %s", round, sp[i].Name, tp[i].Name)
		}
		copy(sp[i].V.Value.Data, tp[i].V.Value.Data)
	}
	sigmas, perStep, err := TeacherGrid(teacher.Schedule, round, n)
	if err != nil {
		return fmt.Errorf("distill: round %d: %w", round, err)
	}
	conditional := m.UNet.Classes > 0
	guide := func(labels []int) sampler.Denoiser {
		var d sampler.Denoiser = teacher.Denoiser(labels)
		if round == 0 && labels != nil && cfg.Guidance != 1 {
			d = diffusion.Guided{D: teacher.Denoiser(nil), Labels: labels, Scale: cfg.Guidance}
		}
		if cfg.Threshold {
			d = sampler.Thresholded{D: d}
		}
		return d
	}
	task := &Task{Student: student.Net, Schedule: student.Schedule, Target: diffusion.V, Teacher: guide,
		Sigmas: sigmas, PerStep: perStep, Data: data, Conditional: conditional}
	if err := task.Validate(); err != nil {
		return err
	}
	logEvery := out.LogEvery
	if logEvery <= 0 {
		logEvery = 50
	}
	tr, err := train.NewTask(task, train.Options{Steps: cfg.TrainSteps, LR: cfg.LR, LRSchedule: "cosine",
		Warmup: cfg.Warmup, ClipNorm: 1, EMADecay: cfg.EMA, Seed: cfg.Seed + uint64(round), LogEvery: logEvery})
	if err != nil {
		return fmt.Errorf("distill: round %d: %w", round, err)
	}
	tr.Log = log
	prefix := fmt.Sprintf("ckpt-r%02d-", round)
	list, err := filepath.Glob(filepath.Join(out.Dir, prefix+"*.safetensors"))
	if err != nil {
		return fmt.Errorf("distill: %w", err)
	}
	slices.Sort(list)
	if len(list) > 0 {
		last := list[len(list)-1]
		if err := tr.Load(last); err != nil {
			return fmt.Errorf("distill: round %d: %w", round, err)
		}
		f, err := checkpoint.ReadFile(last)
		if err != nil {
			return err
		}
		clk.resumeFrom(f.Meta)
		fmt.Fprintf(log, "round %d: resumed from %s at step %d\n", round, last, tr.Step)
	} else {
		fmt.Fprintf(log, "round %d: %d-step student from %d teacher steps (%s), %d train steps of %d images\n",
			round, n, n*perStep, map[bool]string{true: fmt.Sprintf("guidance %g in one call", cfg.Guidance), false: "two steps in one"}[round == 0], cfg.TrainSteps, cfg.Batch)
	}
	meta := func() map[string]string {
		h := student.Model.Meta()
		b, _ := json.Marshal(cfg)
		h[ConfigKey] = string(b)
		h[RoundTeacherKey] = teacherHash
		h[CPUKey] = strconv.FormatFloat(clk.seconds(), 'f', 1, 64)
		return h
	}
	saved := tr.Step
	save := func(step int) error {
		path := filepath.Join(out.Dir, fmt.Sprintf("%s%06d.safetensors", prefix, step))
		if err := tr.Save(path, meta()); err != nil {
			return err
		}
		saved = step
		old, _ := filepath.Glob(filepath.Join(out.Dir, prefix+"*.safetensors"))
		for _, o := range old {
			if o != path {
				_ = os.Remove(o)
			}
		}
		return nil
	}
	every := out.CheckpointEvery
	if every <= 0 {
		every = 100
	}
	tr.Hooks = append(tr.Hooks, train.Hook{Every: every, Do: func(step int) error {
		if step == cfg.TrainSteps {
			return nil // the student file follows
		}
		return save(step)
	}})
	if err := tr.Run(ctx); err != nil {
		if ctx.Err() != nil && tr.Step > saved {
			if serr := save(tr.Step); serr != nil {
				return errors.Join(err, serr)
			}
			fmt.Fprintf(log, "round %d: stopped at step %d; saved a checkpoint to resume from\n", round, tr.Step)
		}
		return fmt.Errorf("distill: round %d: %w", round, err)
	}
	path := filepath.Join(out.Dir, StudentFile(n))
	if err := tr.Save(path, meta()); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(out.Dir, prefix+"*.safetensors"))
	for _, o := range old {
		_ = os.Remove(o)
	}
	fmt.Fprintf(log, "round %d: wrote %s (%.1f CPU-minutes so far)\n", round, path, clk.seconds()/60)
	return nil
}
