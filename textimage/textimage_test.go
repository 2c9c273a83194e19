package textimage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

var captions = []string{"red apple", "cat face", "blue car", "red car"}

// tiny is a model for 16×16 images: over the tiny autoencoder (latents
// 2×4×4) when latent, else on the pixels; text width 8, U-Net width 8.
func tiny(t *testing.T, latent bool) *Model {
	t.Helper()
	o := Options{ImageSize: 16, Captions: captions, MaxLen: 12, TextWidth: 8, Channels: 8, Dropout: 0.5, Seed: 1}
	if latent {
		o.AE = autoencoder.New(autoencoder.Tiny(), 1)
	}
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ddim(steps int) sampler.Spec { return sampler.Spec{Name: "ddim", Steps: steps} }

// TestTrainAndSample runs 3 training steps in each space on four images
// and samples twice (time budget: well under a second).
func TestTrainAndSample(t *testing.T) {
	for _, latent := range []bool{false, true} {
		m := tiny(t, latent)
		x, err := m.Encode(tensor.NewRNG(2).Rand(-1, 1, 4, 3, 16, 16))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := m.Trainer(x, captions, 4, train.Options{Steps: 3, LR: 1e-3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		opts := SampleOptions{Guidance: 3, Seed: 5, Sampler: ddim(4), Threshold: true}
		a, err := m.Sample(context.Background(), []string{"red apple", "Cat face"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.SameShape(a.Shape, []int{2, 3, 16, 16}) {
			t.Fatalf("latent %v: images %v, want (2, 3, 16, 16)", latent, a.Shape)
		}
		b, _ := m.Sample(context.Background(), []string{"red apple", "Cat face"}, opts)
		for i := range a.Data {
			if a.Data[i] != b.Data[i] || a.Data[i] < -1 || a.Data[i] > 1 {
				t.Fatalf("latent %v: value %d: %v then %v: want equal (same seed) and in [-1, 1]", latent, i, a.Data[i], b.Data[i])
			}
		}
	}
}

// TestItemNoise: with an item-wise sampler, image i depends on (seed,
// First+i) alone, so the second image of a run of two equals a run of one
// with First 1.
func TestItemNoise(t *testing.T) {
	m := tiny(t, true)
	opts := SampleOptions{Guidance: 2, Seed: 9, Sampler: sampler.Spec{Name: "euler", Steps: 3}}
	two, err := m.SampleLatents(context.Background(), []string{"red car", "cat face"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.First = 1
	one, err := m.SampleLatents(context.Background(), []string{"cat face"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	per := one.Len()
	for i, v := range one.Data {
		if math.Abs(float64(v-two.Data[per+i])) > 1e-5 {
			t.Fatalf("value %d: %v alone, %v in a batch of two", i, v, two.Data[per+i])
		}
	}
}

// TestGuidanceKnownAnswer: with the negative prompt equal to the prompt,
// x0_neg = x0_prompt, so any guidance weight gives the unguided sample;
// with the null negative prompt, guidance 4 differs.
func TestGuidanceKnownAnswer(t *testing.T) {
	m := tiny(t, true)
	run := func(w float64, neg string) *tensor.Tensor {
		x, err := m.SampleLatents(context.Background(), []string{"red car"}, SampleOptions{Guidance: w, Negative: neg, Seed: 3, Sampler: ddim(3)})
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
	if dOther < 1e-6 {
		t.Errorf("guidance 4 against the null prompt equals guidance 1 (max difference %.2e)", dOther)
	}
}

// TestBadPrompts: unknown characters and over-long prompts are refused,
// naming the problem.
func TestBadPrompts(t *testing.T) {
	m := tiny(t, false)
	cases := map[string]string{
		"red apple!":                    `character 10 '!'`,
		"red apple red apple red apple": "long prompts are refused, not truncated",
		"blue 🍎":                        "not in the text encoder's vocabulary",
	}
	for p, want := range cases {
		_, err := m.Sample(context.Background(), []string{p}, SampleOptions{Sampler: ddim(2)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("prompt %q: err = %v, want one containing %q", p, err, want)
		}
	}
	if _, err := m.Sample(context.Background(), []string{"red car"}, SampleOptions{Negative: "car?", Sampler: ddim(2)}); err == nil {
		t.Error("negative prompt with '?': no error")
	}
}

// save writes m's folder and one checkpoint, returning the checkpoint.
func save(t *testing.T, m *Model, dir string) string {
	t.Helper()
	x, err := m.Encode(tensor.NewRNG(2).Rand(-1, 1, 4, 3, 16, 16))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Trainer(x, captions, 2, train.Options{Steps: 1, LR: 1e-3, Seed: 1, EMADecay: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveFolder(dir); err != nil {
		t.Fatal(err)
	}
	meta, err := m.Meta()
	if err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "ckpt-000001.safetensors")
	if err := tr.Save(ckpt, meta); err != nil {
		t.Fatal(err)
	}
	return ckpt
}

// TestSaveLoad: a latent model reloads with its own autoencoder copy and
// samples the same bytes; another autoencoder is refused; a latent model
// whose autoencoder is gone is refused; a pixel model refuses one.
func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	m := tiny(t, true)
	ckpt := save(t, m, filepath.Join(dir, "latent"))
	if !IsModel(ckpt) || !IsModel(filepath.Dir(ckpt)) || IsModel(dir) {
		t.Error("IsModel: want true for the checkpoint and its folder, false for the parent")
	}
	got, err := Load(ckpt, "", false)
	if err != nil {
		t.Fatal(err)
	}
	opts := SampleOptions{Guidance: 2, Seed: 4, Sampler: ddim(2)}
	a, err := m.Sample(context.Background(), []string{"cat face"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := got.Sample(context.Background(), []string{"cat face"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("reloaded model samples differently at %d", i)
		}
	}
	if _, err := Load(ckpt, "", true); err != nil {
		t.Errorf("EMA weights: %v", err)
	}
	other := filepath.Join(dir, "other")
	if err := autoencoder.New(autoencoder.Tiny(), 2).Save(other); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ckpt, other, false); err == nil || !strings.Contains(err.Error(), "refusing to decode with a different autoencoder") {
		t.Errorf("other autoencoder: err = %v", err)
	}
	lone := filepath.Join(dir, "lone")
	if err := m.SaveFolder(lone); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(lone, AutoencoderDir)); err != nil {
		t.Fatal(err)
	}
	loneCkpt := filepath.Join(lone, "ckpt.safetensors")
	if err := copyFile(ckpt, loneCkpt); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(loneCkpt, "", false); !errors.Is(err, ErrNoAutoencoder) {
		t.Errorf("latent model without its autoencoder: err = %v, want ErrNoAutoencoder", err)
	}
	pix := save(t, tiny(t, false), filepath.Join(dir, "pixel"))
	if _, err := Load(pix, other, false); err == nil || !strings.Contains(err.Error(), "pixel-space model") {
		t.Errorf("pixel model given an autoencoder: err = %v", err)
	}
	if p, err := Load(pix, "", false); err != nil || p.AE != nil || p.Spec.Space != Pixel {
		t.Errorf("pixel model: %v", err)
	}
}

func TestUNetConfig(t *testing.T) {
	cases := []struct {
		size  int
		mult  string
		attn  int
		error bool
	}{{16, "[1 2]", 8, false}, {64, "[1 1 2 2]", 8, false}, {4, "[1 2]", 2, false}, {32, "[1 2 2]", 8, false}, {24, "", 0, true}}
	for _, c := range cases {
		cfg, err := UNetConfig(c.size, 4, 32, 16)
		if c.error {
			if err == nil {
				t.Errorf("side %d: no error", c.size)
			}
			continue
		}
		if err != nil || fmt.Sprint(cfg.ChannelMult) != c.mult || cfg.AttentionResolutions[0] != c.attn {
			t.Errorf("side %d: mult %v attention %v err %v, want %s at %d", c.size, cfg.ChannelMult, cfg.AttentionResolutions, err, c.mult, c.attn)
		}
	}
}

// TestInpaint: the latent mask keeps a cell only when all its pixels are
// known; inpainting returns the known pixels bit for bit in both spaces
// and changes the hole (time budget: well under a second).
func TestInpaint(t *testing.T) {
	mask, err := restore.CenterBox(16, 16, 0.5) // pixels 4..11 unknown
	if err != nil {
		t.Fatal(err)
	}
	mask.Known[0] = false // one stray unknown pixel: its latent cell (0, 0) must be regenerated
	lm := tiny(t, true)
	zm, err := lm.ModelMask(mask)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for i, k := range zm.Known {
		if !k {
			got = append(got, i)
		}
	}
	if fmt.Sprint(got) != "[0 5 6 9 10]" {
		t.Errorf("unknown latent cells %v, want [0 5 6 9 10] (4×4 grid, f = 4)", got)
	}
	x := tensor.NewRNG(3).Rand(-1, 1, 2, 3, 16, 16)
	for _, m := range []*Model{tiny(t, false), lm} {
		o := InpaintOptions{Guidance: 2, RePaint: restore.InpaintOptions{Steps: 4, JumpLength: 2, Resamplings: 2, Seed: 1}}
		out, err := m.Inpaint(context.Background(), []string{"red car", "cat face"}, x, mask, o)
		if err != nil {
			t.Fatal(err)
		}
		changed := false
		for i := range out.Data {
			known := mask.Known[i%256]
			if known && out.Data[i] != x.Data[i] {
				t.Fatalf("%s: known value %d changed", m.Spec.Space, i)
			}
			changed = changed || (!known && out.Data[i] != x.Data[i])
		}
		if !changed {
			t.Errorf("%s: the hole was not filled", m.Spec.Space)
		}
		if _, err := m.Inpaint(context.Background(), []string{"red car"}, x, mask, o); err == nil {
			t.Errorf("%s: one prompt for two images: no error", m.Spec.Space)
		}
	}
}
