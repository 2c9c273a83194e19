package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// writeTestPNG writes a size×size image: grey stripes whose period depends
// on seed, or a colourful RGB image when rgb.
func writeTestPNG(t *testing.T, path string, size, seed int, rgb bool) {
	t.Helper()
	var img image.Image
	if rgb {
		m := image.NewRGBA(image.Rect(0, 0, size, size))
		for y := range size {
			for x := range size {
				m.Set(x, y, color.RGBA{uint8(9 * x), uint8(9 * y), uint8(40 * seed), 255})
			}
		}
		img = m
	} else {
		m := image.NewGray(image.Rect(0, 0, size, size))
		for y := range size {
			for x := range size {
				if (x/(seed+1)+y/(2*seed+1))%2 == 0 {
					m.SetGray(x, y, color.Gray{Y: 230})
				}
			}
		}
		img = m
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// searchFixture indexes a folder of four grey 28×28 images with the
// shipped model and returns the folder and the index path.
func searchFixture(t *testing.T) (dir, index string) {
	t.Helper()
	dir = t.TempDir()
	imgs := filepath.Join(dir, "imgs")
	if err := os.Mkdir(imgs, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a.png", "b.png", "c.png", "d.png"} {
		writeTestPNG(t, filepath.Join(imgs, name), 28, i, false)
	}
	index = filepath.Join(dir, "index.safetensors")
	out := mustRun(t, "index", "--images", imgs, "--out", index)
	if !strings.Contains(out, "indexed 4 images") {
		t.Fatalf("index output %q, want it to report 4 images", out)
	}
	return dir, index
}

// TestIndexAndSearch: a folder is indexed, an indexed image finds itself
// first at similarity 1, and the contact sheet holds the query and the k
// hits in one row. Budget: under a second (five small encoder passes).
func TestIndexAndSearch(t *testing.T) {
	dir, index := searchFixture(t)
	sheet := filepath.Join(dir, "sheet.png")
	out := mustRun(t, "search", "--index", index, "--query", filepath.Join(dir, "imgs", "c.png"), "--k", "3", "--sheet", sheet)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], " 1  1.0000  c.png") {
		t.Fatalf("search output %q, want 3 hits, the first c.png at 1.0000, and the sheet line", out)
	}
	if w, h := pngSize(t, sheet); w != 4*30+2 || h != 32 {
		t.Errorf("sheet is %d×%d, want %d×32 (4 cells of 28 with 2 pixels of padding)", w, h, 4*30+2)
	}
}

// TestSearchRefusesBadInputs: each bad input gives a clear error naming
// the problem and writes no sheet.
func TestSearchRefusesBadInputs(t *testing.T) {
	dir, index := searchFixture(t)
	query := filepath.Join(dir, "imgs", "a.png")
	rgb := filepath.Join(dir, "rgb.png")
	writeTestPNG(t, rgb, 28, 1, true)
	big := filepath.Join(dir, "big.png")
	writeTestPNG(t, big, 32, 1, false)
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	emptyIndex := filepath.Join(dir, "empty.safetensors")
	err := checkpoint.WriteSafetensors(emptyIndex, map[string]*tensor.Tensor{search.FeaturesName: tensor.New(0, 64)},
		map[string]string{search.MetaKey: `{"model":"x","weights":"ema","source":"s","shape":[1,28,28],"options":{"t":50,"seed":1,"layers":"mid","grid":1}}`,
			search.NamesKey: `[]`})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Load(index)
	if err != nil {
		t.Fatal(err)
	}
	ix.Meta.Model = strings.Repeat("0", 64)
	otherIndex := filepath.Join(dir, "other.safetensors")
	if err := ix.Save(otherIndex); err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "sheet.png")
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"empty folder", []string{"index", "--images", empty, "--out", filepath.Join(dir, "x.safetensors")}, 1, []string{"empty", "want at least one .png"}},
		{"empty index", []string{"search", "--index", emptyIndex, "--query", query}, 1, []string{"empty.safetensors", "the index is empty"}},
		{"wrong channel count", []string{"search", "--index", index, "--query", rgb, "--sheet", sheet}, 1, []string{"rgb.png", `"channels"`, "want 1 (grey) channel", "got 3 (colour) channels"}},
		{"wrong size", []string{"search", "--index", index, "--query", big, "--sheet", sheet}, 1, []string{"big.png", "want 28×28", "got 32×32"}},
		{"k zero", []string{"search", "--index", index, "--query", query, "--k", "0"}, 2, []string{"--k 0: want 1..4"}},
		{"k above the index size", []string{"search", "--index", index, "--query", query, "--k", "5"}, 2, []string{"--k 5: want 1..4"}},
		{"index made with another model", []string{"search", "--index", otherIndex, "--query", query}, 1, []string{"another model", "--checkpoint"}},
		{"raw weights against an EMA index", []string{"search", "--index", index, "--query", query, "--raw"}, 1, []string{"another model", "ema weights"}},
		{"not an index", []string{"search", "--index", query, "--query", query}, 1, []string{"a.png"}},
		{"bad fashion split", []string{"index", "--images", "fashion-mnist:val", "--out", filepath.Join(dir, "x.safetensors")}, 2, []string{"fashion-mnist:train or fashion-mnist:test"}},
		{"bad layers", []string{"index", "--images", empty, "--layers", "up", "--out", filepath.Join(dir, "x.safetensors")}, 2, []string{`layers "up"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, _, errOut := runCLI(c.args...)
			if status != c.status {
				t.Errorf("status %d, want %d; stderr %q", status, c.status, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			for _, p := range []string{sheet, filepath.Join(dir, "x.safetensors")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("a refused run wrote %s", p)
				}
			}
		})
	}
}

// TestSearchFashionMNIST: an index of Fashion-MNIST test images made
// straight from the data set finds an image's own entry first, and the
// contact sheet reads the hits back from the data set. Budget: about 1 s.
func TestSearchFashionMNIST(t *testing.T) {
	needFashion(t)
	dir := t.TempDir()
	index := filepath.Join(dir, "fm.safetensors")
	mustRun(t, "index", "--images", "fashion-mnist:test", "--limit", "40", "--data", fashionDir, "--out", index)
	x, labels, err := data.LoadFashionMNIST(fashionDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	img, err := pngout.Grid(tensor.FromData(x.Data[7*784:8*784], 1, 1, 28, 28), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	query := filepath.Join(dir, "q.png")
	if err := pngout.WriteFile(query, img, nil); err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "sheet.png")
	out := mustRun(t, "search", "--index", index, "--query", query, "--k", "5", "--sheet", sheet, "--data", fashionDir)
	want := fmt.Sprintf(" 1  1.0000  000007_c%d", labels[7])
	if !strings.HasPrefix(out, want) {
		t.Errorf("search output %q, want it to start with %q", out, want)
	}
	if _, err := os.Stat(sheet); err != nil {
		t.Error(err)
	}
}
