package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/specenh"
	"github.com/diffusego/diffusego/train"
)

// TestRunOnATinySet writes 4 voices × 10 digits of tones (2 test voices),
// trains a tiny enhancer 2 steps, and runs the whole measurement on 3
// clips with two rows of the enhancer, PNG included (time budget: about 2 s
// on an idle core; sox runs 36 times).
func TestRunOnATinySet(t *testing.T) {
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox not installed (Debian package sox)")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "clips"), 0o755); err != nil {
		t.Fatal(err)
	}
	splits := []string{digits.Train, digits.Train, digits.Test, digits.Test}
	var clips []digits.Clip
	for v, split := range splits {
		for d := range 10 {
			x := make([]float64, digits.Samples)
			for j := 2000 + 300*v; j < 5000+300*v; j++ {
				x[j] = 0.3 * math.Sin(2*math.Pi*float64(200+100*d+7*v)*float64(j)/digits.Rate)
			}
			c := digits.Clip{File: filepath.Join("clips", "d"+string(rune('0'+d))+"_v"+string(rune('0'+v))+".wav"),
				Digit: d, Voice: "v" + string(rune('0'+v)), Pitch: 50, Speed: 175, Amplitude: 100, Split: split}
			if err := audio.WriteFile(filepath.Join(dir, c.File), audio.Mono(digits.Rate, x), audio.PCM16, nil); err != nil {
				t.Fatal(err)
			}
			clips = append(clips, c)
		}
	}
	if err := digits.WriteManifest(filepath.Join(dir, digits.ManifestName), clips); err != nil {
		t.Fatal(err)
	}
	spec := specenh.Default()
	model := specenh.DefaultModel(spec)
	model.UNet.Channels, model.Schedule.Steps = 8, 20
	e, err := specenh.New(model, spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, err := specenh.NewTrainer(e, dir, 0, 2, train.Options{Steps: 2, LR: 1e-3, EMADecay: 0.9, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	meta := model.Meta()
	specMeta, err := spec.Meta()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range specMeta {
		meta[k] = v
	}
	ckpt := filepath.Join(dir, "enh.safetensors")
	if err := tr.Save(ckpt, meta); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "s.png")
	var out strings.Builder
	o := options{data: dir, ckpt: ckpt, sampler: "ddim", samples: "1,2", png: png, n: 3, steps: 2, seed: 1, sampleSeed: 1}
	if err := run(&out, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**SI-SDR improvement", "**segmental SNR", "**log-spectral distance", "babble 10 dB", "sox noisered",
		"Wiener", "spectrogram enhancer (ddim, 2 steps, mean of 1)", "mean of 2)", "3 test clips (2 held-out voices)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
		t.Errorf("spectrogram PNG: %v", err)
	}
	for _, bad := range []options{
		{data: dir, ckpt: ckpt, sampler: "ddim", samples: "0", n: 3, steps: 2},
		{data: dir, ckpt: ckpt, sampler: "rk4", samples: "1", n: 3, steps: 2},
		{data: dir, ckpt: ckpt, sampler: "ddim", samples: "1", n: 1000, steps: 2},
		{data: dir, sampler: "ddim", samples: "1", n: 3, steps: 2},
	} {
		if err := run(&out, bad); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}
