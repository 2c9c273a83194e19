package data_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tensor"
)

// writePNG writes a w×h grey image whose pixel (x, y) is f(x, y).
func writePNG(t *testing.T, path string, w, h int, f func(x, y int) uint8) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetGray(x, y, color.Gray{f(x, y)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, buf.Bytes())
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func flat(v uint8) func(x, y int) uint8 { return func(int, int) uint8 { return v } }

func TestImageDirClasses(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "shoe", "b.png"), 6, 6, flat(255))
	writePNG(t, filepath.Join(root, "shoe", "a.PNG"), 6, 6, flat(0))
	writePNG(t, filepath.Join(root, "bag", "deep", "c.png"), 6, 6, flat(51))
	writeFile(t, filepath.Join(root, "bag", "notes.txt"), []byte("not an image"))
	writePNG(t, filepath.Join(root, ".hidden", "d.png"), 6, 6, flat(0))

	d, err := data.OpenImageDir(root, data.ImageDirOptions{Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Classes, ","); got != "bag,shoe" {
		t.Errorf("classes %s, want bag,shoe (sorted, hidden skipped)", got)
	}
	if d.Len() != 3 || d.ClassIndex()["shoe"] != 1 {
		t.Fatalf("%d images, shoe = %d; want 3 images, shoe = 1", d.Len(), d.ClassIndex()["shoe"])
	}
	x, y, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(x.Shape, []int{3, 1, 6, 6}) {
		t.Fatalf("shape %v, want (3, 1, 6, 6)", x.Shape)
	}
	// Order: bag/deep/c.png, shoe/a.PNG, shoe/b.png.
	for i, want := range []struct {
		label int
		v     float32
	}{{0, 51/127.5 - 1}, {1, -1}, {1, 1}} {
		if y[i] != want.label || x.Data[i*36] != want.v {
			t.Errorf("image %d (%s): label %d, pixel %v; want %d, %v", i, d.Paths[i], y[i], x.Data[i*36], want.label, want.v)
		}
	}
}

func TestImageDirFlatRGB(t *testing.T) {
	root := filepath.Join(t.TempDir(), "faces")
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{0, 255, 0, 255})
	img.Set(0, 1, color.NRGBA{0, 0, 255, 255})
	img.Set(1, 1, color.NRGBA{255, 255, 255, 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	writeFile(t, filepath.Join(root, "x.png"), buf.Bytes())

	d, err := data.OpenImageDir(root, data.ImageDirOptions{Size: 2, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Classes) != 1 || d.Classes[0] != "faces" {
		t.Errorf("classes %v, want [faces]", d.Classes)
	}
	x, _, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	// CHW: R plane, G plane, B plane.
	want := []float32{1, -1, -1, 1, -1, 1, -1, 1, -1, -1, 1, 1}
	for i := range want {
		if x.Data[i] != want[i] {
			t.Fatalf("x = %v, want %v", x.Data, want)
		}
	}
}

// TestImageDirResizeCrop: a 16×8 image, white in its centre 8×8 and black
// at the sides, becomes white all over at size 4 (the sides are cropped).
func TestImageDirResizeCrop(t *testing.T) {
	root := t.TempDir()
	writePNG(t, filepath.Join(root, "wide.png"), 16, 8, func(x, _ int) uint8 {
		if x >= 4 && x < 12 {
			return 255
		}
		return 0
	})
	d, err := data.OpenImageDir(root, data.ImageDirOptions{Size: 4, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range x.Data {
		if math.Abs(float64(v)-1) > 1e-2 {
			t.Fatalf("x[%d] = %v, want 1 (white centre crop)", i, v)
		}
	}
}

func TestImageDirJPEG(t *testing.T) {
	root := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 20, 12))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "a.jpg"), buf.Bytes())
	d, err := data.OpenImageDir(root, data.ImageDirOptions{Size: 8})
	if err != nil {
		t.Fatal(err)
	}
	x, _, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(x.Shape, []int{1, 3, 8, 8}) || math.Abs(float64(x.Data[0])+1) > 0.05 {
		t.Errorf("shape %v, x[0] %v; want (1, 3, 8, 8), about -1 (black)", x.Shape, x.Data[0])
	}
}

