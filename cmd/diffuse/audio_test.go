package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/audiotest"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/checkpoint"
)

// audioData writes a tiny spoken-digit-like set: 6 "voices" (4 training,
// 1 validation, 1 test) each saying every digit once as a tone whose pitch
// names the digit, with manifest.csv.
func audioData(t *testing.T, dir string) string {
	t.Helper()
	data := filepath.Join(dir, "digits")
	if err := os.MkdirAll(filepath.Join(data, "clips"), 0o755); err != nil {
		t.Fatal(err)
	}
	splits := []string{digits.Train, digits.Train, digits.Train, digits.Train, digits.Validation, digits.Test}
	var clips []digits.Clip
	for v, split := range splits {
		for d := range 10 {
			x := make([]float64, digits.Samples)
			for j := 2000 + 300*v; j < 5000+300*v; j++ {
				x[j] = 0.3 * math.Sin(2*math.Pi*float64(200+100*d+7*v)*float64(j)/digits.Rate)
			}
			c := digits.Clip{File: filepath.ToSlash(filepath.Join("clips", "d"+string(rune('0'+d))+"_v"+string(rune('0'+v))+".wav")),
				Digit: d, Voice: "v" + string(rune('0'+v)), Pitch: 50, Speed: 175, Amplitude: 100, Split: split}
			if err := audio.WriteFile(filepath.Join(data, c.File), audio.Mono(digits.Rate, x), audio.PCM16, nil); err != nil {
				t.Fatal(err)
			}
			clips = append(clips, c)
		}
	}
	if err := digits.WriteManifest(filepath.Join(data, digits.ManifestName), clips); err != nil {
		t.Fatal(err)
	}
	return data
}

