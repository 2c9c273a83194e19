package pngout_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

func sample(t *testing.T) image.Image {
	t.Helper()
	img, err := pngout.Grid(tensor.NewRNG(1).Rand(-1, 1, 3, 3, 5, 4), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestTextRoundTrip: what Encode writes, ReadText reads back, and the
// file is still a PNG that image/png decodes to the same pixels.
func TestTextRoundTrip(t *testing.T) {
	img := sample(t)
	meta := map[string]string{
		"sampler": "ddim", "steps": "50", "seed": "1",
		"prompt":  "ünïcode ✓", // goes in an iTXt chunk
		"command": "diffuse sample --steps 50\n--eta 0",
	}
	var buf bytes.Buffer
	if err := pngout.Encode(&buf, img, meta); err != nil {
		t.Fatal(err)
	}
	got, err := pngout.ReadText(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(meta) {
		t.Errorf("read %d keys, want %d: %v", len(got), len(meta), got)
	}
	for k, v := range meta {
		if got[k] != v {
			t.Errorf("text %q = %q, want %q", k, got[k], v)
		}
	}
	back, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("image/png refuses the file: %v", err)
	}
	if back.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v, want %v", back.Bounds(), img.Bounds())
	}
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			r2, g2, b2, _ := back.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				t.Fatalf("pixel (%d, %d) changed", x, y)
			}
		}
	}
}

// TestEncodeDeterministic: the same image and settings give the same
// bytes, whatever the map's iteration order.
func TestEncodeDeterministic(t *testing.T) {
	img := sample(t)
	meta := map[string]string{}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		meta[k] = strings.Repeat(k, 3)
	}
	var first []byte
	for i := range 5 {
		var buf bytes.Buffer
		if err := pngout.Encode(&buf, img, meta); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatalf("encoding %d differs from the first", i)
		}
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grid.png")
	if err := pngout.WriteFile(path, sample(t), map[string]string{"seed": "7"}); err != nil {
		t.Fatal(err)
	}
	got, err := pngout.ReadFileText(path)
	if err != nil || got["seed"] != "7" {
		t.Errorf("ReadFileText = %v, %v; want seed 7", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want just grid.png (no temporary left)", len(entries))
	}
}

func TestEncodeBadText(t *testing.T) {
	for _, c := range []struct {
		key, value, want string
	}{
		{"", "x", "want 1 to 79"},
		{strings.Repeat("k", 80), "x", "want 1 to 79"},
		{" lead", "x", "leading or trailing"},
		{"tab\tkey", "x", "printable ASCII"},
		{"nul", "a\x00b", "without NUL"},
		{"utf8", "\xff", "want UTF-8"},
	} {
		err := pngout.Encode(&bytes.Buffer{}, sample(t), map[string]string{c.key: c.value})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("key %q value %q: error %v, want %q", c.key, c.value, err, c.want)
		}
	}
}

// TestReadTextCorrupt: a flipped byte (bad CRC), a truncated file and a
// non-PNG are errors, not panics or silent partial reads.
func TestReadTextCorrupt(t *testing.T) {
	var buf bytes.Buffer
	if err := pngout.Encode(&buf, sample(t), map[string]string{"seed": "7"}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flipped := bytes.Clone(good)
	flipped[33+8+2] ^= 1 // inside the tEXt chunk right after IHDR
	huge := bytes.Clone(good)
	binary.BigEndian.PutUint32(huge[33:], 1<<31)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"bad crc", flipped, "CRC"},
		{"truncated", good[:len(good)-5], "no IEND"},
		{"huge length", huge, "runs past the end"},
		{"not png", []byte("GIF89a and more bytes"), "PNG signature"},
	} {
		if _, err := pngout.ReadText(bytes.NewReader(c.b)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// FuzzReadText: no input panics ReadText.
func FuzzReadText(f *testing.F) {
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	pngout.Encode(&buf, img, map[string]string{"k": "v", "u": "é"})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		pngout.ReadText(bytes.NewReader(b))
	})
}
