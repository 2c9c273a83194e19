package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio"
	melmodel "github.com/diffusego/diffusego/audio/melgen/model"
	"github.com/diffusego/diffusego/serve"
)

// Mel models at the command line and over HTTP: audio sample without
// --checkpoint samples the shipped mel model (its SHA-256 in every clip's
// settings); audio export's copy of a run samples the same audio as the
// run; serve's --audio loads the shipped model for an empty
// CHECKPOINT and a trained mel run for a path, lists both as audio
// generators, and an audio_sample job of each returns the bytes the CLI
// writes with the same settings. Time budget: about 2 s (a 2-step training
// and 2-step samples).
func TestAudioMelShippedAndServed(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "mel")
	mustRun(t, "audio", "train", "--task", "mel", "--data", audioData(t, dir), "--steps", "2", "--warmup", "1", "--batch", "4",
		"--channels", "8", "--diffusion-steps", "20", "--checkpoint-every", "2", "--out", run)

	shippedOut, runOut := filepath.Join(dir, "shipped"), filepath.Join(dir, "run")
	args := []string{"audio", "sample", "--n", "2", "--class", "6", "--steps", "2", "--seed", "4", "--guidance", "5"}
	mustRun(t, append(args, "--out", shippedOut)...)
	mustRun(t, append(args, "--checkpoint", run, "--out", runOut)...)
	_, hdr, err := audio.ReadFileHeader(filepath.Join(shippedOut, "000001_c6.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := audio.ParseSettings(hdr.Info); err != nil || st["checkpoint_sha256"] != melmodel.SHA256() || st["model"] != "mel" {
		t.Errorf("the shipped model's clip settings %v (%v): want model mel and checkpoint_sha256 %s", st, err, melmodel.SHA256())
	}
	if status, _, stderr := runCLI(append(args, "--raw", "--out", filepath.Join(dir, "raw"))...); status == 0 || !strings.Contains(stderr, "EMA") {
		t.Errorf("--raw with the shipped model: status %d, stderr %q", status, stderr)
	}
	// audio export: the copy samples the run's EMA weights, the same audio.
	exported, exportOut := filepath.Join(dir, "export.safetensors"), filepath.Join(dir, "exported")
	mustRun(t, "audio", "export", "--checkpoint", run, "--out", exported)
	mustRun(t, append(args, "--checkpoint", exported, "--out", exportOut)...)
	a, err := audio.ReadFile(filepath.Join(runOut, "000001_c6.wav"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := audio.ReadFile(filepath.Join(exportOut, "000001_c6.wav"))
	if err != nil || !slices.Equal(a.Data[0], b.Data[0]) {
		t.Errorf("the exported model samples other audio than its run (%v)", err)
	}
	if status, _, stderr := runCLI("audio", "export", "--checkpoint", filepath.Join(dir, "none"), "--out", filepath.Join(dir, "x.safetensors")); status == 0 ||
		!strings.Contains(stderr, "none") || fileExists(filepath.Join(dir, "x.safetensors")) {
		t.Errorf("export of a missing run: status %d, stderr %q", status, stderr)
	}

	models, err := loadServeModels(nil, []string{"digits=", "mine=" + run}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs, srv := startServer(t, filepath.Join(dir, "serve"), models)

	resp, err := http.Get(hs.URL + "/api/models")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Models []serve.ModelInfo }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	found := map[string]serve.ModelInfo{}
	for _, m := range list.Models {
		found[m.Name] = m
	}
	if m := found["digits"]; m.Task != serve.TaskAudioGenerate || m.Source != melmodel.Source || m.Rate != 8000 || m.Samples != 8000 || m.Classes != 10 {
		t.Errorf("the shipped mel model is listed as %+v", m)
	}
	if m := found["mine"]; m.Task != serve.TaskAudioGenerate || !strings.HasSuffix(m.Source, "ckpt-000002.safetensors") {
		t.Errorf("the trained mel model is listed as %+v", m)
	}

	for model, want := range map[string]string{"digits": shippedOut, "mine": runOut} {
		files, events := serveJob(t, hs, srv, "audio_sample", model,
			map[string]any{"n": 2, "class": 6, "steps": 2, "seed": 4, "guidance": 5})
		if !strings.Contains(events, "progress") {
			t.Errorf("audio_sample on %s sent no progress events", model)
		}
		if len(files) != 4 {
			t.Errorf("audio_sample on %s: %d outputs, want 2 clips, settings.json and grid.png", model, len(files))
		}
		for name, got := range files {
			cli, err := os.ReadFile(filepath.Join(want, name))
			if err != nil || !bytes.Equal(got, cli) {
				t.Errorf("audio_sample on %s: %s differs from the CLI's (%v)", model, name, err)
			}
		}
	}
}
