package data

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// captionFolder writes a class folder of three 4×4 PNGs: an RGBA one, a
// palette one and a 16-bit one, which must all be read, not refused.
func captionFolder(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "cats"), 0o755)
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.RGBA{0, 0, 0, 255}, color.RGBA{255, 0, 0, 255}})
	pal.SetColorIndex(0, 0, 1)
	deep := image.NewRGBA64(image.Rect(0, 0, 4, 4))
	deep.Set(0, 0, color.RGBA64{0, 0xffff, 0, 0xffff})
	rgba := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	rgba.Set(0, 0, color.NRGBA{0, 0, 255, 255})
	for name, img := range map[string]image.Image{"cats/a.png": rgba, "cats/b.png": pal, "cats/c.png": deep} {
		f, err := os.Create(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return root
}

func TestReadCaptions(t *testing.T) {
	root := captionFolder(t)
	d, err := OpenImageDir(root, ImageDirOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := d.Load()
	if err != nil {
		t.Fatalf("RGBA, palette and 16-bit PNGs: %v", err)
	}
	plane := 16
	for i, want := range [][3]float32{{-1, -1, 1}, {1, -1, -1}, {-1, 1, -1}} { // a blue, b red, c green at (0,0)
		got := [3]float32{x.Data[i*3*plane], x.Data[i*3*plane+plane], x.Data[i*3*plane+2*plane]}
		if got != want {
			t.Errorf("image %d pixel (0,0) = %v, want %v", i, got, want)
		}
	}
	for _, c := range []struct{ name, body string }{
		{"caps.csv", "file,caption\ncats/a.png,a blue cat\n\"cats/c.png\",\"green, cat\"\n"},
		{"caps.json", `{"cats/a.png": "a blue cat", "cats/c.png": "green, cat"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), c.name)
			os.WriteFile(file, []byte(c.body), 0o644)
			caps, err := d.ReadCaptions(file)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(caps, "|"); got != "a blue cat||green, cat" {
				t.Errorf("captions = %q, want \"a blue cat||green, cat\"", got)
			}
		})
	}
}

func TestReadCaptionsErrors(t *testing.T) {
	d, err := OpenImageDir(captionFolder(t), ImageDirOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, file, body, want string }{
		{"missing image", "c.csv", "file,caption\ncats/a.png,x\ncats/zz.png,y\n", `c.csv:3: field "file": want an image in`},
		{"missing image json", "c.json", `{"dogs/a.png": "y"}`, `field "file"`},
		{"duplicate", "c.csv", "file,caption\ncats/a.png,x\ncats/a.png,y\n", `c.csv:3: field "file": want each image once`},
		{"empty caption", "c.csv", "file,caption\ncats/a.png,\n", `want a non-empty caption`},
		{"duplicate json", "c.json", `{"cats/a.png": "x", "cats/a.png": "y"}`, `want each image once`},
		{"bad header", "c.csv", "path,text\n", `c.csv:1: field "header": want file,caption`},
		{"three fields", "c.csv", "file,caption\na,b,c\n", `c.csv:2: field "row"`},
		{"not an object", "c.json", `["a"]`, `field "captions"`},
		{"extension", "c.txt", "", `want .csv or .json`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), c.file)
			os.WriteFile(file, []byte(c.body), 0o644)
			_, err := d.ReadCaptions(file)
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want a ParseError containing %q", err, c.want)
			}
		})
	}
	if d.Captions != nil {
		t.Errorf("Captions = %q after failures, want nil (nothing set)", d.Captions)
	}
}

func FuzzParseCaptions(f *testing.F) {
	f.Add([]byte("file,caption\na.png,a cat\n"), true)
	f.Add([]byte(`{"a.png": "a cat"}`), false)
	f.Fuzz(func(t *testing.T, raw []byte, isCSV bool) {
		name := "f.json"
		if isCSV {
			name = "f.csv"
		}
		caps, err := ParseCaptions(raw, name)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range caps {
			if c.File == "" || strings.TrimSpace(c.Caption) == "" || seen[c.File] {
				t.Fatalf("accepted %+v", c)
			}
			seen[c.File] = true
		}
	})
}
