package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the IDX files in testdata/")

// encodeIDX writes an unsigned-byte IDX file: magic, sizes, payload.
func encodeIDX(magic uint32, sizes []int, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, s := range sizes {
		b = binary.BigEndian.AppendUint32(b, uint32(s))
	}
	return append(b, payload...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// ramp returns n bytes that exercise every bit pattern: (i·37 + seed) mod 256.
func ramp(n, seed int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*37 + seed)
	}
	return b
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testdataFiles are the fuzz seeds in testdata/, made by
// `go test ./data -run TestTestdata -update`.
var testdataFiles = map[string][]byte{
	"images-3x4x5.idx":       encodeIDX(IDXImagesMagic, []int{3, 4, 5}, ramp(3*4*5, 0)),
	"images-2x28x28.idx.gz":  gz(encodeIDX(IDXImagesMagic, []int{2, 28, 28}, ramp(2*28*28, 1))),
	"labels-6.idx":           encodeIDX(IDXLabelsMagic, []int{6}, []byte{0, 1, 2, 3, 9, 255}),
	"labels-4.idx.gz":        gz(encodeIDX(IDXLabelsMagic, []int{4}, []byte{9, 8, 0, 7})),
	"images-empty-0x1x1.idx": encodeIDX(IDXImagesMagic, []int{0, 1, 1}, nil),
}

func TestTestdata(t *testing.T) {
	for name, want := range testdataFiles {
		p := filepath.Join("testdata", name)
		if *update {
			writeFile(t, "testdata", name, want)
			continue
		}
		if strings.HasPrefix(name, "images") {
			if _, _, _, _, err := ReadIDXImages(p); err != nil {
				t.Errorf("ReadIDXImages(%s): %v", p, err)
			}
		} else if _, err := ReadIDXLabels(p); err != nil {
			t.Errorf("ReadIDXLabels(%s): %v", p, err)
		}
	}
}

func TestReadIDXImages(t *testing.T) {
	dir := t.TempDir()
	pixels := ramp(3*4*5, 7)
	raw := encodeIDX(IDXImagesMagic, []int{3, 4, 5}, pixels)
	// The .gz file is stored raw and the plain one compressed: the format is
	// detected from the bytes, not the name.
	for name, b := range map[string][]byte{"raw.gz": raw, "compressed.idx": gz(raw)} {
		t.Run(name, func(t *testing.T) {
			got, n, rows, cols, err := ReadIDXImages(writeFile(t, dir, name, b))
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 || rows != 4 || cols != 5 {
				t.Errorf("sizes = %d, %d, %d, want 3, 4, 5", n, rows, cols)
			}
			if !bytes.Equal(got, pixels) {
				t.Errorf("pixels = %v, want %v", got, pixels)
			}
		})
	}
}

func TestReadIDXLabels(t *testing.T) {
	dir := t.TempDir()
	want := []byte{3, 1, 4, 1, 5, 9, 2, 6}
	raw := encodeIDX(IDXLabelsMagic, []int{len(want)}, want)
	for name, b := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadIDXLabels(writeFile(t, dir, name, b))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("labels = %v, want %v", got, want)
			}
		})
	}
}

func TestReadIDXErrors(t *testing.T) {
	images := encodeIDX(IDXImagesMagic, []int{2, 3, 3}, ramp(18, 0))
	labels := encodeIDX(IDXLabelsMagic, []int{4}, []byte{1, 2, 3, 4})
	badCRC := gz(images)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 in the gzip trailer
	cases := []struct {
		name   string
		labels bool   // read with ReadIDXLabels instead of ReadIDXImages
		file   []byte // contents
		want   string // substring of the error
	}{
		{"labels as images", false, labels, `field "magic": want 2051 (IDX images), got 2049 (IDX labels)`},
		{"images as labels", true, images, `field "magic": want 2049 (IDX labels), got 2051 (IDX images)`},
		{"not idx", false, []byte("hello, world, this is text"), `field "magic": want 2051`},
		{"empty", false, nil, `field "header": want 16 bytes, got 0 bytes`},
		{"short header", true, labels[:6], `field "header": want 8 bytes, got 6 bytes`},
		{"truncated raw", false, images[:20], `field "pixels": want 18 bytes, got 4 bytes (truncated)`},
		{"truncated gzip payload", false, gz(images[:25]), `field "pixels": want 18 bytes, got 9 bytes (truncated)`},
		{"truncated labels", true, labels[:10], `field "labels": want 4 bytes, got 2 bytes (truncated)`},
		{"trailing bytes", true, append(slices.Clone(labels), 0), `want 4 bytes and the end of the file, got trailing bytes`},
		{"zero rows", false, encodeIDX(IDXImagesMagic, []int{1, 0, 3}, nil), `field "rows, cols": want sizes ≥ 1, got 0×3`},
		{"absurd raw", false, encodeIDX(IDXImagesMagic, []int{1 << 20, 1 << 10, 1 << 10}, nil), `want at most 4294967296 bytes`},
		{"absurd gzip", false, gz(encodeIDX(IDXImagesMagic, []int{60000, 28, 28}, nil)), `want 47040000 bytes, got 0 bytes (truncated)`},
		{"huge labels raw", true, encodeIDX(IDXLabelsMagic, []int{math.MaxUint32}, nil), `want 4294967295 bytes, got 0 bytes (truncated)`},
		{"bad gzip checksum", false, badCRC, `gzip: invalid checksum`},
		{"bad gzip header", false, []byte{0x1f, 0x8b, 0, 0}, `gzip: unexpected EOF`},
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, fmt.Sprintf("case%d", i), c.file)
			var err error
			if c.labels {
				_, err = ReadIDXLabels(p)
			} else {
				_, _, _, _, err = ReadIDXImages(p)
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", c.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, p) {
				t.Errorf("error = %q, want the file name and %q", msg, c.want)
			}
		})
	}
}

func TestReadIDXMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.idx")
	_, err := ReadIDXLabels(p)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), p) {
		t.Errorf("error = %v, want one wrapping os.ErrNotExist and naming %s", err, p)
	}
}

// fakeFashionMNIST writes a Fashion-MNIST folder with n train and m test images.
func fakeFashionMNIST(t *testing.T, n, m int) string {
	dir := t.TempDir()
	for _, s := range []struct {
		prefix string
		n      int
	}{{"train", n}, {"t10k", m}} {
		lbl := make([]byte, s.n)
		for i := range lbl {
			lbl[i] = byte(i % 10)
		}
		writeFile(t, dir, s.prefix+"-images-idx3-ubyte.gz", gz(encodeIDX(IDXImagesMagic, []int{s.n, 28, 28}, ramp(s.n*784, s.n))))
		writeFile(t, dir, s.prefix+"-labels-idx1-ubyte.gz", gz(encodeIDX(IDXLabelsMagic, []int{s.n}, lbl)))
	}
	return dir
}

func TestLoadFashionMNIST(t *testing.T) {
	dir := fakeFashionMNIST(t, 12, 3)
	for split, n := range map[string]int{"train": 12, "test": 3} {
		images, labels, err := LoadFashionMNIST(dir, split)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{n, 1, 28, 28}; !slices.Equal(images.Shape, want) {
			t.Errorf("%s: images shape %v, want %v", split, images.Shape, want)
		}
		if len(labels) != n || labels[n-1] != (n-1)%10 {
			t.Errorf("%s: labels = %v, want %d of them, i mod 10", split, labels, n)
		}
		pixels := ramp(n*784, n)
		for i, p := range pixels {
			if got, want := images.Data[i], float64(p)/127.5-1; math.Abs(float64(got)-want) > 1e-6 {
				t.Fatalf("%s: image value %d = %v for pixel %d, want %v", split, i, got, p, want)
			}
		}
	}
}

func TestBytesToUnitEnds(t *testing.T) {
	got := BytesToUnit([]byte{0, 255, 51}, 3).Data
	if want := []float32{-1, 1, -0.6}; math.Abs(float64(got[2]-want[2])) > 1e-7 || got[0] != -1 || got[1] != 1 {
		t.Errorf("BytesToUnit(0, 255, 51) = %v, want %v", got, want)
	}
}

