package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/serve"
)

func TestServeRefusesBadFlags(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:0", "--data", dir}, "--token"},
		{[]string{"serve", "--addr", "nonsense", "--data", dir}, "--addr"},
		{[]string{"serve", "--model", "noequals", "--data", dir}, "--model"},
		{[]string{"serve", "--audio", "noequals", "--data", dir}, "--audio"},
		{[]string{"serve", "--series", "=runs/x", "--data", dir}, "--series"},
		{[]string{"serve", "--graph", "mol=", "--data", dir}, "--graph"},
		{[]string{"serve", "--textimage", "noequals", "--data", dir}, "--textimage"},
		{[]string{"ratings", "export", "--data", dir, "--out", filepath.Join(dir, "t.csv")}, "no jobs.db"},
		{[]string{"ratings", "export", "--data", dir, "--what", "all", "--out", "x.csv"}, "--what"},
	}
	for _, c := range cases {
		status, _, errOut := runCLI(c.args...)
		if status != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("diffuse %v: status %d, stderr %q; want 2 naming %s", c.args, status, errOut, c.want)
		}
	}
	// A model that cannot be loaded is named by its flag, before anything is created.
	for _, flag := range []string{"--text", "--audio", "--series", "--graph", "--textimage"} {
		status, _, errOut := runCLI("serve", "--data", dir, flag, "m="+filepath.Join(dir, "missing.safetensors"))
		if status == 0 || !strings.Contains(errOut, flag+" m:") {
			t.Errorf("serve %s m=missing: status %d, stderr %q; want an error naming %s m", flag, status, errOut, flag)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs.db")); err == nil {
		t.Error("a refused serve created the database")
	}
}

func TestRatingsExportEmpty(t *testing.T) {
	dir := t.TempDir()
	st, err := serve.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := filepath.Join(dir, "trials.csv")
	status, stdout, errOut := runCLI("ratings", "export", "--data", dir, "--out", out)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "session,rater,item,generated,answered_generated,gold,practice,millis\n") {
		t.Fatalf("trials.csv %q (%v)", b, err)
	}
	if !strings.Contains(stdout, "no real-or-generated ratings yet") {
		t.Fatalf("stdout %q", stdout)
	}
}

// TestServeTrainedModels trains tiny text, audio, series and molecule
// models with the CLI, loads them with serve's flags (loadServeModels),
// runs one job of each kind through the HTTP API, and compares the job's
// files with the CLI's for the same settings: the same bytes. Time budget:
// about 2 s on 2 cores, most of it the four two-step trainings.
func TestServeTrainedModels(t *testing.T) {
	dir := t.TempDir()
	textRun, audioRun, seriesRun, molRun := filepath.Join(dir, "text"), filepath.Join(dir, "audio"), filepath.Join(dir, "series"), filepath.Join(dir, "mol")
	trainNames(t, textRun)
	mustRun(t, "audio", "train", "--data", audioData(t, dir), "--steps", "2", "--warmup", "1", "--batch", "4", "--channels", "4",
		"--layers", "2", "--diffusion-steps", "20", "--checkpoint-every", "2", "--keep", "0", "--out", audioRun)
	mustRun(t, "series", "train", "--data", seriesData(t, dir, "train.csv", 40, nil), "--window", "8", "--max-horizon", "4",
		"--channels", "8", "--layers", "1", "--heads", "2", "--batch", "4", "--steps", "2", "--warmup", "1", "--out", seriesRun)
	mustRun(t, "graph", "train", "--data", molData(t, dir), "--out", molRun, "--steps", "2", "--warmup", "1", "--batch", "4",
		"--layers", "1", "--dx", "8", "--de", "4")

	models, err := loadServeModels([]string{"names=" + textRun}, []string{"digits=" + audioRun},
		[]string{"levels=" + seriesRun}, []string{"mol=" + molRun})
	if err != nil {
		t.Fatal(err)
	}
	hs, srv := startServer(t, filepath.Join(dir, "serve"), models)
	job := func(kind string, params map[string]any) map[string][]byte {
		t.Helper()
		files, _ := serveJob(t, hs, srv, kind, "", params)
		return files
	}
	same := func(what string, got []byte, path string) {
		t.Helper()
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the served file (%d bytes) differs from the CLI's %s (%d bytes)", what, len(got), path, len(want))
		}
	}

	got := job("text_sample", map[string]any{"n": 3, "steps": 3, "seed": 5})
	mustRun(t, "text", "sample", "--model", textRun, "--n", "3", "--steps", "3", "--seed", "5", "--out", filepath.Join(dir, "texts.txt"))
	same("text_sample texts.txt", got["texts.txt"], filepath.Join(dir, "texts.txt"))

	got = job("audio_sample", map[string]any{"n": 2, "class": 4, "steps": 3, "sampler": "euler", "seed": 2})
	mustRun(t, "audio", "sample", "--checkpoint", audioRun, "--n", "2", "--class", "4", "--steps", "3", "--sampler", "euler", "--seed", "2", "--out", filepath.Join(dir, "clips"))
	for _, name := range []string{"000000_c4.wav", "000001_c4.wav", "settings.json", "grid.png"} {
		same("audio_sample "+name, got[name], filepath.Join(dir, "clips", name))
	}

	holes := seriesData(t, dir, "holes.csv", 12, map[[2]int]bool{{2, 0}: true, {9, 1}: true})
	csv, err := os.ReadFile(holes)
	if err != nil {
		t.Fatal(err)
	}
	got = job("series_impute", map[string]any{"csv": string(csv), "n": 4, "steps": 3, "seed": 3})
	mustRun(t, "series", "impute", "--model", seriesRun, "--data", holes, "--n", "4", "--steps", "3", "--seed", "3", "--out", filepath.Join(dir, "filled.csv"))
	same("series_impute imputed.csv", got["imputed.csv"], filepath.Join(dir, "filled.csv"))
	got = job("series_forecast", map[string]any{"csv": string(csv), "n": 4, "steps": 3, "seed": 3, "horizon": 3})
	mustRun(t, "series", "forecast", "--model", seriesRun, "--data", holes, "--n", "4", "--steps", "3", "--seed", "3", "--horizon", "3", "--out", filepath.Join(dir, "next.csv"))
	same("series_forecast forecast.csv", got["forecast.csv"], filepath.Join(dir, "next.csv"))

	got = job("molecule_sample", map[string]any{"n": 4, "steps": 3, "seed": 2, "rings": 1, "guidance": 1})
	mustRun(t, "graph", "sample", "--model", molRun, "--n", "4", "--steps", "3", "--seed", "2", "--rings", "1", "--guidance", "1", "--out", filepath.Join(dir, "mols.smi"))
	same("molecule_sample molecules.smi", got["molecules.smi"], filepath.Join(dir, "mols.smi"))
}
