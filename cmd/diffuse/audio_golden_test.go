//go:build !purego

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/tensor"
	"golang.org/x/sys/cpu"
)

var updateAudioGolden = flag.Bool("update-audio-golden", false, "record testdata/audio_golden.json for this machine (kernels and workers)")

// audioGoldenFile holds the SHA-256 of every file the tiny audio runs of
// TestAudioGolden write, and what each command says (progress lines left
// out), for one machine (audioMachine).
const audioGoldenFile = "testdata/audio_golden.json"

// audioGolden is the content of audioGoldenFile.
type audioGolden struct {
	// Machine names what the bits depend on (audioMachine): they are
	// pinned only where it is the same.
	Machine string            `json:"machine"`
	Files   map[string]string `json:"files"`  // path under the run folder → SHA-256
	Stdout  map[string]string `json:"stdout"` // command number and line → output
}

// audioMachine names what the bits of a run depend on besides its
// settings: the kernels (the architecture, the x86 features that
// internal/kernels dispatches on, DIFFUSEGO_KERNELS) and the number of
// workers. The training of the denoise, mel and enhance models gives
// other bits at GOMAXPROCS 1 or 4 than at 2, the same before and after
// the merge of the audio commands; the generation model's does not.
func audioMachine() string {
	return fmt.Sprintf("%s avx512f=%t avx2=%t fma=%t DIFFUSEGO_KERNELS=%q GOMAXPROCS=%d", runtime.GOARCH,
		cpu.X86.HasAVX512F, cpu.X86.HasAVX2, cpu.X86.HasFMA, os.Getenv("DIFFUSEGO_KERNELS"), runtime.GOMAXPROCS(0))
}

