package textimage

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/tensor"
)

var captions = []string{"red apple", "cat face", "blue car", "red car"}

// tiny is a model over the tiny autoencoder for 16×16 images (latents
// 2×4×4), text width 8, U-Net width 8.
func tiny(t *testing.T) *Model {
	t.Helper()
	m, err := New(autoencoder.New(autoencoder.Tiny(), 1), 16, captions, 12, 8, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTrainAndSample runs 3 training steps on four latents and samples
// (time budget: well under a second).
func TestTrainAndSample(t *testing.T) {
	m := tiny(t)
	z := tensor.NewRNG(2).Randn(4, 2, 4, 4)
	if err := m.Train(context.Background(), z, captions, TrainOptions{Steps: 3, Batch: 4, LR: 1e-3, Dropout: 0.5, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	opts := SampleOptions{Guidance: 3, Seed: 5}
	opts.Sampler.Name, opts.Sampler.Steps = "ddim", 4
	x, err := m.Sample(context.Background(), []string{"red apple", "Cat face"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(x.Shape, []int{2, 3, 16, 16}) {
		t.Fatalf("images %v, want (2, 3, 16, 16)", x.Shape)
	}
	y, _ := m.Sample(context.Background(), []string{"red apple", "Cat face"}, opts)
	for i := range x.Data {
		if x.Data[i] != y.Data[i] || x.Data[i] < -1 || x.Data[i] > 1 {
			t.Fatalf("value %d: %v then %v: want equal (same seed) and in [-1, 1]", i, x.Data[i], y.Data[i])
		}
	}
}

// TestGuidanceKnownAnswer: with the negative prompt equal to the prompt,
// x0_u = x0_c, so any guidance weight gives the unguided sample.
func TestGuidanceKnownAnswer(t *testing.T) {
	m := tiny(t)
	run := func(w float64, neg string) *tensor.Tensor {
		opts := SampleOptions{Guidance: w, Negative: neg, Seed: 3}
		opts.Sampler.Name, opts.Sampler.Steps = "ddim", 3
		x, err := m.Sample(context.Background(), []string{"red car"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	plain, same, other := run(1, ""), run(4, "red car"), run(4, "")
	var dSame, dOther float64
	for i := range plain.Data {
		dSame = math.Max(dSame, math.Abs(float64(plain.Data[i]-same.Data[i])))
		dOther = math.Max(dOther, math.Abs(float64(plain.Data[i]-other.Data[i])))
	}
	if dSame > 1e-4 {
		t.Errorf("guidance 4 with negative = prompt differs from guidance 1 by %.2e, want ≈ 0", dSame)
	}
	if dOther == 0 {
		t.Error("guidance 4 against \"\" equals guidance 1: guidance had no effect")
	}
}

func TestBadPrompts(t *testing.T) {
	m := tiny(t)
	cases := []struct{ name, prompt, neg, want string }{
		{"unknown character", "red apple!", "", `character 10 '!'`},
		{"too long", "red apple car", "", "13 characters: want at most 12"},
		{"bad negative", "red car", "dog", `"dog": character 2 'o'`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := m.Sample(context.Background(), []string{c.prompt}, SampleOptions{Negative: c.neg})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
	if err := m.Train(context.Background(), tensor.New(1, 2, 4, 4), []string{"a dog"}, TrainOptions{Steps: 1, Batch: 1}); err == nil {
		t.Error("training caption outside the vocabulary: no error")
	}
}

func TestSaveLoadRefusesOtherAutoencoder(t *testing.T) {
	m := tiny(t)
	dir, aeDir, otherAE := t.TempDir(), t.TempDir(), t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	if err := m.AE.Save(aeDir); err != nil {
		t.Fatal(err)
	}
	if err := autoencoder.New(autoencoder.Tiny(), 2).Save(otherAE); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, otherAE); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("other autoencoder: err = %v, want a refusal", err)
	}
	l, err := Load(dir, aeDir)
	if err != nil {
		t.Fatal(err)
	}
	opts := SampleOptions{Seed: 1}
	opts.Sampler.Name, opts.Sampler.Steps = "ddim", 2
	a, _ := m.Sample(context.Background(), []string{"cat face"}, opts)
	b, err := l.Sample(context.Background(), []string{"cat face"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatal("reloaded model samples differently")
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("model folder has %d entries, want 4 (latent.json, unet.json, unet.safetensors, text/)", len(entries))
	}
}
