package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/tensor"
)

// data.classes keeps only the listed Fashion-MNIST classes (labels kept),
// and --limit then counts within them.
func TestClassFilterFashionMNIST(t *testing.T) {
	needFashion(t)
	cfg := defaultRunConfig()
	cfg.Data.Classes, cfg.Data.Limit, cfg.Data.ValImages = []int{3, 7}, 500, 20
	ucfg, err := unet.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	ds, _, valY, _, err := loadTrainData(cfg, ucfg)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 480 || len(valY) != 20 {
		t.Fatalf("%d training and %d validation images, want 480 and 20", ds.Len(), len(valY))
	}
	_, y, err := ds.Batch(indices(ds.Len()), nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for _, c := range append(y, valY...) {
		seen[c]++
	}
	if len(seen) != 2 || seen[3] == 0 || seen[7] == 0 {
		t.Errorf("labels kept: %v, want only classes 3 and 7", seen)
	}
}

// A folder source filters by sub-folder position; an unknown class id is
// refused with the key, from the flag as from the file.
func TestClassFilterFolderAndUnknownClass(t *testing.T) {
	dir := t.TempDir()
	imgs := writeClassFolders(t, dir, []string{"circles", "squares"}, 6)
	run := filepath.Join(dir, "run")
	cfg := filepath.Join(dir, "folder.yaml")
	os.WriteFile(cfg, []byte(`model:
  unet: {image_size: 8, in_channels: 1, out_channels: 1, channels: 8, channel_mult: [1, 2], res_blocks: 1,
         attention_resolutions: [], heads: 1, classes: 0, groups: 4}
data: {source: folder, path: `+imgs+`, val_images: 0, classes: [1]}
train: {steps: 1, batch: 2, lr: 0.001, seed: 1}
output: {dir: `+run+`, log_every: 1, sample_every: 0, checkpoint_every: 0, val_every: 0}
`), 0o644)
	out := mustRun(t, "train", "--config", cfg)
	if !strings.Contains(out, "6 training and 0 validation images") {
		t.Errorf("one class of two should leave 6 images:\n%s", out)
	}
	for _, args := range [][]string{
		{"train", "--config", cfg, "--classes", "2"},
		{"train", "--config", cfg, "--classes", "1,1"},
		{"train", "--config", cfg, "--classes", "-1"},
	} {
		status, _, errOut := runCLI(args...)
		if status == 0 || !strings.Contains(errOut, "data.classes") {
			t.Errorf("diffuse %s: status %d, stderr %q: want an error naming data.classes", strings.Join(args, " "), status, errOut)
		}
	}
}

// writeClassFolders writes n random 8×8 grey PNGs into one sub-folder of
// dir/images per class and returns dir/images.
func writeClassFolders(t *testing.T, dir string, classes []string, n int) string {
	t.Helper()
	imgs := filepath.Join(dir, "images")
	rng := tensor.NewRNG(4)
	for _, class := range classes {
		if err := os.MkdirAll(filepath.Join(imgs, class), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			img, err := pngout.Grid(rng.Rand(-1, 1, 1, 1, 8, 8), 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := pngout.WriteFile(filepath.Join(imgs, class, fmt.Sprintf("%d.png", i)), img, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	return imgs
}
