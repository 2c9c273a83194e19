package main

import (
	"encoding/csv"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyRun trains an 8×8 grey U-Net for one step on two folders of random
// images and returns the run folder and the image folder.
func tinyRun(t *testing.T, dir string, classes int) (run, imgs string) {
	t.Helper()
	imgs = writeClassFolders(t, dir, []string{"normal", "odd"}, 5)
	run = filepath.Join(dir, fmt.Sprintf("run-%d", classes))
	cfg := filepath.Join(dir, fmt.Sprintf("tiny-%d.yaml", classes))
	os.WriteFile(cfg, []byte(fmt.Sprintf(`model:
  unet: {image_size: 8, in_channels: 1, out_channels: 1, channels: 8, channel_mult: [1, 2], res_blocks: 1,
         attention_resolutions: [], heads: 1, classes: %d, groups: 4}
data: {source: folder, path: %s, val_images: 0}
diffusion: {schedule: {name: cosine, steps: 100}}
train: {steps: 1, batch: 2, lr: 0.001, seed: 1}
output: {dir: %s, log_every: 0, sample_every: 0, checkpoint_every: 0, val_every: 0}
`, classes, imgs, run)), 0o644)
	mustRun(t, "train", "--config", cfg)
	return run, imgs
}

// readCSV returns the rows of a CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// anomaly scores a PNG folder against thresholds from another and writes
// one CSV row per image with both scores and flags; the same seed gives
// the same file. Validation at quantile 0.5 flags about half of its own
// images, so scoring the validation folder itself flags 2 of 5.
func TestAnomalyEndToEnd(t *testing.T) {
	dir := t.TempDir()
	run, imgs := tinyRun(t, dir, 0)
	out := filepath.Join(dir, "scores.csv")
	args := []string{"anomaly", "--checkpoint", run, "--images", filepath.Join(imgs, "normal"), "--val", filepath.Join(imgs, "normal"),
		"--out", out, "--score", "recon", "--sigmas", "0.3,0.7", "--seeds", "2", "--elbo-terms", "4", "--quantile", "0.5"}
	log := mustRun(t, args...)
	if !strings.Contains(log, "thresholds (0.5-quantile of 5 validation images)") || !strings.Contains(log, "2 by recon, 2 by elbo") ||
		!strings.Contains(log, "ms per image") {
		t.Errorf("log:\n%s", log)
	}
	rows := readCSV(t, out)
	if len(rows) != 6 || strings.Join(rows[0], ",") != "index,name,label,recon,elbo_bpd,recon_anomalous,elbo_anomalous" {
		t.Fatalf("csv rows %q", rows)
	}
	if rows[1][1] != "0.png" || rows[1][2] != "" {
		t.Errorf("first row %q: want name 0.png and no label", rows[1])
	}
	first, _ := os.ReadFile(out)
	mustRun(t, args...)
	if again, _ := os.ReadFile(out); string(again) != string(first) {
		t.Error("the same seed gave a different CSV")
	}
	// Another seed gives other scores.
	mustRun(t, append(args, "--seed", "2")...)
	if other, _ := os.ReadFile(out); string(other) == string(first) {
		t.Error("--seed 2 gave the same CSV as --seed 1")
	}
}

// The default feature scores: one row per image with the six scores and
// the flag of feat_ens, the default; the same seed gives the same file, another seed
// another one. Thresholds at the 0.5-quantile of the five validation
// images, each left out of its own neighbours, flag some but not all of
// the same images scored as new ones; with --fit the validation images
// are scored against a separate reference.
func TestAnomalyFeatureScores(t *testing.T) {
	dir := t.TempDir()
	run, imgs := tinyRun(t, dir, 0)
	out := filepath.Join(dir, "scores.csv")
	normal, odd := filepath.Join(imgs, "normal"), filepath.Join(imgs, "odd")
	args := []string{"anomaly", "--checkpoint", run, "--images", odd, "--val", normal, "--out", out, "--k", "2", "--steps", "10,40", "--quantile", "0.5"}
	log := mustRun(t, args...)
	for _, want := range []string{"threshold of feat_ens (0.5-quantile of 5 validation images)", "ms per image", "wrote"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	rows := readCSV(t, out)
	if len(rows) != 6 || strings.Join(rows[0], ",") != "index,name,label,feat_recon,err_maha,feat_maha,feat_knn,layer_maha,feat_ens,anomalous" {
		t.Fatalf("csv rows %q", rows)
	}
	first, _ := os.ReadFile(out)
	mustRun(t, args...)
	if again, _ := os.ReadFile(out); string(again) != string(first) {
		t.Error("the same seed gave a different CSV")
	}
	mustRun(t, append(args, "--seed", "2")...)
	if other, _ := os.ReadFile(out); string(other) == string(first) {
		t.Error("--seed 2 gave the same CSV as --seed 1")
	}
	mustRun(t, append(args, "--fit", odd, "--score", "feat_knn")...)
	if rows := readCSV(t, out); len(rows) != 6 || rows[1][9] != "false" && rows[1][9] != "true" {
		t.Errorf("--fit run: rows %q", rows)
	}
}

// Fashion-MNIST sources pick classes and a range, and carry labels.
func TestAnomalyFashionSource(t *testing.T) {
	needFashion(t)
	set, err := jobs.LoadImageSource("fashion-mnist:train?classes=3,7&range=10:14", "--val", fashionDir, 28, 1)
	if err != nil {
		t.Fatal(err)
	}
	if set.X.Dim(0) != 4 || len(set.Labels) != 4 || !strings.HasPrefix(set.Names[0], "train/") {
		t.Fatalf("%d images, labels %v, names %v", set.X.Dim(0), set.Labels, set.Names)
	}
	for _, l := range set.Labels {
		if l != 3 && l != 7 {
			t.Errorf("label %d in a classes=3,7 source", l)
		}
	}
}

// Bad inputs are refused with the flag, file or key named, before any CSV
// is written.
func TestAnomalyRefusesBadInputs(t *testing.T) {
	dir := t.TempDir()
	run, imgs := tinyRun(t, dir, 0)
	condRun, _ := tinyRun(t, filepath.Join(dir, "c"), 2)
	normal := filepath.Join(imgs, "normal")
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	big := filepath.Join(dir, "big")
	os.MkdirAll(big, 0o755)
	writePNG(t, filepath.Join(big, "a.png"), image.NewGray(image.Rect(0, 0, 12, 12)))
	colour := filepath.Join(dir, "colour")
	os.MkdirAll(colour, 0o755)
	rgb := image.NewRGBA(image.Rect(0, 0, 8, 8))
	rgb.Set(1, 1, color.RGBA{R: 200, A: 255})
	writePNG(t, filepath.Join(colour, "a.png"), rgb)
	out := filepath.Join(dir, "scores.csv")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no images", []string{"--checkpoint", run, "--val", normal}, "--images"},
		{"no val", []string{"--checkpoint", run, "--images", normal}, "--val"},
		{"empty folder", []string{"--checkpoint", run, "--images", empty, "--val", normal}, "no PNG images"},
		{"other size", []string{"--checkpoint", run, "--images", big, "--val", normal}, "8×8 (the model's size)"},
		{"colour for grey", []string{"--checkpoint", run, "--images", colour, "--val", normal}, "1 (grey) channel"},
		{"fashion for 8×8", []string{"--checkpoint", run, "--images", "fashion-mnist:test", "--val", normal}, "(1, 28, 28)"},
		{"bad split", []string{"--checkpoint", run, "--images", "fashion-mnist:val", "--val", normal}, `split "val"`},
		{"unknown key", []string{"--checkpoint", run, "--images", "fashion-mnist:test?class=3", "--val", normal}, `unknown key "class"`},
		{"bad range", []string{"--checkpoint", run, "--images", "fashion-mnist:test?range=5:2", "--val", normal}, "FROM:TO"},
		{"class for unconditional", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--class", "1"}, "unconditional"},
		{"no class for conditional", []string{"--checkpoint", condRun, "--images", normal, "--val", normal}, "class-conditional"},
		{"class out of range", []string{"--checkpoint", condRun, "--images", normal, "--val", normal, "--class", "2"}, "0 … 1"},
		{"quantile 1", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--quantile", "1"}, "--quantile"},
		{"bad sigma", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--sigmas", "0.5,-1"}, "--sigmas"},
		{"no checkpoint", []string{"--checkpoint", filepath.Join(dir, "absent"), "--images", normal, "--val", normal}, "absent"},
		{"val of other size", []string{"--checkpoint", run, "--images", normal, "--val", big}, "8×8 (the model's size)"},
		{"val in colour", []string{"--checkpoint", run, "--images", normal, "--val", colour}, "1 (grey) channel"},
		{"empty val", []string{"--checkpoint", run, "--images", normal, "--val", empty}, "no PNG images"},
		{"fit of other size", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--fit", big}, "8×8 (the model's size)"},
		{"empty fit", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--fit", empty}, "no PNG images"},
		{"val of other size, recon", []string{"--checkpoint", run, "--images", normal, "--val", big, "--score", "recon"}, "8×8 (the model's size)"},
		{"k too large", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--k", "5"}, "--k 5"},
		{"unknown score", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--score", "magic"}, `--score "magic"`},
		{"step past schedule", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--k", "2", "--steps", "10,100"}, "step 100"},
		{"bad step", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--steps", "x"}, "--steps"},
		{"sharded features", []string{"--checkpoint", run, "--images", normal, "--val", normal, "--shard", "0", "--shards", "2"}, "sharding is for"},
	} {
		args := append([]string{"anomaly", "--out", out}, c.args...)
		status, _, errOut := runCLI(args...)
		if status == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: status %d, stderr %q: want an error containing %q", c.name, status, errOut, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a refused run wrote %s", c.name, out)
		}
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
