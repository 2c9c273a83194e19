package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/digits"
)

// The mel route end to end on the tiny set (time budget: a few seconds):
// train 4 steps with checkpoints every 2; resume a copy of the step-2
// checkpoint to step 4 and get the same bits; sample twice with the same
// settings and get the same bytes, vocoded WAVs with the settings in their
// INFO chunk; score them with eval.
func TestAudioMelTrainResumeSampleEval(t *testing.T) {
	dir := t.TempDir()
	data := audioData(t, dir)
	common := []string{"audio", "train", "--task", "mel", "--data", data, "--steps", "4", "--warmup", "1", "--batch", "4",
		"--channels", "8", "--diffusion-steps", "20", "--checkpoint-every", "2", "--keep", "0", "--log-every", "2"}
	runA, fa := trainResumed(t, dir, common, "task mel, 40 training clips as 32×32 log-mel images")
	if fa.Meta["audio.mel"] == "" {
		t.Error("the checkpoint does not record that it is a mel model")
	}

	sample := []string{"audio", "sample", "--checkpoint", runA, "--n", "3", "--class", "-1", "--sampler", "dpmpp2m", "--steps", "2", "--seed", "5"}
	s1 := sampleTwice(t, dir, sample, "000000_c0.wav", "000001_c1.wav", "000002_c2.wav", "grid.png", "settings.json")
	a, hdr, err := audio.ReadFileHeader(filepath.Join(s1, "000002_c2.wav"))
	if err != nil || a.Len() != digits.Samples || a.Rate != digits.Rate || hdr.Format != 1 || hdr.Bits != 16 {
		t.Fatalf("sample file: %v (%+v)", err, hdr)
	}
	settings, err := audio.ParseSettings(hdr.Info)
	if err != nil || settings["model"] != "mel" || settings["class"] != "2" || settings["sampler"] != "dpmpp2m" ||
		!strings.Contains(settings["vocoder"], "griffin-lim") || len(settings["checkpoint_sha256"]) != 64 {
		t.Errorf("INFO settings %v, %v", settings, err)
	}
	out := mustRun(t, "audio", "eval", "--samples", s1, "--data", data)
	if !strings.Contains(out, "3 clips: class accuracy") || !strings.Contains(out, "floor") {
		t.Errorf("eval output %q", out)
	}

	// Refused before anything is written: a mel model cannot denoise; bad
	// flags; waveform-model settings with --task mel; resuming a mel run
	// as a waveform model.
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"mel-spectrogram", []string{"audio", "denoise", "--checkpoint", runA, "--in", s1, "--out", filepath.Join(dir, "x1")}},
		{"--class", []string{"audio", "sample", "--checkpoint", runA, "--class", "12", "--out", filepath.Join(dir, "x2")}},
		{"--sampler", []string{"audio", "sample", "--checkpoint", runA, "--sampler", "rk4", "--out", filepath.Join(dir, "x3")}},
		{"nothing", []string{"audio", "sample", "--checkpoint", filepath.Join(dir, "nothing"), "--out", filepath.Join(dir, "x4")}},
		{"--layers", []string{"audio", "train", "--task", "mel", "--layers", "3", "--data", data, "--out", filepath.Join(dir, "x5")}},
		{"audio.config", []string{"audio", "train", "--task", "generate", "--data", data, "--resume", runA, "--out", filepath.Join(dir, "x6")}},
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
