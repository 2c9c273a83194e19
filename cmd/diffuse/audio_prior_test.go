package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/tensor"
)

// The prior path end to end on the tiny set (time budget: a few seconds):
// a generation model trained 2 steps, given to denoise, is used as the
// unconditional prior (saying so); the same settings give the same bytes
// (2 draws averaged, a 1.5-s file cut into windows); the noise level is
// estimated from the quiet frames (within 15% of the true 0.05) or taken
// from --noise-level; the outputs score against the clean files; a mel
// model and bad settings are refused with nothing written.
func TestAudioDenoisePrior(t *testing.T) {
	dir := t.TempDir()
	data := audioData(t, dir)
	gen := filepath.Join(dir, "gen")
	mustRun(t, "audio", "train", "--data", data, "--steps", "2", "--warmup", "0", "--batch", "2", "--channels", "4",
		"--layers", "2", "--diffusion-steps", "20", "--out", gen)
	noisy, clean := filepath.Join(dir, "noisy"), filepath.Join(dir, "clean")
	for _, d := range []string{noisy, clean} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const sigma = 0.05
	rng := tensor.NewRNG(11)
	for i, name := range []string{"x.wav", "y.wav"} {
		c, err := audio.ReadFile(filepath.Join(data, "clips", "d"+string(rune('3'+i))+"_v5.wav"))
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 { // 1.5 s: two windows, the second padded
			c.Data[0] = append(c.Data[0], c.Data[0][:4000]...)
		}
		n := c.Clone()
		for j := range n.Data[0] {
			n.Data[0][j] += sigma * rng.Normal()
		}
		if err := audio.WriteFile(filepath.Join(clean, name), c, audio.PCM16, nil); err != nil {
			t.Fatal(err)
		}
		if err := audio.WriteFile(filepath.Join(noisy, name), n, audio.Float32, nil); err != nil {
			t.Fatal(err)
		}
	}
	den := []string{"audio", "denoise", "--checkpoint", gen, "--in", noisy, "--steps", "3", "--samples", "2", "--seed", "3"}
	out := mustRun(t, append(den, "--out", filepath.Join(dir, "s0"))...)
	if !strings.Contains(out, "as the unconditional prior (sampler ddpm, 3 steps") || !strings.Contains(out, "denoised 2 files") {
		t.Errorf("denoise output %q", out)
	}
	s1 := sampleTwice(t, dir, den, "x.wav", "y.wav")
	a, hdr, err := audio.ReadFileHeader(filepath.Join(s1, "y.wav"))
	if err != nil || a.Len() != 12000 || a.Rate != 8000 {
		t.Fatalf("denoised file: %v", err)
	}
	st, err := audio.ParseSettings(hdr.Info)
	if err != nil || st["model"] != "diffwave prior" || st["samples"] != "2" || st["sampler"] != "ddpm" || len(st["checkpoint_sha256"]) != 64 {
		t.Errorf("INFO settings %v, %v", st, err)
	}
	if lvl, err := strconv.ParseFloat(st["noise_level"], 64); err != nil || math.Abs(lvl/sigma-1) > 0.15 {
		t.Errorf("estimated noise level %q (%v), want %g within 15%%", st["noise_level"], err, sigma)
	}
	for _, v := range a.Data[0] {
		if math.IsNaN(v) {
			t.Fatal("the denoised file holds NaN")
		}
	}
	given := filepath.Join(dir, "given")
	mustRun(t, append(den, "--noise-level", "0.05", "--sampler", "heun", "--out", given)...)
	if _, hdr, err := audio.ReadFileHeader(filepath.Join(given, "x.wav")); err != nil {
		t.Fatal(err)
	} else if st, err := audio.ParseSettings(hdr.Info); err != nil || st["noise_level"] != "0.05" || st["sampler"] != "heun" {
		t.Errorf("--noise-level 0.05 --sampler heun: INFO settings %v, %v", st, err)
	}
	if out := mustRun(t, "audio", "eval", "--samples", s1, "--reference", clean); !strings.Contains(out, "SI-SDR") {
		t.Errorf("eval --reference output %q", out)
	}

	mel := filepath.Join(dir, "mel")
	mustRun(t, "audio", "train", "--task", "mel", "--data", data, "--steps", "1", "--warmup", "0", "--batch", "2",
		"--channels", "8", "--diffusion-steps", "20", "--out", mel)
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"cannot be a denoising prior", []string{"audio", "denoise", "--checkpoint", mel, "--in", noisy, "--out", filepath.Join(dir, "x1")}},
		{"--noise-level", append(den[:len(den):len(den)], "--noise-level", "-1", "--out", filepath.Join(dir, "x2"))},
	} {
		status, _, stderr := runCLI(tc.args...)
		if status == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("diffuse %s: status %d, stderr %q: want a failure naming %q", strings.Join(tc.args, " "), status, stderr, tc.want)
		}
		if fileExists(tc.args[len(tc.args)-1]) {
			t.Errorf("diffuse %s wrote %s", strings.Join(tc.args, " "), tc.args[len(tc.args)-1])
		}
	}
}