func TestLoadFashionMNISTErrors(t *testing.T) {
	t.Run("bad split", func(t *testing.T) {
		_, _, err := LoadFashionMNIST(t.TempDir(), "valid")
		if err == nil || !strings.Contains(err.Error(), `want "train" or "test"`) {
			t.Errorf("error = %v, want it to name the valid splits", err)
		}
	})
	t.Run("missing folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "absent")
		_, _, err := LoadFashionMNIST(dir, "train")
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") {
			t.Errorf("error = %v, want not-exist naming train-images-idx3-ubyte.gz", err)
		}
	})
	t.Run("count mismatch", func(t *testing.T) {
		dir := fakeFashionMNIST(t, 5, 2)
		writeFile(t, dir, "t10k-labels-idx1-ubyte.gz", gz(encodeIDX(IDXLabelsMagic, []int{3}, []byte{1, 2, 3})))
		_, _, err := LoadFashionMNIST(dir, "test")
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != "count" || pe.Got != "3" || !strings.Contains(pe.Want, "2 labels") {
			t.Errorf("error = %v, want a count ParseError (2 labels, got 3)", err)
		}
	})
	t.Run("label out of range", func(t *testing.T) {
		dir := fakeFashionMNIST(t, 3, 2)
		writeFile(t, dir, "train-labels-idx1-ubyte.gz", gz(encodeIDX(IDXLabelsMagic, []int{3}, []byte{1, 10, 3})))
		_, _, err := LoadFashionMNIST(dir, "train")
		want := `train-labels-idx1-ubyte.gz: field "label 1": want a class 0..9, got 10`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want %q", err, want)
		}
	})
	t.Run("not 28x28", func(t *testing.T) {
		dir := fakeFashionMNIST(t, 3, 2)
		writeFile(t, dir, "train-images-idx3-ubyte.gz", encodeIDX(IDXImagesMagic, []int{3, 32, 32}, ramp(3*32*32, 0)))
		_, _, err := LoadFashionMNIST(dir, "train")
		if err == nil || !strings.Contains(err.Error(), "want 28×28, got 32×32") {
			t.Errorf("error = %v, want one about 28×28", err)
		}
	})
	t.Run("uncompressed names", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "t10k-images-idx3-ubyte", encodeIDX(IDXImagesMagic, []int{1, 28, 28}, ramp(784, 0)))
		writeFile(t, dir, "t10k-labels-idx1-ubyte", encodeIDX(IDXLabelsMagic, []int{1}, []byte{4}))
		if _, labels, err := LoadFashionMNIST(dir, "test"); err != nil || labels[0] != 4 {
			t.Errorf("LoadFashionMNIST(uncompressed) = %v, %v; want [4], nil", labels, err)
		}
	})
}

// The real data set comes from the Debian package dataset-fashion-mnist
// (`make deps`); reading and converting it takes about a second.
func TestLoadFashionMNISTReal(t *testing.T) {
	const dir = "../testdata/fashion-mnist" // the link to /usr/share/datasets/fashion-mnist (testdata/README.md)
	if _, err := os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		t.Skipf("Fashion-MNIST not installed in %s (Debian package dataset-fashion-mnist; `make deps`)", dir)
	}
	if testing.Short() {
		t.Skip("-short: not reading the 60000-image Fashion-MNIST training set")
	}
	for split, n := range map[string]int{"train": 60000, "test": 10000} {
		images, labels, err := LoadFashionMNIST(dir, split)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{n, 1, 28, 28}; !slices.Equal(images.Shape, want) {
			t.Errorf("%s: shape %v, want %v", split, images.Shape, want)
		}
		var hist [10]int
		for _, l := range labels {
			hist[l]++
		}
		for c, k := range hist {
			if k != n/10 {
				t.Errorf("%s: class %d (%s) has %d images, want %d", split, c, FashionMNISTClasses[c], k, n/10)
			}
		}
		lo, hi := slices.Min(images.Data), slices.Max(images.Data)
		if lo != -1 || hi != 1 {
			t.Errorf("%s: values span [%v, %v], want [-1, 1]", split, lo, hi)
		}
	}
}

// FuzzReadIDX feeds arbitrary bytes to both readers: they must not panic, and
// whatever parses must encode back to the same IDX bytes.
func FuzzReadIDX(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		plain := b
		if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
			plain = nil // compressed: compare against a fresh encoding only
		}
		if pixels, n, rows, cols, err := decodeIDXImages("fuzz", bytes.NewReader(b), int64(len(b))); err == nil {
			enc := encodeIDX(IDXImagesMagic, []int{n, rows, cols}, pixels)
			if plain != nil && !bytes.Equal(enc, plain) {
				t.Fatalf("images round trip: encoded %x, read %x", enc, plain)
			}
			p2, n2, r2, c2, err := decodeIDXImages("again", bytes.NewReader(enc), int64(len(enc)))
			if err != nil || n2 != n || r2 != rows || c2 != cols || !bytes.Equal(p2, pixels) {
				t.Fatalf("images re-read: %v", err)
			}
		}
		if labels, err := decodeIDXLabels("fuzz", bytes.NewReader(b), int64(len(b))); err == nil {
			enc := encodeIDX(IDXLabelsMagic, []int{len(labels)}, labels)
			if plain != nil && !bytes.Equal(enc, plain) {
				t.Fatalf("labels round trip: encoded %x, read %x", enc, plain)
			}
			l2, err := decodeIDXLabels("again", bytes.NewReader(gz(enc)), -1)
			if err != nil || !bytes.Equal(l2, labels) {
				t.Fatalf("labels re-read through gzip: %v", err)
			}
		}
	})
}

func ExampleParseError() {
	err := &ParseError{File: "train-images-idx3-ubyte.gz", Field: "magic", Want: "2051 (IDX images)", Got: "2049 (IDX labels)"}
	fmt.Println(err)
	// Output: data: train-images-idx3-ubyte.gz: field "magic": want 2051 (IDX images), got 2049 (IDX labels)
}
