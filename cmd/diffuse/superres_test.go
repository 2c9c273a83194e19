package main

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// writeNoisePNGs writes n random grey size×size PNGs named 0.png, 1.png, …
// into dir (seeded: the same files every run).
func writeNoisePNGs(t *testing.T, dir string, n, size int, seed uint64) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	x := tensor.NewRNG(seed).Rand(-1, 1, n, 1, size, size)
	for i := range n {
		img, err := pngout.Grid(tensor.FromData(x.Data[i*size*size:(i+1)*size*size], 1, 1, size, size), 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := pngout.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.png", i)), img, nil); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// taskConfig writes a run configuration of a tiny 8×8 U-Net with two
// channels in and one out, and the given task and data sections.
func taskRunConfig(t *testing.T, out string, steps int, task, dataSection string) string {
	t.Helper()
	cfg := fmt.Sprintf(`model:
  unet: {image_size: 8, in_channels: 2, out_channels: 1, channels: 8, channel_mult: [1, 2], res_blocks: 1,
         attention_resolutions: [], heads: 1, classes: 0, groups: 4}
%s
task: %s
train: {steps: %d, batch: 4, lr: 0.001, warmup: 1, ema: 0.9, seed: 3}
output: {dir: %s, log_every: 1, sample_every: 2, checkpoint_every: 1, val_every: 2, keep: 0}
`, dataSection, task, steps, out)
	path := filepath.Join(t.TempDir(), "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func pngSize(t *testing.T, path string) (int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

// TestSuperResEndToEnd trains an x2 model on 8×8 images, checks that a
// stopped and resumed run equals an uninterrupted one, enlarges 4×4 PNGs
// to 8×8 and refuses inputs of the wrong size or the wrong model.
// Budget: about 2 s on 2 cores.
func TestSuperResEndToEnd(t *testing.T) {
	dir := t.TempDir()
	images := writeNoisePNGs(t, filepath.Join(dir, "images"), 16, 8, 1)
	dataSection := fmt.Sprintf("data: {source: folder, path: %s, val_images: 4}", images)
	task := "{name: superres, factor: 2, residual: true}"
	stopped, straight := filepath.Join(dir, "stopped"), filepath.Join(dir, "straight")
	mustRun(t, "train", "--config", taskRunConfig(t, straight, 2, task, dataSection))
	mustRun(t, "train", "--config", taskRunConfig(t, stopped, 2, task, dataSection), "--steps", "1")
	mustRun(t, "train", "--config", taskRunConfig(t, stopped, 2, task, dataSection), "--resume", stopped)
	tensorsEqual(t, filepath.Join(straight, "ckpt-000002.safetensors"), filepath.Join(stopped, "ckpt-000002.safetensors"))
	if _, err := os.Stat(filepath.Join(straight, "translations-000002.png")); err != nil {
		t.Errorf("no preview: %v", err)
	}

	low := writeNoisePNGs(t, filepath.Join(dir, "low"), 3, 4, 2)
	out := filepath.Join(dir, "large")
	mustRun(t, "superres", "--checkpoint", straight, "--in", low, "--out", out, "--steps", "3", "--samples", "2")
	for i := range 3 {
		if w, h := pngSize(t, filepath.Join(out, fmt.Sprintf("%d.png", i))); w != 8 || h != 8 {
			t.Errorf("output %d.png is %d×%d, want 8×8", i, w, h)
		}
	}

	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"low resolution of the model's full size", []string{"superres", "--checkpoint", straight, "--in", images},
			1, []string{"0.png", "want 4×4", "got 8×8", "the superres model takes 4×4 inputs"}},
		{"superres model given to translate", []string{"translate", "--checkpoint", straight, "--in", images},
			1, []string{`want a "paired" model`, `"superres" (use diffuse superres)`}},
		{"unconditional model given to superres", []string{"superres", "--checkpoint", "../../models/shipped/fashion-mnist.safetensors", "--in", low},
			1, []string{`want a "superres" model`, "generates from noise"}},
		{"no checkpoint", []string{"superres", "--in", low}, 2, []string{"--checkpoint"}},
		{"no samples", []string{"superres", "--checkpoint", straight, "--in", low, "--samples", "0"}, 2, []string{"--samples"}},
		{"sample from a superres model", []string{"sample", "--checkpoint", straight, "--n", "1", "--out", filepath.Join(dir, "s")},
			1, []string{"conditioned on an image", "superres"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(c.args...)
			if status != c.status {
				t.Errorf("status %d, want %d; stderr %q", status, c.status, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}

// TestPairedEndToEnd trains on input/ → target/ folders and translates;
// the paired model is refused by superres. Budget: about 1 s.
func TestPairedEndToEnd(t *testing.T) {
	dir := t.TempDir()
	in := writeNoisePNGs(t, filepath.Join(dir, "input"), 8, 8, 1)
	tg := writeNoisePNGs(t, filepath.Join(dir, "target"), 8, 8, 2)
	run := filepath.Join(dir, "run")
	task := fmt.Sprintf("{name: paired, input: %s, target: %s}", in, tg)
	mustRun(t, "train", "--config", taskRunConfig(t, run, 2, task, "data: {val_images: 2}"))
	out := filepath.Join(dir, "out")
	mustRun(t, "translate", "--checkpoint", run, "--in", in, "--out", out, "--steps", "2")
	if w, h := pngSize(t, filepath.Join(out, "7.png")); w != 8 || h != 8 {
		t.Errorf("7.png is %d×%d, want 8×8", w, h)
	}
	status, _, errOut := runCLI("superres", "--checkpoint", run, "--in", in)
	if status != 1 || !strings.Contains(errOut, `want a "superres" model, got task "paired" (use diffuse translate)`) {
		t.Errorf("paired model given to superres: status %d, stderr %q", status, errOut)
	}
	// The same flags work without a config file.
	mustRun(t, "train", "--config", taskRunConfig(t, filepath.Join(dir, "flags"), 1, "{}", "data: {val_images: 0}"),
		"--task", "paired", "--input", in, "--target", tg)
}

func TestTrainRefusesBadTasks(t *testing.T) {
	dir := t.TempDir()
	in := writeNoisePNGs(t, filepath.Join(dir, "input"), 3, 8, 1)
	tg := writeNoisePNGs(t, filepath.Join(dir, "target"), 4, 8, 2)
	configs := 0
	config := func(unet string) string {
		configs++
		p := filepath.Join(dir, fmt.Sprintf("unet%d.yaml", configs))
		if err := os.WriteFile(p, []byte("model:\n  unet: "+unet+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"factor 3", []string{"--task", "superres", "--factor", "3"}, 2, []string{"task.factor", "want 2 or 4, got 3"}},
		{"no factor", []string{"--task", "superres"}, 2, []string{"task.factor", "got 0"}},
		{"unknown task", []string{"--task", "colour"}, 2, []string{"task.name", `"colour"`}},
		{"factor without task", []string{"--factor", "2"}, 2, []string{"task.name"}},
		{"paired without folders", []string{"--task", "paired", "--input", in}, 2, []string{"task.input and task.target"}},
		{"paired with a factor", []string{"--task", "paired", "--input", in, "--target", tg, "--factor", "2"}, 2, []string{"task.factor"}},
		{"bad upsampling", []string{"--task", "superres", "--factor", "2", "--upsample", "lanczos"}, 2, []string{"task.upsample"}},
		{"class-conditional U-Net", []string{"--task", "superres", "--factor", "2", "--config", config(
			"{image_size: 8, in_channels: 2, out_channels: 1, channels: 8, channel_mult: [1], res_blocks: 1, heads: 1, classes: 10, groups: 4}")},
			2, []string{"model.unet.classes", "want 0"}},
		{"no condition channels", []string{"--task", "superres", "--factor", "2", "--config", config(
			"{image_size: 8, in_channels: 1, out_channels: 1, channels: 8, channel_mult: [1], res_blocks: 1, heads: 1, groups: 4}")},
			2, []string{"model.unet", "channels: want ≥ 1, got 0"}},
		{"unpartnered target", []string{"--task", "paired", "--input", in, "--target", tg, "--config", config(
			"{image_size: 8, in_channels: 2, out_channels: 1, channels: 8, channel_mult: [1], res_blocks: 1, heads: 1, groups: 4}")},
			1, []string{filepath.Join("target", "3.png"), "want an input image"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(append([]string{"train", "--out", out}, c.args...)...)
			if status != c.status {
				t.Errorf("status %d, want %d; stderr %q", status, c.status, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}