// TestAudioGolden pins the bits of every audio command on tiny runs
// (time budget: about ten seconds on one core): training each task
// (generate, denoise, mel, enhance; a run and a resumed copy of its first
// checkpoint), sampling the waveform, mel, exported mel and shipped
// models, denoising with the conditional waveform model, with the
// generation model as the prior and with the enhancer, exporting, and
// scoring. Every file written (checkpoints, config.json, loss.png, WAVs,
// grids, settings, scores) must hash as recorded in audioGoldenFile, and
// every command must say what it said. The digests were recorded by the
// commands before their train, sample and denoise paths were merged, so
// the merged code is the old behaviour bit for bit. They hold only on
// the machine they were recorded on (audioMachine: kernels and workers);
// elsewhere the test is skipped (record with -update-audio-golden).
func TestAudioGolden(t *testing.T) {
	want := audioGolden{}
	b, err := os.ReadFile(audioGoldenFile)
	if err == nil {
		err = json.Unmarshal(b, &want)
	}
	if err != nil && !*updateAudioGolden {
		t.Fatalf("%s: %v", audioGoldenFile, err)
	}
	if !*updateAudioGolden && want.Machine != audioMachine() {
		t.Skipf("%s was recorded for %s; this machine is %s (record with -update-audio-golden)", audioGoldenFile, want.Machine, audioMachine())
	}
	golden, err := filepath.Abs(audioGoldenFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // relative paths: the checkpoints' headers and config.json hold them
	data := audioData(t, ".")
	audioNoisy(t)

	got := audioGolden{Machine: audioMachine(), Files: map[string]string{}, Stdout: map[string]string{}}
	cmds := [][]string{}
	run := func(args ...string) {
		t.Helper()
		out := mustRun(t, args...)
		var keep []string
		for line := range strings.Lines(out) {
			if !strings.HasPrefix(line, "step ") { // progress: speed and ETA
				keep = append(keep, line)
			}
		}
		got.Stdout[fmt.Sprintf("%02d %s", len(cmds), strings.Join(args, " "))] = strings.Join(keep, "")
		cmds = append(cmds, args)
	}
	// train runs args to step 2 in out, checkpointing every step, then
	// resumes a copy of its step-1 checkpoint in out-r.
	train := func(out string, args ...string) {
		t.Helper()
		common := []string{"audio", "train", "--data", data, "--steps", "2", "--warmup", "1", "--batch", "4",
			"--diffusion-steps", "20", "--checkpoint-every", "1", "--keep", "0", "--log-every", "1"}
		run(append(append(common, args...), "--out", out)...)
		if err := os.MkdirAll(out+"-r", 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, "ckpt-000001.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out+"-r", "ckpt-000001.safetensors"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		run(append(append(common, args...), "--out", out+"-r", "--resume", out+"-r")...)
	}

	train("gen", "--task", "generate", "--channels", "4", "--layers", "2")
	run("audio", "sample", "--checkpoint", "gen", "--n", "2", "--class", "-1", "--sampler", "euler", "--steps", "2", "--seed", "5", "--out", "gen-s")
	run("audio", "denoise", "--checkpoint", "gen", "--in", "noisy", "--steps", "2", "--samples", "2", "--seed", "3", "--out", "gen-d")
	run("audio", "denoise", "--checkpoint", "gen", "--in", "noisy", "--noise-level", "0.05", "--sampler", "heun", "--steps", "2", "--out", "gen-d2")
	run("audio", "eval", "--samples", "gen-s", "--data", data, "--out", "gen-s.json")

	train("den", "--task", "denoise", "--channels", "4", "--layers", "1", "--patch", "4", "--cycle", "2")
	run("audio", "denoise", "--checkpoint", "den", "--in", "noisy", "--steps", "2", "--samples", "2", "--seed", "3", "--out", "den-d")
	run("audio", "eval", "--samples", "den-d", "--reference", "clean", "--out", "den-d.json")

	train("mel", "--task", "mel", "--channels", "8")
	run("audio", "sample", "--checkpoint", "mel", "--n", "2", "--class", "3", "--guidance", "2", "--steps", "2", "--seed", "5", "--out", "mel-s")
	run("audio", "export", "--checkpoint", "mel", "--out", "mel.safetensors")
	run("audio", "sample", "--checkpoint", "mel.safetensors", "--n", "1", "--sampler", "ddim", "--eta", "0.5", "--steps", "2", "--out", "melx-s")

	train("enh", "--task", "enhance", "--channels", "8")
	run("audio", "denoise", "--checkpoint", "enh", "--in", "noisy", "--sampler", "ddim", "--steps", "2", "--samples", "2", "--seed", "3", "--out", "enh-d")

	run("audio", "sample", "--n", "2", "--steps", "2", "--temperature", "0.9", "--seed", "7", "--out", "shipped-s")

	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path, data+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(path)
		sum := sha256.Sum256(b)
		got.Files[filepath.ToSlash(path)] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if *updateAudioGolden {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, m := range []struct {
		what      string
		got, want map[string]string
	}{{"file", got.Files, want.Files}, {"output of", got.Stdout, want.Stdout}} {
		keys := map[string]bool{}
		for k := range m.got {
			keys[k] = true
		}
		for k := range m.want {
			keys[k] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if g, w := m.got[k], m.want[k]; g != w {
				t.Errorf("%s %s: got %q, want %q", m.what, k, g, w)
			}
		}
	}
}

// audioNoisy writes noisy/x.wav (1 s) and noisy/y.wav (1.5 s: two
// windows, the second padded): test-voice clips of digits 3 and 4 with
// white noise of standard deviation 0.05, and the clean clips in clean/.
func audioNoisy(t *testing.T) {
	t.Helper()
	rng := tensor.NewRNG(11)
	for _, d := range []string{"noisy", "clean"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range []string{"x.wav", "y.wav"} {
		c, err := audio.ReadFile(filepath.Join("digits", "clips", "d"+string(rune('3'+i))+"_v5.wav"))
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			c.Data[0] = append(c.Data[0], c.Data[0][:4000]...)
		}
		n := c.Clone()
		for j := range n.Data[0] {
			n.Data[0][j] += 0.05 * rng.Normal()
		}
		if err := audio.WriteFile(filepath.Join("clean", name), c, audio.PCM16, nil); err != nil {
			t.Fatal(err)
		}
		if err := audio.WriteFile(filepath.Join("noisy", name), n, audio.Float32, nil); err != nil {
			t.Fatal(err)
		}
	}
}
