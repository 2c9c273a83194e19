package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/tensor"
)

// writeGreyPNG writes a 28×28 black PNG to path.
func writeGreyPNG(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := pngout.Grid(tensor.New(1, 1, 28, 28), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := pngout.WriteFile(path, img, nil); err != nil {
		t.Fatal(err)
	}
}

// The four bad inputs of augmentation, each a clear error, and nothing written.
func TestAugmentBadInputs(t *testing.T) {
	dir := t.TempDir()
	flat := filepath.Join(dir, "flat")
	writeGreyPNG(t, filepath.Join(flat, "a.png"))
	eleven := filepath.Join(dir, "eleven")
	for c := range 11 {
		writeGreyPNG(t, filepath.Join(eleven, "class"+string(rune('a'+c)), "x.png"))
	}
	table := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(table, []byte("x,label\n1,a\n2,a\n3,a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	cases := []struct {
		name   string
		args   []string
		status int
		want   string
	}{
		{"target missing", []string{"augment", "table", "--data", table, "--target", "class", "--per-class", "2", "--out", out + ".csv"},
			1, `has no column "class"`},
		{"target with one class", []string{"augment", "table", "--data", table, "--target", "label", "--per-class", "2", "--out", out + ".csv"},
			1, `target column "label": 1 class present`},
		{"more classes than the model knows", []string{"augment", "images", "--data", eleven, "--per-class", "1", "--out", out},
			1, "11 classes but the model knows 10"},
		{"ratio above 1", []string{"augment", "images", "--data", eleven, "--ratio", "1.5", "--out", out},
			2, "mixing ratio 1.5: want the synthetic share of the augmented set, in [0, 1]"},
		{"ratio below 0", []string{"augment", "table", "--data", table, "--target", "label", "--ratio", "-0.2", "--out", out + ".csv"},
			2, "mixing ratio -0.2"},
		{"folder without class sub-folders", []string{"augment", "images", "--data", flat, "--per-class", "1", "--out", out},
			1, "one sub-folder per class"},
		{"no count", []string{"augment", "images", "--data", eleven, "--out", out}, 2, "--per-class N, --ratio R or --minority"},
	}
	for _, tc := range cases {
		status, _, stderr := runCLI(tc.args...)
		if status != tc.status || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: status %d, stderr %q; want %d and %q", tc.name, status, stderr, tc.status, tc.want)
		}
	}
	for _, p := range []string{out, out + ".csv", filepath.Join(dir, "out.manifest.json")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a refused run wrote %s", p)
		}
	}
}

// diffuse augment table twice with the same settings writes the same
// bytes; the output has the real rows then the synthetic ones.
func TestAugmentTableSameFiles(t *testing.T) {
	dir := t.TempDir()
	data, cfg := "../../tabular/testdata/penguins.json", "../../tabular/testdata/penguins.config.json"
	run := func(name string) string {
		out := filepath.Join(dir, name)
		status, stdout, stderr := runCLI("augment", "table", "--data", data, "--config", cfg, "--minority", "--per-class", "5",
			"--iters", "5", "--width", "16", "--layers", "1", "--steps", "10", "--out", out)
		if status != 0 {
			t.Fatalf("status %d, stderr %q", status, stderr)
		}
		if !strings.Contains(stdout, "wrote 344 real and 10 synthetic rows") {
			t.Errorf("output %q", stdout)
		}
		return out
	}
	a, b := run("a.csv"), run("b.csv")
	for _, pair := range [][2]string{{a, b}, {strings.TrimSuffix(a, ".csv") + ".manifest.json", strings.TrimSuffix(b, ".csv") + ".manifest.json"}} {
		x, err1 := os.ReadFile(pair[0])
		y, err2 := os.ReadFile(pair[1])
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s and %s differ (%v, %v)", pair[0], pair[1], err1, err2)
		}
	}
	lines := strings.Split(strings.TrimSpace(readFile(t, a)), "\n")
	if len(lines) != 1+344+10 || !strings.HasPrefix(lines[345], "Chinstrap,") {
		t.Errorf("%d lines, line 346 %q; want 355 lines and Chinstrap rows after the real ones", len(lines), lines[345])
	}
	man := readFile(t, strings.TrimSuffix(a, ".csv")+".manifest.json")
	for _, want := range []string{`"model_sha256": "`, `"seed": 1`, `"minority_only": true`, `"kept": 5`} {
		if !strings.Contains(man, want) {
			t.Errorf("manifest lacks %s:\n%s", want, man)
		}
	}
}

// diffuse augment images on a Fashion-MNIST subset with the shipped model
// writes class folders, labels.csv and the manifest with the model's hash.
func TestAugmentImagesFashion(t *testing.T) {
	const dir = "/usr/share/datasets/fashion-mnist"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("needs the Debian package dataset-fashion-mnist")
	}
	out := filepath.Join(t.TempDir(), "aug")
	status, _, stderr := runCLI("augment", "images", "--data", "fashion-mnist:train?per-class=2&classes=3,7", "--per-class", "1",
		"--steps", "2", "--out", out)
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	labels := readFile(t, filepath.Join(out, "labels.csv"))
	for _, want := range []string{"3/real-000000.png,3,real", "7/syn-7-000000.png,7,synthetic"} {
		if !strings.Contains(labels, want) {
			t.Errorf("labels.csv lacks %q:\n%s", want, labels)
		}
	}
	man := readFile(t, filepath.Join(out, "manifest.json"))
	sum := sha256.Sum256(shipped.FashionMNIST())
	if !strings.Contains(man, `"model_sha256": "`+hex.EncodeToString(sum[:])) || !strings.Contains(man, `"synthetic_total": 2`) {
		t.Errorf("manifest:\n%s", man)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzFashionSubsetSpec: any --data spec is an error or a subset, never a
// panic (the folder does not exist, so valid specs fail at reading).
func FuzzFashionSubsetSpec(f *testing.F) {
	for _, s := range []string{"fashion-mnist:train?per-class=10", "fashion-mnist:test?per-class=2&seed=3&classes=1,2",
		"fashion-mnist:train?per-class=-1", "fashion-mnist:x", "fashion-mnist:train?classes=99&per-class=1", "fashion-mnist:train?%zz"} {
		f.Add(s)
	}
	missing := filepath.Join(f.TempDir(), "none")
	f.Fuzz(func(t *testing.T, spec string) {
		if set, err := loadFashionSubset(jobs.FashionPrefix+strings.TrimPrefix(spec, jobs.FashionPrefix), missing); err == nil {
			t.Fatalf("%q read %d images from a missing folder", spec, set.Len())
		}
	})
}