// trainResumed trains the audio model of args (a `diffuse audio train`
// command line without --out) to step 4 twice: uninterrupted in dir/a, and
// in dir/b from a copy of dir/a's step-2 checkpoint. It fails the test
// unless train says wantOut, writes its checkpoints, loss curve and
// config, and the resumed run ends with the same tensors, bit for bit. It
// returns dir/a and its step-4 checkpoint.
func trainResumed(t *testing.T, dir string, args []string, wantOut string) (string, *checkpoint.File) {
	t.Helper()
	runA, runB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if out := mustRun(t, append(args, "--out", runA)...); !strings.Contains(out, wantOut) {
		t.Errorf("train output %q, want %q", out, wantOut)
	}
	for _, f := range []string{"ckpt-000002.safetensors", "ckpt-000004.safetensors", "loss.png", "config.json"} {
		if !fileExists(filepath.Join(runA, f)) {
			t.Errorf("train wrote no %s", f)
		}
	}
	if err := os.MkdirAll(runB, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(runA, "ckpt-000002.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runB, "ckpt-000002.safetensors"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, append(args, "--out", runB, "--resume", runB)...); !strings.Contains(out, "at step 2") {
		t.Errorf("resume output %q", out)
	}
	fa, err := checkpoint.ReadFile(filepath.Join(runA, "ckpt-000004.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := checkpoint.ReadFile(filepath.Join(runB, "ckpt-000004.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) == 0 || len(fa.Tensors) != len(fb.Tensors) {
		t.Fatalf("%d tensors uninterrupted, %d resumed", len(fa.Tensors), len(fb.Tensors))
	}
	for name, ta := range fa.Tensors {
		if tb := fb.Tensors[name]; tb == nil || !slices.Equal(ta.Data, tb.Data) {
			t.Fatalf("tensor %s differs between the uninterrupted and the resumed run", name)
		}
	}
	return runA, fa
}

// sampleTwice runs the `diffuse audio sample` command line args into
// dir/s1 and dir/s2 and fails the test unless each of files is written
// with the same bytes both times. It returns dir/s1.
func sampleTwice(t *testing.T, dir string, args []string, files ...string) string {
	t.Helper()
	s1, s2 := filepath.Join(dir, "s1"), filepath.Join(dir, "s2")
	mustRun(t, append(args, "--out", s1)...)
	mustRun(t, append(args, "--out", s2)...)
	for _, f := range files {
		a, err1 := os.ReadFile(filepath.Join(s1, f))
		b, err2 := os.ReadFile(filepath.Join(s2, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: not written, or different bytes for the same settings (%v, %v)", f, err1, err2)
		}
	}
	return s1
}

// The must-show end-to-end run on a tiny generated set (time budget: a few
// seconds): train a generation model 4 steps with checkpoints every 2,
// resume a copy of the step-2 checkpoint to step 4 and get the same bits;
// sample twice with the same settings and get the same bytes; score the
// samples; train a denoiser 2 steps, denoise noisy files and score them
// against the clean ones.
func TestAudioTrainResumeSampleDenoiseEval(t *testing.T) {
	dir := t.TempDir()
	data := audioData(t, dir)
	common := []string{"audio", "train", "--data", data, "--steps", "4", "--warmup", "1", "--batch", "4",
		"--channels", "4", "--layers", "2", "--diffusion-steps", "20", "--checkpoint-every", "2", "--keep", "0", "--log-every", "2"}
	runA, _ := trainResumed(t, dir, common, "40 training clips")

	// Sampling: files, settings, grid; the same settings give the same bytes.
	sample := []string{"audio", "sample", "--checkpoint", runA, "--n", "3", "--class", "-1", "--sampler", "euler", "--steps", "2", "--seed", "5"}
	s1 := sampleTwice(t, dir, sample, "000000_c0.wav", "000001_c1.wav", "000002_c2.wav", "grid.png", "settings.json")
	a, err := audio.ReadFile(filepath.Join(s1, "000001_c1.wav"))
	if err != nil || a.Len() != digits.Samples || a.Rate != digits.Rate {
		t.Fatalf("sample file: %v", err)
	}
	_, hdr, err := audio.ReadFileHeader(filepath.Join(s1, "000001_c1.wav"))
	if err != nil {
		t.Fatal(err)
	}
	settings, err := audio.ParseSettings(hdr.Info)
	if err != nil || settings["sampler"] != "euler" || settings["class"] != "1" || len(settings["checkpoint_sha256"]) != 64 {
		t.Errorf("INFO settings %v, %v", settings, err)
	}
	out := mustRun(t, "audio", "eval", "--samples", s1, "--data", data, "--out", filepath.Join(dir, "eval.json"))
	if !strings.Contains(out, "3 clips: class accuracy") || !strings.Contains(out, "floor") {
		t.Errorf("eval output %q", out)
	}

	// Denoising: a model trained 2 steps; noisy inputs in, as many files out.
	runD := filepath.Join(dir, "d")
	mustRun(t, "audio", "train", "--task", "denoise", "--data", data, "--steps", "2", "--warmup", "0", "--batch", "2", "--channels", "4",
		"--layers", "2", "--diffusion-steps", "20", "--out", runD)
	noisy, clean, den := filepath.Join(dir, "noisy"), filepath.Join(dir, "clean"), filepath.Join(dir, "den")
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
	out = mustRun(t, "audio", "denoise", "--checkpoint", runD, "--in", noisy, "--out", den, "--steps", "2", "--samples", "2")
	if !strings.Contains(out, "denoised 2 files") {
		t.Errorf("denoise output %q", out)
	}
	out = mustRun(t, "audio", "eval", "--samples", den, "--reference", clean)
	if !strings.Contains(out, "SI-SDR") {
		t.Errorf("eval --reference output %q", out)
	}
	// A generation model denoises as the prior (audio_prior_test.go); the
	// prior's --noise-level is refused for the conditional denoiser.
	if status, _, stderr := runCLI("audio", "denoise", "--checkpoint", runD, "--in", noisy, "--noise-level", "0.1", "--out", filepath.Join(dir, "no")); status != 2 || !strings.Contains(stderr, "--noise-level") {
		t.Errorf("denoise --noise-level with a denoising model: status %d, stderr %q", status, stderr)
	}
	if fileExists(filepath.Join(dir, "no")) {
		t.Errorf("a refused denoise wrote its output folder")
	}
}

// Must-show 4 at the command line: each bad input is refused with an error
// naming the file and what is wrong, and nothing is written; a file at
// another rate and channel count is converted and the conversion is said.
func TestAudioBadInputs(t *testing.T) {
	dir := t.TempDir()
	data := audioData(t, dir)
	run := filepath.Join(dir, "d")
	mustRun(t, "audio", "train", "--task", "denoise", "--data", data, "--steps", "1", "--warmup", "0", "--batch", "2", "--channels", "4",
		"--layers", "1", "--diffusion-steps", "10", "--out", run)
	pcm := make([]byte, 2*800)
	good := audiotest.WAV(audiotest.PCM, 1, 8000, 16, pcm)
	claim := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(claim[40:], 1<<20)
	cases := []struct {
		name, want string
		b          []byte
	}{
		{"truncated", "chunk size", good[:len(good)-7]},
		{"not a WAV file", "RIFF", []byte("\x89PNG\r\n\x1a\n0000000000000000")},
		{"header claims more data", "chunk size", claim},
		{"8-bit µ-law", "µ-law", audiotest.WAV(audiotest.MuLaw, 1, 8000, 8, []byte{1, 2, 3})},
		{"zero-length audio", "data chunk size", audiotest.WAV(audiotest.PCM, 1, 8000, 16, nil)},
		{"too short to convert", "no samples", audiotest.WAV(audiotest.PCM, 1, 96000, 16, []byte{1, 0})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, out := filepath.Join(dir, "in-"+tc.name), filepath.Join(dir, "out-"+tc.name)
			if err := os.MkdirAll(in, 0o755); err != nil {
				t.Fatal(err)
			}
			// A good file first: nothing may be written for it either.
			if err := os.WriteFile(filepath.Join(in, "a-good.wav"), good, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(in, "b-bad.wav"), tc.b, 0o644); err != nil {
				t.Fatal(err)
			}
			status, _, stderr := runCLI("audio", "denoise", "--checkpoint", run, "--in", in, "--out", out, "--steps", "1")
			if status == 0 || !strings.Contains(stderr, "b-bad.wav") || !strings.Contains(stderr, tc.want) {
				t.Errorf("status %d, stderr %q: want a failure naming b-bad.wav and %q", status, stderr, tc.want)
			}
			if fileExists(out) {
				t.Errorf("a refused run created %s", out)
			}
		})
	}
	t.Run("conversion said aloud", func(t *testing.T) {
		in, out := filepath.Join(dir, "in-44k"), filepath.Join(dir, "out-44k")
		if err := os.MkdirAll(in, 0o755); err != nil {
			t.Fatal(err)
		}
		a := audio.New(44100, 2, 4410)
		for c := range a.Data {
			for j := range a.Data[c] {
				a.Data[c][j] = 0.2 * math.Sin(float64(j)/9)
			}
		}
		if err := audio.WriteFile(filepath.Join(in, "st.wav"), a, audio.PCM16, nil); err != nil {
			t.Fatal(err)
		}
		stdout := mustRun(t, "audio", "denoise", "--checkpoint", run, "--in", in, "--out", out, "--steps", "1")
		if !strings.Contains(stdout, "st.wav") || !strings.Contains(stdout, "44100") || !strings.Contains(stdout, "downmixed") {
			t.Errorf("stdout %q: want the conversion of st.wav said", stdout)
		}
		b, err := audio.ReadFile(filepath.Join(out, "st.wav"))
		if err != nil || b.Rate != 8000 || b.Channels() != 1 || b.Len() != 800 {
			t.Errorf("output: %v", err)
		}
	})
	// Flags: a bad class, sampler or empty folder is refused before anything is written.
	for _, args := range [][]string{
		{"audio", "sample", "--checkpoint", run, "--class", "12", "--out", filepath.Join(dir, "x1")},
		{"audio", "sample", "--checkpoint", run, "--sampler", "rk4", "--out", filepath.Join(dir, "x2")},
		{"audio", "denoise", "--checkpoint", run, "--in", data, "--out", filepath.Join(dir, "x3")},
		{"audio", "train", "--task", "music", "--data", data, "--out", filepath.Join(dir, "x4")},
	} {
		status, _, stderr := runCLI(args...)
		if status == 0 || stderr == "" {
			t.Errorf("diffuse %s: status %d, stderr %q", strings.Join(args, " "), status, stderr)
		}
		if fileExists(args[len(args)-1]) {
			t.Errorf("diffuse %s wrote %s", strings.Join(args, " "), args[len(args)-1])
		}
	}
}
