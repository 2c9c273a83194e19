package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/audiotest"
	"github.com/diffusego/diffusego/audio/specenh"
)

// The spectrogram enhancer end to end on the tiny set (time budget: a few
// seconds): train 4 steps with checkpoints every 2; resume a copy of the
// step-2 checkpoint to step 4 and get the same bits; denoise noisy files
// twice with the same settings and get the same bytes (the model chosen
// from the checkpoint, 2 posterior samples averaged, a 1.5-s file cut
// into windows); score them against the clean files; bad inputs and
// wrong models refused with nothing written.
func TestAudioEnhanceTrainResumeDenoiseEval(t *testing.T) {
	dir := t.TempDir()
	data := audioData(t, dir)
	common := []string{"audio", "train", "--task", "enhance", "--data", data, "--steps", "4", "--warmup", "1", "--batch", "4",
		"--channels", "8", "--diffusion-steps", "20", "--checkpoint-every", "2", "--keep", "0", "--log-every", "2"}
	runA, fa := trainResumed(t, dir, common, "task enhance, 40 training clips as 2×64×64 compressed STFT magnitudes")
	if fa.Meta[specenh.MetaKey] == "" {
		t.Error("the checkpoint does not record that it is an enhancer")
	}

	noisy, clean := filepath.Join(dir, "noisy"), filepath.Join(dir, "clean")
	for _, d := range []string{noisy, clean} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
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
			n.Data[0][j] += 0.05 * math.Sin(float64(j*j%101))
		}
		if err := audio.WriteFile(filepath.Join(clean, name), c, audio.PCM16, nil); err != nil {
			t.Fatal(err)
		}
		if err := audio.WriteFile(filepath.Join(noisy, name), n, audio.Float32, nil); err != nil {
			t.Fatal(err)
		}
	}
	den := []string{"audio", "denoise", "--checkpoint", runA, "--in", noisy, "--sampler", "ddim", "--steps", "2", "--samples", "2", "--seed", "3"}
	s1 := sampleTwice(t, dir, den, "x.wav", "y.wav")
	a, hdr, err := audio.ReadFileHeader(filepath.Join(s1, "y.wav"))
	if err != nil || a.Len() != 12000 || a.Rate != 8000 {
		t.Fatalf("denoised file: %v", err)
	}
	settings, err := audio.ParseSettings(hdr.Info)
	if err != nil || settings["model"] != "specenh" || settings["samples"] != "2" || settings["sampler"] != "ddim" || len(settings["checkpoint_sha256"]) != 64 {
		t.Errorf("INFO settings %v, %v", settings, err)
	}
	if out := mustRun(t, "audio", "eval", "--samples", s1, "--reference", clean); !strings.Contains(out, "2 clips against") {
		t.Errorf("eval --reference output %q", out)
	}

	// Bad inputs to an enhancer: named, nothing written.
	bad := filepath.Join(dir, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	good := audiotest.WAV(audiotest.PCM, 1, 8000, 16, make([]byte, 1600))
	for name, b := range map[string][]byte{"a-good.wav": good, "b-bad.wav": good[:len(good)-7]} {
		if err := os.WriteFile(filepath.Join(bad, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wave := filepath.Join(dir, "wave")
	mustRun(t, "audio", "train", "--task", "denoise", "--data", data, "--steps", "1", "--warmup", "0", "--batch", "2", "--channels", "4",
		"--layers", "1", "--diffusion-steps", "10", "--out", wave)
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"b-bad.wav", []string{"audio", "denoise", "--checkpoint", runA, "--in", bad, "--out", filepath.Join(dir, "x1")}},
		{"use audio denoise", []string{"audio", "sample", "--checkpoint", runA, "--out", filepath.Join(dir, "x2")}},
		{"--layers", []string{"audio", "train", "--task", "enhance", "--layers", "3", "--data", data, "--out", filepath.Join(dir, "x3")}},
		{"not a mel model", []string{"audio", "train", "--task", "mel", "--data", data, "--resume", runA, "--out", filepath.Join(dir, "x4")}},
		{"not a spectrogram enhancement model", []string{"audio", "train", "--task", "enhance", "--data", data, "--resume", wave, "--out", filepath.Join(dir, "x5")}},
		{"--samples", []string{"audio", "denoise", "--checkpoint", runA, "--in", noisy, "--samples", "0", "--out", filepath.Join(dir, "x6")}},
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
