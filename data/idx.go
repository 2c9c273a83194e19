package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/diffusego/diffusego/tensor"
)

// ParseError reports input from a file that is not what it should be. Line is
// 0 for binary formats, and Field names the part of the file that is wrong.
type ParseError struct {
	File  string // the path as given by the caller
	Line  int    // 1-based line for text formats; 0 when not line-based
	Field string // the header field or record part that is wrong
	Want  string // what was expected
	Got   string // what was found
}

// Error formats e as "data: FILE[:LINE]: field "F": want W, got G".
func (e *ParseError) Error() string {
	s := "data: " + e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		s += fmt.Sprintf(": field %q", e.Field)
	}
	return s + ": want " + e.Want + ", got " + e.Got
}

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte)
// and the number of dimensions.
const (
	IDXImagesMagic = 0x00000803 // 2051: unsigned bytes, 3 dimensions (n, rows, cols)
	IDXLabelsMagic = 0x00000801 // 2049: unsigned bytes, 1 dimension (n)
)

// MaxIDXBytes caps the payload an IDX header may claim (4 GiB), checked before
// anything of that size is allocated.
const MaxIDXBytes = 1 << 32

// deflateMaxRatio bounds how much a deflate stream can expand (RFC 1951 allows
// at most about 1032:1); it sizes the first buffer for a gzip file so that a
// tiny file claiming a huge payload does not get a huge allocation.
const deflateMaxRatio = 1032

// ReadIDXImages reads an IDX file of unsigned-byte images (magic 2051), raw or
// gzip-compressed. It returns the pixels row-major, image after image
// (len = n·rows·cols), and the header's sizes.
func ReadIDXImages(path string) (pixels []uint8, n, rows, cols int, err error) {
	err = withFile(path, func(r io.Reader, size int64) error {
		pixels, n, rows, cols, err = decodeIDXImages(path, r, size)
		return err
	})
	return pixels, n, rows, cols, err
}

// ReadIDXLabels reads an IDX file of unsigned-byte labels (magic 2049), raw or
// gzip-compressed. Values are returned as stored; callers check their range.
func ReadIDXLabels(path string) (labels []uint8, err error) {
	err = withFile(path, func(r io.Reader, size int64) error {
		labels, err = decodeIDXLabels(path, r, size)
		return err
	})
	return labels, err
}

// withFile opens path and calls read with its contents and size in bytes.
func withFile(path string, read func(r io.Reader, size int64) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return read(f, size)
}

// decodeIDXImages parses an images file from r; name is used in errors and
// size (−1 when unknown) is the length of r's stream as stored.
func decodeIDXImages(name string, r io.Reader, size int64) (pixels []uint8, n, rows, cols int, err error) {
	body, compressed, err := openIDX(name, r)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	hdr, err := readHeader(name, body, IDXImagesMagic, "images", 3)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n, rows, cols = hdr[0], hdr[1], hdr[2]
	if rows == 0 || cols == 0 {
		return nil, 0, 0, 0, &ParseError{File: name, Field: "rows, cols", Want: "sizes ≥ 1", Got: fmt.Sprintf("%d×%d", rows, cols)}
	}
	want := uint64(n) * uint64(rows) * uint64(cols) // each < 2³², so no overflow
	pixels, err = readPayload(name, body, want, 16, size, compressed, "pixels")
	if err != nil {
		return nil, 0, 0, 0, err
	}
	return pixels, n, rows, cols, nil
}

// decodeIDXLabels parses a labels file from r, like decodeIDXImages.
func decodeIDXLabels(name string, r io.Reader, size int64) ([]uint8, error) {
	body, compressed, err := openIDX(name, r)
	if err != nil {
		return nil, err
	}
	hdr, err := readHeader(name, body, IDXLabelsMagic, "labels", 1)
	if err != nil {
		return nil, err
	}
	return readPayload(name, body, uint64(hdr[0]), 8, size, compressed, "labels")
}

// openIDX returns a reader of the IDX bytes in r, decompressing when r starts
// with the gzip magic bytes 1f 8b.
func openIDX(name string, r io.Reader) (body io.Reader, compressed bool, err error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, false, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, false, fmt.Errorf("data: %s: gzip: %w", name, err)
	}
	return zr, true, nil
}

// readHeader reads the magic number and dims sizes of an IDX header. The magic
// number is checked first, so a labels file read as images says so.
func readHeader(name string, r io.Reader, magic uint32, kind string, dims int) ([]int, error) {
	hdrLen := 4 + 4*dims
	buf := make([]byte, hdrLen)
	read := func(lo int) error {
		got, err := io.ReadFull(r, buf[lo:])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return &ParseError{File: name, Field: "header", Want: fmt.Sprintf("%d bytes", hdrLen), Got: fmt.Sprintf("%d bytes", lo+got)}
		}
		if err != nil {
			return fmt.Errorf("data: %s: header: %w", name, err)
		}
		return nil
	}
	buf = buf[:4]
	if err := read(0); err != nil {
		return nil, err
	}
	if m := binary.BigEndian.Uint32(buf); m != magic {
		return nil, &ParseError{File: name, Field: "magic", Want: fmt.Sprintf("%d (IDX %s)", magic, kind), Got: describeMagic(m)}
	}
	buf = buf[:cap(buf)]
	if err := read(4); err != nil {
		return nil, err
	}
	sizes := make([]int, dims)
	for i := range sizes {
		sizes[i] = int(binary.BigEndian.Uint32(buf[4+4*i:]))
	}
	return sizes, nil
}