// TestImageDirFlip: with Flip each image is mirrored or not by the stream,
// the same stream gives the same flips, and a flipped image is the mirror.
func TestImageDirFlip(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		writePNG(t, filepath.Join(root, name+".png"), 3, 3, func(x, y int) uint8 { return uint8(40*x + 3*y) })
	}
	d, err := data.OpenImageDir(root, data.ImageDirOptions{Channels: 1, Flip: true})
	if err != nil {
		t.Fatal(err)
	}
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
	plain, _, _ := d.Batch(idx, nil)
	a, _, _ := d.Batch(idx, tensor.NewRNG(4))
	b, _, _ := d.Batch(idx, tensor.NewRNG(4))
	flipped := 0
	for i := range idx {
		same, mirror := true, true
		for yy := range 3 {
			for xx := range 3 {
				v := a.Data[i*9+yy*3+xx]
				same = same && v == plain.Data[i*9+yy*3+xx]
				mirror = mirror && v == plain.Data[i*9+yy*3+2-xx]
			}
		}
		if !same && !mirror {
			t.Errorf("image %d is neither the original nor its mirror", i)
		}
		if mirror {
			flipped++
		}
		for j := range 9 {
			if a.Data[i*9+j] != b.Data[i*9+j] {
				t.Fatalf("image %d: same seed, different flips", i)
			}
		}
	}
	if flipped == 0 || flipped == len(idx) {
		t.Errorf("%d of %d flipped, want some but not all", flipped, len(idx))
	}
}

func TestImageDirErrors(t *testing.T) {
	good := func(t *testing.T, p string) { writePNG(t, p, 8, 8, flat(9)) }
	var encoded bytes.Buffer
	png.Encode(&encoded, image.NewGray(image.Rect(0, 0, 8, 8)))
	for _, c := range []struct {
		name   string
		build  func(t *testing.T, root string)
		opts   data.ImageDirOptions
		onLoad bool   // the error comes from decoding, not from opening
		file   string // the file the error must name (relative to root)
		want   string
	}{
		{"empty folder", func(*testing.T, string) {}, data.ImageDirOptions{}, false, "", "at least one .png"},
		{"only text", func(t *testing.T, r string) { writeFile(t, filepath.Join(r, "a.txt"), []byte("x")) }, data.ImageDirOptions{}, false, "", "at least one .png"},
		{"empty class", func(t *testing.T, r string) {
			good(t, filepath.Join(r, "cat", "a.png"))
			os.MkdirAll(filepath.Join(r, "dog"), 0o755)
		}, data.ImageDirOptions{}, false, "dog", "at least one .png"},
		{"not an image", func(t *testing.T, r string) { writeFile(t, filepath.Join(r, "bad.png"), []byte("hello, world")) }, data.ImageDirOptions{}, false, "bad.png", "want a PNG or JPEG image"},
		{"truncated png", func(t *testing.T, r string) {
			writeFile(t, filepath.Join(r, "cut.png"), encoded.Bytes()[:encoded.Len()-20])
		}, data.ImageDirOptions{}, true, "cut.png", "want a PNG or JPEG image"},
		{"wrong size", func(t *testing.T, r string) {
			good(t, filepath.Join(r, "a.png"))
			writePNG(t, filepath.Join(r, "b.png"), 9, 8, flat(0))
		}, data.ImageDirOptions{Size: 8, Exact: true}, false, "b.png", "want 8×8, got png 9×8"},
		{"sizes differ", func(t *testing.T, r string) {
			good(t, filepath.Join(r, "a.png"))
			writePNG(t, filepath.Join(r, "b.png"), 9, 9, flat(0))
		}, data.ImageDirOptions{}, false, "b.png", "want 8×8, got png 9×9"},
		{"image beside classes", func(t *testing.T, r string) {
			good(t, filepath.Join(r, "cat", "a.png"))
			good(t, filepath.Join(r, "stray.png"))
		}, data.ImageDirOptions{}, false, "stray.png", "inside the class folders"},
		{"channels", func(t *testing.T, r string) { good(t, filepath.Join(r, "a.png")) }, data.ImageDirOptions{Channels: 2}, false, "", "want 1 (grey) or 3 (RGB)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			c.build(t, root)
			d, err := data.OpenImageDir(root, c.opts)
			if c.onLoad {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				_, _, err = d.Load()
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Join(root, c.file)) {
				t.Errorf("error %q, want one naming %s and containing %q", err, filepath.Join(root, c.file), c.want)
			}
			var pe *data.ParseError
			if c.file != "" && !errors.As(err, &pe) {
				t.Errorf("error %T, want *data.ParseError", err)
			}
		})
	}
}
