package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// fashionDir is Debian's dataset-fashion-mnist read through the module's
// testdata/fashion-mnist link, so that go test's cache notices when the data
// set is installed (testdata/README.md).
const fashionDir = "../../testdata/fashion-mnist"

func needFashion(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(fashionDir, "train-images-idx3-ubyte.gz")); err != nil {
		t.Skipf("Fashion-MNIST not installed in %s (make deps installs it)", fashionDir)
	}
}

// e2eConfig is a very small class-conditional U-Net on 256 real images.
func e2eConfig(t *testing.T, out string, steps int) string {
	t.Helper()
	cfg := fmt.Sprintf(`model:
  unet: {image_size: 28, in_channels: 1, out_channels: 1, channels: 8, channel_mult: [1, 2], res_blocks: 1,
         attention_resolutions: [], heads: 1, dropout: 0.1, classes: 10, groups: 4}
data: {source: fashion-mnist, path: %s, limit: 256, val_images: 32}
diffusion: {target: v, weighting: min-snr, gamma: 5, label_dropout: 0.2}
train: {steps: %d, batch: 16, lr: 0.001, lr_schedule: linear-warmup, warmup: 2, clip: 1, ema: 0.9, seed: 3}
output: {dir: %s, log_every: 1, sample_every: 0, checkpoint_every: 2, val_every: 2, keep: 2}
`, fashionDir, steps, out)
	path := filepath.Join(t.TempDir(), "run.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	status, out, errOut := runCLI(args...)
	if status != 0 {
		t.Fatalf("diffuse %s: status %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), status, out, errOut)
	}
	return out
}

func tensorsEqual(t *testing.T, a, b string) {
	t.Helper()
	fa, err := checkpoint.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := checkpoint.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fa.Names, fb.Names) {
		t.Fatalf("%s and %s hold different tensors", a, b)
	}
	for _, name := range fa.Names {
		if !slices.Equal(fa.Tensors[name].Data, fb.Tensors[name].Data) {
			t.Fatalf("tensor %s differs between %s and %s", name, a, b)
		}
	}
}

// TestEndToEnd trains a tiny model on real Fashion-MNIST, stops, resumes,
// checks the resumed run equals an uninterrupted one, samples and scores
// the samples. Budget: about 20 s on 2 cores.
func TestEndToEnd(t *testing.T) {
	needFashion(t)
	dir := t.TempDir()
	stopped, straight := filepath.Join(dir, "stopped"), filepath.Join(dir, "straight")

	out := mustRun(t, "train", "--config", e2eConfig(t, stopped, 2))
	for _, want := range []string{"step 1/2", "step 2 validation loss", "ckpt-000002.safetensors"} {
		if !strings.Contains(out, want) {
			t.Errorf("train output lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, "train", "--config", e2eConfig(t, stopped, 4), "--resume", stopped)
	if !strings.Contains(out, "resumed from") || !strings.Contains(out, "at step 2") {
		t.Errorf("resumed run does not say so:\n%s", out)
	}
	mustRun(t, "train", "--config", e2eConfig(t, straight, 4))
	tensorsEqual(t, filepath.Join(stopped, "ckpt-000004.safetensors"), filepath.Join(straight, "ckpt-000004.safetensors"))
	var rec runRecord
	if err := checkpoint.ReadJSON(filepath.Join(stopped, "ckpt-000004.json"), &rec); err != nil || rec.Step != 4 {
		t.Errorf("ckpt-000004.json: step %d, err %v", rec.Step, err)
	}

	samples := filepath.Join(dir, "samples")
	sample := func(out string) {
		mustRun(t, "sample", "--checkpoint", stopped, "--out", out, "--n", "12", "--sampler", "ddim", "--steps", "3",
			"--seed", "5", "--guidance", "2", "--trajectory", "--npy", "--batch", "8")
	}
	sample(samples)
	for _, name := range []string{"000000_c0.png", "000011_c1.png", "grid.png", "trajectory.png", "samples.npy"} {
		if _, err := os.Stat(filepath.Join(samples, name)); err != nil {
			t.Errorf("sample did not write %s: %v", name, err)
		}
	}
	meta, err := pngout.ReadFileText(filepath.Join(samples, "000011_c1.png"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"sampler": "ddim", "steps": "3", "seed": "5", "class": "1", "guidance": "2", "temperature": "1"} {
		if meta[k] != v {
			t.Errorf("PNG setting %q = %q, want %q", k, meta[k], v)
		}
	}
	if len(meta["checkpoint_sha256"]) != 64 {
		t.Errorf("PNG lacks the checkpoint hash: %v", meta)
	}
	again := filepath.Join(dir, "again")
	sample(again)
	for _, name := range []string{"000007_c7.png", "grid.png", "samples.npy"} {
		a, _ := os.ReadFile(filepath.Join(samples, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("%s: the same settings gave different bytes", name)
		}
	}

	exported := filepath.Join(dir, "export.safetensors")
	mustRun(t, "export", "--checkpoint", stopped, "--out", exported)
	fromExport := filepath.Join(dir, "from-export")
	mustRun(t, "sample", "--checkpoint", exported, "--out", fromExport, "--n", "12", "--sampler", "ddim", "--steps", "3",
		"--seed", "5", "--guidance", "2", "--batch", "8")
	a, _ := os.ReadFile(filepath.Join(samples, "000003_c3.png"))
	b, _ := os.ReadFile(filepath.Join(fromExport, "000003_c3.png"))
	if len(a) == 0 || len(b) == 0 {
		t.Fatal("no sample to compare")
	}
	if da, db := decodeGrey(t, filepath.Join(samples, "000003_c3.png")), decodeGrey(t, filepath.Join(fromExport, "000003_c3.png")); !slices.Equal(da, db) {
		t.Error("the exported checkpoint samples other pixels than the original")
	}

	report := filepath.Join(dir, "report.json")
	out = mustRun(t, "eval", "--samples", samples, "--out", report)
	if !strings.Contains(out, "Fréchet distance") || !strings.Contains(out, "real-vs-real floor") {
		t.Errorf("eval output:\n%s", out)
	}
	var rep map[string]any
	b, _ = os.ReadFile(report)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep["samples"] != 12.0 || rep["class_accuracy"] == nil || rep["floor_fd"] == nil {
		t.Errorf("report lacks the sample count, class accuracy or floor: %s", b)
	}
}

// The shipped model samples with no checkpoint given, and its images carry
// the shipped file's hash.
func TestSampleShippedModel(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	mustRun(t, "sample", "--out", out, "--n", "2", "--steps", "2", "--class", "7")
	meta, err := pngout.ReadFileText(filepath.Join(out, "000001_c7.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(meta["checkpoint_sha256"]) != 64 || meta["class"] != "7" {
		t.Errorf("settings of a shipped-model sample: %v", meta)
	}
}

// A folder of PNG images with one sub-folder per class trains (streamed,
// with flips and a validation split) and samples like Fashion-MNIST.
func TestTrainFromImageFolder(t *testing.T) {
	dir := t.TempDir()
	imgs := filepath.Join(dir, "images")
	rng := tensor.NewRNG(4)
	for c, class := range []string{"circles", "squares"} {
		os.MkdirAll(filepath.Join(imgs, class), 0o755)
		for i := range 6 {
			x := rng.Rand(-1, 1, 1, 1, 12, 12) // resized to 8×8 and centre-cropped
			img, err := pngout.Grid(x, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := pngout.WriteFile(filepath.Join(imgs, class, fmt.Sprintf("%d-%d.png", c, i)), img, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	run := filepath.Join(dir, "run")
	cfg := filepath.Join(dir, "folder.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`model:
  unet: {image_size: 8, in_channels: 1, out_channels: 1, channels: 8, channel_mult: [1, 2], res_blocks: 1,
         attention_resolutions: [], heads: 1, classes: 2, groups: 4}
data: {source: folder, path: %s, val_images: 2, flip: true}
train: {steps: 3, batch: 4, lr: 0.001, seed: 1}
output: {dir: %s, log_every: 1, sample_every: 0, checkpoint_every: 0, val_every: 3}
`, imgs, run)), 0o644)
	out := mustRun(t, "train", "--config", cfg)
	if !strings.Contains(out, "10 training and 2 validation images") || !strings.Contains(out, "step 3 validation loss") {
		t.Errorf("folder training output:\n%s", out)
	}
	samples := filepath.Join(dir, "samples")
	mustRun(t, "sample", "--checkpoint", run, "--n", "4", "--steps", "2", "--out", samples)
	if _, err := os.Stat(filepath.Join(samples, "000003_c1.png")); err != nil {
		t.Error(err)
	}
}
