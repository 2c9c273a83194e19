package distill_test

import (
	"context"
	"errors"
	"os"

	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/distill"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

// tinyModel is a two-class 8×8 U-Net small enough for unit tests.
func tinyModel() pipeline.Model {
	return pipeline.Model{
		UNet: unet.Config{ImageSize: 8, InChannels: 1, OutChannels: 1, Channels: 8, ChannelMult: []int{1, 2},
			ResBlocks: 1, AttentionResolutions: []int{}, Heads: 1, Classes: 2, Groups: 4},
		Schedule: schedule.Config{Name: "cosine", Steps: 100},
		Target:   diffusion.Eps,
	}
}

func tinyRun(t *testing.T) (*pipeline.Pipeline, *train.Batches, distill.Config) {
	t.Helper()
	teacher, err := pipeline.New(tinyModel(), 7)
	if err != nil {
		t.Fatal(err)
	}
	rng := tensor.NewRNG(2)
	x := rng.Rand(-1, 1, 12, 1, 8, 8)
	labels := make([]int, 12)
	for i := range labels {
		labels[i] = i % 2
	}
	cfg := goodConfig()
	cfg.StartSteps, cfg.FinalSteps, cfg.TrainSteps, cfg.Warmup = 2, 1, 3, 0
	b, err := train.TensorBatches(x, labels, cfg.Batch, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return teacher, b, cfg
}

// A whole run on a tiny model (two rounds of three steps; three runs take
// about 0.5 s of CPU, 1.7 s on a loaded 2-core machine): the students' files say what they are, sample with their own
// schedule only, and a run stopped in round 1 and resumed ends with the
// same bits; another folder's run and other settings are refused.
func TestRunWritesStudentsAndResumes(t *testing.T) {
	teacher, batches, cfg := tinyRun(t)
	dir := t.TempDir()
	whole, err := distill.Run(context.Background(), cfg, teacher, batches, distill.Output{Dir: filepath.Join(dir, "whole"), CheckpointEvery: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) != 2 || filepath.Base(whole[0]) != "student-0002.safetensors" || filepath.Base(whole[1]) != "student-0001.safetensors" {
		t.Fatalf("students %v, want student-0002 then student-0001", whole)
	}
	for round, path := range whole {
		p, err := pipeline.Load(path, true)
		if err != nil {
			t.Fatal(err)
		}
		s := p.Model.Student
		if s == nil || s.Round != round || s.Steps != 2>>round || s.Guidance != 3 || s.Teacher != cfg.TeacherSHA256 || p.Model.Target != diffusion.V {
			t.Errorf("%s: student %+v, target %q; want round %d, %d steps, guidance 3, v", path, s, p.Model.Target, round, 2>>round)
		}
		x, err := p.Generate(context.Background(), pipeline.Options{N: 2, Labels: []int{0, 1}, Guidance: 3,
			Sampler: sampler.Spec{Name: "dpmpp2m"}, Seed: 1, Threshold: true})
		if err != nil || x.Dim(0) != 2 {
			t.Errorf("%s: Generate: %v", path, err)
		}
		_, err = p.Generate(context.Background(), pipeline.Options{N: 2, Labels: []int{0, 1}, Guidance: 3,
			Sampler: sampler.Spec{Name: "ddim", Steps: 8}, Seed: 1})
		if err == nil || !strings.Contains(err.Error(), "distilled for") {
			t.Errorf("%s: 8 steps from a %d-step student: error %v, want one saying what it was distilled for", path, s.Steps, err)
		}
		_, err = p.Generate(context.Background(), pipeline.Options{N: 2, Labels: []int{0, 1}, Guidance: 5, Seed: 1})
		if err == nil || !strings.Contains(err.Error(), "guidance 3 distilled in") {
			t.Errorf("%s: guidance 5 from a w = 3 student: error %v, want one naming its w", path, err)
		}
	}

	// Stop after the second step of round 1, then resume.
	part := filepath.Join(dir, "part")
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	stopper := &cancelAfter{cancel: cancel, after: cfg.TrainSteps + 2, count: &steps}
	_, err = distill.Run(ctx, cfg, teacher, batches, distill.Output{Dir: part, CheckpointEvery: 1, LogEvery: 1, Log: stopper})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped run: %v, want context.Canceled", err)
	}
	if ck, _ := filepath.Glob(filepath.Join(part, "ckpt-r01-000002.safetensors")); len(ck) != 1 {
		entries, _ := os.ReadDir(part)
		t.Fatalf("after the stop in round 1: want ckpt-r01-000002.safetensors, folder holds %v", entries)
	}
	if _, err := distill.Run(context.Background(), cfg, teacher, batches, distill.Output{Dir: part}); err == nil || !strings.Contains(err.Error(), "pass --resume") {
		t.Errorf("a second run into a run's folder: %v, want a refusal naming --resume", err)
	}
	other := cfg
	other.LR = 5e-3
	if _, err := distill.Run(context.Background(), other, teacher, batches, distill.Output{Dir: part, Resume: true}); err == nil || !strings.Contains(err.Error(), "lr: the run was started with 0.001, now 0.005") {
		t.Errorf("resume with another lr: %v, want the lr named", err)
	}
	if _, err := distill.Run(context.Background(), cfg, teacher, batches, distill.Output{Dir: filepath.Join(dir, "none"), Resume: true}); err == nil || !strings.Contains(err.Error(), "nothing to resume") {
		t.Errorf("resume of an empty folder: %v, want nothing to resume", err)
	}
	resumed, err := distill.Run(context.Background(), cfg, teacher, batches, distill.Output{Dir: part, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range whole {
		a, b := studentWeights(t, whole[i]), studentWeights(t, resumed[i])
		for j := range a {
			if !slices.Equal(a[j], b[j]) {
				t.Fatalf("%s: parameter %d differs from the uninterrupted run's", resumed[i], j)
			}
		}
	}
	left, _ := filepath.Glob(filepath.Join(part, "ckpt-*"))
	if len(left) != 0 {
		t.Errorf("round checkpoints left after the run: %v", left)
	}
}

// cancelAfter is a progress log that cancels the run after a number of
// progress lines (one per step with LogEvery 1).
type cancelAfter struct {
	cancel func()
	after  int
	count  *int
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if strings.HasPrefix(string(p), "step ") {
		if *c.count++; *c.count == c.after {
			c.cancel()
		}
	}
	return len(p), nil
}

func studentWeights(t *testing.T, path string) [][]float32 {
	t.Helper()
	p, err := pipeline.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float32
	for _, q := range p.Net.Params() {
		out = append(out, q.V.Value.Data)
	}
	return out
}
