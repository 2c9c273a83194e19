package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
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
	// --prompt with no --checkpoint: the shipped text-to-image model.
	shipped := filepath.Join(dir, "shipped-inpaint")
	if status, _, errOut := runCLI("inpaint", "--in", in, "--mask", "bottom", "--prompt", "red apple", "--steps", "2", "--jump", "1",
		"--resample", "1", "--out", shipped); status != 0 {
		t.Fatalf("inpaint with the shipped text-to-image model: status %d, stderr %q", status, errOut)
	}
	if err := readOnWhite(filepath.Join(shipped, "e03.png"), 64, got); err != nil {
		t.Fatal(err)
	}
	if want[0] != got[0] || want[32*64-1] != got[32*64-1] {
		t.Error("inpaint with the shipped model changed known pixels")
	}
	// Text options with the shipped class model (no --prompt) are refused.
	if status, _, errOut := runCLI("inpaint", "--in", in, "--guidance", "2", "--out", filepath.Join(dir, "bad-inpaint")); status != 2 || !strings.Contains(errOut, "only text-to-image models") {
		t.Errorf("inpaint with the shipped class model and --guidance: status %d, stderr %q", status, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad-inpaint")); err == nil {
		t.Error("a refused inpaint wrote its output folder")
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
		{"class model given --negative-prompt", []string{"sample", "--negative-prompt", "red apple"}, "not a text-to-image model: it takes --class"},
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

// TestTextToImageExportCLI: diffuse export turns a latent run folder into
// one file that samples the same images bit for bit (compared through
// --npy) from anywhere; with --prompt and no --checkpoint, diffuse sample
// uses the shipped model; bad exports are refused with a clear error and
// nothing written. Time budget: a few seconds.
func TestTextToImageExportCLI(t *testing.T) {
	dir := t.TempDir()
	em := fakeEmoji(t, 10)
	aeDir := filepath.Join(dir, "ae")
	if err := autoencoder.New(autoencoder.Tiny(), 1).Save(aeDir); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	tinyText(t, em, run, "--latent", aeDir)
	exported := filepath.Join(dir, "elsewhere", "model.safetensors")
	if err := os.MkdirAll(filepath.Dir(exported), 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "export", "--checkpoint", run, "--out", exported)
	samples := func(model, out string) []byte {
		args := []string{"sample", "--prompt", "thing a", "--prompt", "thing b", "--n", "2", "--steps", "2", "--guidance", "3", "--npy", "--out", out}
		if model != "" {
			args = append(args, "--checkpoint", model)
		}
		mustRun(t, args...)
		b, err := os.ReadFile(filepath.Join(out, "samples.npy"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, b := samples(run, filepath.Join(dir, "from-run")), samples(exported, filepath.Join(dir, "from-export")); !bytes.Equal(a, b) {
		t.Error("the export samples other images than its run folder")
	}

	// The shipped model, with no --checkpoint.
	shippedOut := filepath.Join(dir, "shipped")
	mustRun(t, "sample", "--prompt", "red apple", "--n", "1", "--steps", "2", "--out", shippedOut)
	meta, err := pngout.ReadFileText(filepath.Join(shippedOut, "000000.png"))
	if err != nil {
		t.Fatal(err)
	}
	if meta["checkpoint_sha256"] != textimage.ShippedSHA256() || meta["prompt"] != "red apple" || meta["space"] != textimage.Latent {
		t.Errorf("shipped sample settings %v: want the shipped model's SHA-256, the prompt and latent space", meta)
	}

	// Bad inputs.
	noCkpt := filepath.Join(dir, "no-ckpt")
	if err := os.MkdirAll(noCkpt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyTestFile(filepath.Join(run, textimage.SpecFile), filepath.Join(noCkpt, textimage.SpecFile)); err != nil {
		t.Fatal(err)
	}
	notText := filepath.Join(dir, "not-text")
	if err := os.MkdirAll(notText, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyTestFile(filepath.Join(run, textimage.SpecFile), filepath.Join(notText, textimage.SpecFile)); err != nil {
		t.Fatal(err)
	}
	classCkpt := filepath.Join(notText, "ckpt-000001.safetensors")
	if err := checkpoint.WriteSafetensors(classCkpt, map[string]*tensor.Tensor{"w": tensor.New(2)}, map[string]string{"diffusego.model": "{}"}); err != nil {
		t.Fatal(err)
	}
	full, err := os.ReadFile(filepath.Join(run, "ckpt-000002.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "cut", "ckpt-000002.safetensors")
	if err := os.MkdirAll(filepath.Dir(truncated), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := copyTestFile(filepath.Join(run, textimage.SpecFile), filepath.Join(dir, "cut", textimage.SpecFile)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"run folder without checkpoint", []string{"export", "--checkpoint", noCkpt}, "no ckpt-*.safetensors in"},
		{"non-text checkpoint", []string{"export", "--checkpoint", notText}, "not a text-to-image model"},
		{"truncated checkpoint", []string{"export", "--checkpoint", truncated}, "out of range"},
		{"export of an export", []string{"export", "--checkpoint", exported}, "already a sampling export"},
		{"--autoencoder for a non-text model", []string{"export", "--checkpoint", filepath.Join(dir, "missing.safetensors"), "--autoencoder", aeDir}, "not a text-to-image model"},
		{"raw weights of the shipped model", []string{"sample", "--prompt", "red apple", "--raw", "--steps", "2"}, "holds only its EMA weights"},
		{"raw weights of an export", []string{"sample", "--checkpoint", exported, "--prompt", "thing a", "--raw", "--steps", "2"}, "only the EMA weights"},
		{"shipped model, unknown character", []string{"sample", "--prompt", "red apple?", "--steps", "2"}, "not in the text encoder's vocabulary"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "bad-"+strings.ReplaceAll(c.name, " ", "-"))
			status, _, errOut := runCLI(append(c.args, "--out", out)...)
			if status == 0 || !strings.Contains(errOut, c.want) {
				t.Errorf("status %d, stderr %q, want a failure containing %q", status, errOut, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written after a refusal", out)
			}
		})
	}
}

func copyTestFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// TestTextToImageCaptionedFolderCLI trains a latent model for 2 steps on
// a user's own captioned folder (20×20 RGBA with transparency, palette
// and 16-bit PNGs, resized to 16×16) through diffuse train --data
// --captions, samples it with a prompt, and checks that bad inputs are
// refused with a clear error and nothing written. Time budget: a few
// seconds.
func TestTextToImageCaptionedFolderCLI(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "mine")
	if err := os.MkdirAll(filepath.Join(folder, "pics"), 0o755); err != nil {
		t.Fatal(err)
	}
	var rows []string
	for i, name := range []string{"red ball", "blue ball", "red box", "blue box", "green ball", "green box"} {
		var img image.Image
		switch i % 3 {
		case 0: // RGBA, half transparent
			m := image.NewNRGBA(image.Rect(0, 0, 20, 20))
			for p := range 200 {
				m.Set(p%20, p/20, color.NRGBA{uint8(40 * i), 0, 200, 255})
			}
			img = m
		case 1: // palette
			m := image.NewPaletted(image.Rect(0, 0, 20, 20), color.Palette{color.RGBA{0, 0, 0, 0}, color.RGBA{0, 0, 255, 255}})
			m.SetColorIndex(i, i, 1)
			img = m
		default: // 16-bit
			m := image.NewRGBA64(image.Rect(0, 0, 20, 20))
			m.Set(i, 3, color.RGBA64{0xffff, 0, 0, 0xffff})
			img = m
		}
		file := fmt.Sprintf("pics/%02d.png", i)
		f, err := os.Create(filepath.Join(folder, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
		rows = append(rows, file+","+name)
	}
	caps := filepath.Join(dir, "captions.csv")
	if err := os.WriteFile(caps, []byte("file,caption\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	aeDir := filepath.Join(dir, "ae")
	if err := autoencoder.New(autoencoder.Tiny(), 1).Save(aeDir); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	train := []string{"train", "--latent", aeDir, "--data", folder, "--captions", caps, "--image-size", "16", "--steps", "2", "--batch", "2",
		"--channels", "8", "--text-width", "8", "--max-len", "12", "--held-out", "0.2"}
	out := mustRun(t, append(train, "--out", run)...)
	if !strings.Contains(out, "5 training pictures from "+folder) || !strings.Contains(out, "(1 captions held out)") {
		t.Errorf("train output %q: want 5 training pictures with 1 caption held out", out)
	}
	// With no --out, the run is named after the folder and the space.
	t.Chdir(dir)
	mustRun(t, append(train, "--steps", "1")...)
	if _, err := os.Stat(filepath.Join(dir, "runs", "mine-latent", "textimage.json")); err != nil {
		t.Errorf("train --data %s with no --out: %v, want runs/mine-latent", folder, err)
	}
	// The alias takes the folder too.
	alias := filepath.Join(dir, "alias-run")
	mustRun(t, "textimage", "train", "--autoencoder", aeDir, "--data", folder, "--captions", caps, "--image-size", "16", "--steps", "1",
		"--batch", "2", "--channels", "8", "--text-width", "8", "--max-len", "12", "--held-out", "0.2", "--out", alias)
	if _, err := os.Stat(filepath.Join(alias, "textimage.json")); err != nil {
		t.Errorf("textimage train --data: %v", err)
	}
	samples := filepath.Join(dir, "samples")
	mustRun(t, "sample", "--checkpoint", run, "--prompt", "red ball", "--n", "2", "--steps", "2", "--out", samples)
	f, err := os.Open(filepath.Join(samples, "000001.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 16 || cfg.Height != 16 {
		t.Errorf("sample: %d×%d (%v), want 16×16", cfg.Width, cfg.Height, err)
	}

	missing := filepath.Join(dir, "missing.csv")
	if err := os.WriteFile(missing, []byte("file,caption\npics/00.png,red ball\npics/99.png,lost ball\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"caption file naming a missing image", []string{"--data", folder, "--captions", missing}, `missing.csv:3: field "file": want an image in`},
		{"data without captions", []string{"--data", folder}, "needs both"},
		{"captions without data", []string{"--captions", caps}, "needs both"},
		{"image size without data", []string{"--image-size", "32"}, "--image-size: only with --data"},
		{"emoji and data", []string{"--emoji", folder, "--data", folder, "--captions", caps}, "--emoji and --data: give one"},
		{"held-out of 1", []string{"--data", folder, "--captions", caps, "--held-out", "1"}, "want a fraction in [0, 1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(dir, "bad-"+strings.ReplaceAll(c.name, " ", "-"))
			args := append([]string{"train", "--latent", aeDir, "--steps", "2", "--channels", "8", "--text-width", "8", "--max-len", "12", "--out", bad}, c.args...)
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
