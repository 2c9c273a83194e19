package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/models/autoencoder"
)

// fakeEmoji writes an emoji folder of n names in both styles with
// 64×64 pictures (RGBA for google, palette for twitter, as the real set)
// and captions "thing a", "thing b", ….
func fakeEmoji(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var entries []string
	for i := range n {
		file := fmt.Sprintf("e%02d.png", i)
		entries = append(entries, fmt.Sprintf(`{"name":"Thing %c","image":%q,"short_names":["t%d"],"category":"Cat%d","subcategory":"sub-%d","has_img_google":true,"has_img_twitter":true}`,
			'a'+i, file, i, i%2, i%3))
		rgba := image.NewRGBA(image.Rect(0, 0, 64, 64))
		for y := range 64 {
			rgba.Set(i*3, y, color.RGBA{200, uint8(40 * i), 0, 255})
		}
		pal := image.NewPaletted(image.Rect(0, 0, 64, 64), color.Palette{color.RGBA{0, 0, 0, 0}, color.RGBA{0, 0, 255, 255}})
		pal.SetColorIndex(i, i, 1)
		for style, img := range map[string]image.Image{"google": rgba, "twitter": pal} {
			path := filepath.Join(dir, style, "64", file)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	for _, style := range []string{"google", "twitter"} {
		if err := os.WriteFile(filepath.Join(dir, style, "emoji.json"), []byte("["+strings.Join(entries, ",")+"]"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tinyText is the smallest prompt-conditioned run: 2 steps on the fake
// set's training pictures, widths 8.
func tinyText(t *testing.T, emojiDir, out string, extra ...string) {
	t.Helper()
	args := append([]string{"train", "--emoji", emojiDir, "--out", out, "--steps", "2", "--batch", "4",
		"--channels", "8", "--text-width", "8", "--max-len", "12", "--held-out", "0"}, extra...)
	if status, stdout, stderr := runCLI(args...); status != 0 {
		t.Fatalf("%v: status %d\nstdout %s\nstderr %s", args, status, stdout, stderr)
	}
}

// TestTextToImageCLI trains latent and pixel models for 2 steps each
// through diffuse train, samples them through diffuse sample (and the
// textimage alias), and checks that each bad input is refused with a
// clear error and nothing written. Time budget: a few seconds.
func TestTextToImageCLI(t *testing.T) {
	dir := t.TempDir()
	em := fakeEmoji(t, 10)
	aeDir, otherAE := filepath.Join(dir, "ae"), filepath.Join(dir, "other")
	if err := autoencoder.New(autoencoder.Tiny(), 1).Save(aeDir); err != nil {
		t.Fatal(err)
	}
	if err := autoencoder.New(autoencoder.Tiny(), 2).Save(otherAE); err != nil {
		t.Fatal(err)
	}
	latent, pixel := filepath.Join(dir, "latent"), filepath.Join(dir, "pixel")
	tinyText(t, em, latent, "--latent", aeDir)
	tinyText(t, em, pixel, "--text")
	for _, f := range []string{"textimage.json", "ckpt-000002.safetensors", "autoencoder/autoencoder.json", "train-stats.json"} {
		if _, err := os.Stat(filepath.Join(latent, f)); err != nil {
			t.Errorf("latent run: missing %s", f)
		}
	}
	// Resuming a finished run with more steps continues it.
	tinyText(t, em, latent, "--latent", aeDir, "--resume", latent, "--steps", "3")
	if _, err := os.Stat(filepath.Join(latent, "ckpt-000003.safetensors")); err != nil {
		t.Error("resumed run: no ckpt-000003")
	}

	for _, model := range []string{latent, pixel} {
		out := filepath.Join(dir, "ok-"+filepath.Base(model))
		status, _, errOut := runCLI("sample", "--checkpoint", model, "--prompt", "Thing a", "--prompt", "thing b", "--n", "2",
			"--sampler", "dpmpp2m", "--steps", "2", "--trajectory", "--negative-prompt", "thing c", "--out", out)
		if status != 0 {
			t.Fatalf("sample %s: status %d, stderr %q", model, status, errOut)
		}
		for _, f := range []string{"000000.png", "000003.png", "grid.png", "prompts.txt", "trajectory.png"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Errorf("sample %s: missing %s", model, f)
			}
		}
	}
	out := filepath.Join(dir, "alias")
	if status, _, errOut := runCLI("textimage", "sample", "--model", latent, "--prompt", "thing a", "--n", "1", "--steps", "2", "--out", out); status != 0 {
		t.Fatalf("textimage sample: status %d, stderr %q", status, errOut)
	}

	// Inpainting in latent space: the known top half comes back as given.
	in := filepath.Join(em, "google", "64", "e03.png")
	filled := filepath.Join(dir, "filled")
	if status, _, errOut := runCLI("inpaint", "--checkpoint", latent, "--in", in, "--mask", "bottom", "--prompt", "thing d",
		"--steps", "2", "--jump", "1", "--resample", "1", "--out", filled); status != 0 {
		t.Fatalf("inpaint: status %d, stderr %q", status, errOut)
	}
	want, got := make([]float32, 3*64*64), make([]float32, 3*64*64)
	if err := readOnWhite(in, 64, want); err != nil {
		t.Fatal(err)
	}
	if err := readOnWhite(filepath.Join(filled, "e03.png"), 64, got); err != nil {
		t.Fatal(err)
	}
	for c := range 3 {
		for i := range 32 * 64 { // the top half
			if want[c*4096+i] != got[c*4096+i] {
				t.Fatalf("inpaint changed known pixel %d of channel %d", i, c)
			}
		}
	}
	if status, _, errOut := runCLI("inpaint", "--in", in, "--prompt", "thing d", "--out", filepath.Join(dir, "bad-inpaint")); status != 2 || !strings.Contains(errOut, "only text-to-image models") {
		t.Errorf("inpaint with the shipped class model and --prompt: status %d, stderr %q", status, errOut)
	}

	// A latent model whose folder lost its autoencoder.
	lone := filepath.Join(dir, "lone")
	if err := os.MkdirAll(lone, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"textimage.json", "ckpt-000003.safetensors"} {
		b, err := os.ReadFile(filepath.Join(latent, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lone, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pixelCkpt := filepath.Join(dir, "class-pixel.safetensors")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown character", []string{"sample", "--checkpoint", latent, "--prompt", "thing a?"}, `character 8 '?' (U+003F): not in the text encoder's vocabulary`},
		{"unknown character in negative", []string{"sample", "--checkpoint", latent, "--prompt", "thing a", "--negative-prompt", "thing #"}, "not in the text encoder's vocabulary"},
		{"over-long prompt", []string{"sample", "--checkpoint", latent, "--prompt", "thing a thing b"}, "15 characters: want at most 12 (long prompts are refused, not truncated)"},
		{"other autoencoder", []string{"sample", "--checkpoint", latent, "--prompt", "thing a", "--autoencoder", otherAE}, "refusing to decode with a different autoencoder"},
		{"no autoencoder", []string{"sample", "--checkpoint", lone, "--prompt", "thing a"}, "a latent model needs the autoencoder it was trained with"},
		{"no prompt", []string{"sample", "--checkpoint", latent}, "give at least one --prompt"},
		{"class for a text model", []string{"sample", "--checkpoint", latent, "--prompt", "thing a", "--class", "2"}, "takes --prompt, not --class"},
		{"pixel model given an autoencoder", []string{"sample", "--checkpoint", pixel, "--prompt", "thing a", "--autoencoder", aeDir}, "pixel-space model: it takes no autoencoder"},
		{"class model given --prompt", []string{"sample", "--prompt", "red apple"}, "not a text-to-image model: it takes --class"},
		{"class checkpoint given --prompt", []string{"sample", "--checkpoint", pixelCkpt, "--prompt", "red apple"}, "not a text-to-image model"},
		{"train with another autoencoder on resume", []string{"train", "--latent", otherAE, "--resume", latent, "--emoji", em, "--out", filepath.Join(dir, "bad-resume"), "--steps", "4"}, "refusing to decode with a different autoencoder"},
		{"train --latent with --preset", []string{"train", "--latent", aeDir, "--preset", "small", "--emoji", em}, "--preset: not used by text-to-image runs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(dir, "bad-"+strings.ReplaceAll(c.name, " ", "-"))
			args := c.args
			if args[0] == "sample" {
				args = append(args, "--steps", "2", "--out", bad)
			}
			status, _, errOut := runCLI(args...)
			if status == 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("status %d, stderr %q, want a failure containing %q", status, errOut, c.want)
			}
			if _, err := os.Stat(bad); err == nil {
				t.Errorf("%s written after a refusal", bad)
			}
		})
	}
}