// describeMagic names the magic numbers a caller is likely to mix up.
func describeMagic(m uint32) string {
	switch m {
	case IDXImagesMagic:
		return fmt.Sprintf("%d (IDX images)", m)
	case IDXLabelsMagic:
		return fmt.Sprintf("%d (IDX labels)", m)
	}
	return strconv.FormatUint(uint64(m), 10)
}

// readPayload reads exactly want bytes after a header of hdrLen bytes and
// checks that nothing follows. size is the stored file length (−1 unknown).
func readPayload(name string, r io.Reader, want uint64, hdrLen int, size int64, compressed bool, field string) ([]uint8, error) {
	if want > MaxIDXBytes {
		return nil, &ParseError{File: name, Field: field, Want: fmt.Sprintf("at most %d bytes", uint64(MaxIDXBytes)), Got: fmt.Sprintf("a header claiming %d bytes", want)}
	}
	hint := want
	if size >= 0 {
		switch {
		case !compressed && uint64(max(size-int64(hdrLen), 0)) < want:
			// A raw file's length is known: refuse before reading.
			return nil, truncated(name, field, want, uint64(max(size-int64(hdrLen), 0)))
		case compressed:
			hint = min(hint, uint64(size)*deflateMaxRatio)
		}
	}
	var buf bytes.Buffer
	buf.Grow(int(hint))
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(want))); err != nil {
		return nil, fmt.Errorf("data: %s: %s: %w", name, field, err)
	}
	if got := uint64(buf.Len()); got < want {
		return nil, truncated(name, field, want, got)
	}
	// Reading on to the end also makes gzip verify its checksum.
	var extra [1]byte
	switch k, err := io.ReadFull(r, extra[:]); {
	case k > 0:
		return nil, &ParseError{File: name, Field: field, Want: fmt.Sprintf("%d bytes and the end of the file", want), Got: "trailing bytes"}
	case err != io.EOF:
		return nil, fmt.Errorf("data: %s: %s: %w", name, field, err)
	}
	return buf.Bytes(), nil
}

func truncated(name, field string, want, got uint64) *ParseError {
	return &ParseError{File: name, Field: field, Want: fmt.Sprintf("%d bytes", want), Got: fmt.Sprintf("%d bytes (truncated)", got)}
}

// FashionMNISTClasses are the names of the ten Fashion-MNIST labels, by index
// (Xiao, Rasul and Vollgraf, 2017).
var FashionMNISTClasses = [10]string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// LoadFashionMNIST reads split "train" (60000 images) or "test" (10000) of
// Fashion-MNIST from dir, which holds the four files as distributed:
// train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz
// and t10k-labels-idx1-ubyte.gz (the same names without .gz are used when the
// .gz file is absent). Images come back as (N, 1, 28, 28) float32 scaled to
// [-1, 1] by pixel/127.5 − 1; labels as class indices 0..9 (FashionMNISTClasses).
func LoadFashionMNIST(dir, split string) (images *tensor.Tensor, labels []int, err error) {
	prefix := map[string]string{"train": "train", "test": "t10k"}[split]
	if prefix == "" {
		return nil, nil, fmt.Errorf("data: fashion-mnist split %q: want \"train\" or \"test\"", split)
	}
	imgPath := findFile(dir, prefix+"-images-idx3-ubyte")
	lblPath := findFile(dir, prefix+"-labels-idx1-ubyte")

	pixels, n, rows, cols, err := ReadIDXImages(imgPath)
	if err != nil {
		return nil, nil, err
	}
	if rows != 28 || cols != 28 {
		return nil, nil, &ParseError{File: imgPath, Field: "rows, cols", Want: "28×28", Got: fmt.Sprintf("%d×%d", rows, cols)}
	}
	raw, err := ReadIDXLabels(lblPath)
	if err != nil {
		return nil, nil, err
	}
	if len(raw) != n {
		return nil, nil, &ParseError{File: lblPath, Field: "count", Want: fmt.Sprintf("%d labels, one per image in %s", n, imgPath), Got: strconv.Itoa(len(raw))}
	}
	labels = make([]int, n)
	for i, l := range raw {
		if int(l) >= len(FashionMNISTClasses) {
			return nil, nil, &ParseError{File: lblPath, Field: fmt.Sprintf("label %d", i), Want: "a class 0..9", Got: strconv.Itoa(int(l))}
		}
		labels[i] = int(l)
	}
	return BytesToUnit(pixels, n, 1, rows, cols), labels, nil
}

// findFile returns dir/name.gz when it exists, else dir/name (which may not
// exist either: the reader then reports the .gz name the caller expects).
func findFile(dir, name string) string {
	gz := filepath.Join(dir, name+".gz")
	if _, err := os.Stat(gz); err == nil {
		return gz
	}
	plain := filepath.Join(dir, name)
	if _, err := os.Stat(plain); err == nil {
		return plain
	}
	return gz
}

// BytesToUnit converts 8-bit pixels to a float32 tensor of the given shape,
// mapping 0..255 onto [-1, 1] by pixel/127.5 − 1. len(pixels) must equal the
// product of shape.
func BytesToUnit(pixels []uint8, shape ...int) *tensor.Tensor {
	var lut [256]float32
	for i := range lut {
		lut[i] = float32(i)/127.5 - 1
	}
	t := tensor.New(shape...)
	if len(pixels) != len(t.Data) {
		tensor.Shapef("BytesToUnit", [][]int{{len(pixels)}, shape}, "%d pixels for %d elements", len(pixels), len(t.Data))
	}
	for i, p := range pixels {
		t.Data[i] = lut[p]
	}
	return t
}
