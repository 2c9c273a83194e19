package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/tensor"
)

// MaxHeaderSize is the largest safetensors JSON header accepted (100 MB,
// the reference implementation's limit); a larger length is refused before
// anything is allocated.
const MaxHeaderSize = 100 << 20

// metadataKey is the header entry that holds the string metadata.
const metadataKey = "__metadata__"

// File is the decoded content of a safetensors file.
type File struct {
	Tensors map[string]*tensor.Tensor // every tensor, converted to float32
	Dtypes  map[string]Dtype          // each tensor's dtype in the file
	Meta    map[string]string         // the "__metadata__" entry; empty when absent
	Names   []string                  // tensor names in the order of their data
}

// FormatError reports a safetensors file that does not follow the format.
type FormatError struct {
	File   string // the path or name the data was read from
	Tensor string // the tensor concerned; empty for the file as a whole
	Msg    string // what is wrong and what was expected
}

// Error formats as `checkpoint model.safetensors: tensor "conv.weight": …`.
func (e *FormatError) Error() string {
	if e.Tensor != "" {
		return fmt.Sprintf("checkpoint %s: tensor %q: %s", e.File, e.Tensor, e.Msg)
	}
	return fmt.Sprintf("checkpoint %s: %s", e.File, e.Msg)
}

// ReadSafetensors reads the safetensors file at path into float32 tensors
// and its metadata. Use ReadFile to learn the stored dtypes too.
func ReadSafetensors(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return f.Tensors, f.Meta, nil
}

// ReadFile reads and checks the safetensors file at path. The data is
// streamed into the tensors, so memory is the float32 tensors plus a small
// buffer.
func ReadFile(path string) (*File, error) {
	fh, size, err := open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return decode(bufio.NewReaderSize(fh, 1<<20), size, path)
}

// open opens path and returns its length.
func open(path string) (*os.File, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("checkpoint: %w", err)
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, fmt.Errorf("checkpoint: %w", err)
	}
	return fh, fi.Size(), nil
}

// Decode decodes safetensors data held in memory; name (a file name, a
// URL) is used in errors.
func Decode(data []byte, name string) (*File, error) {
	return decode(bytes.NewReader(data), int64(len(data)), name)
}

// DecodeReader decodes size bytes of safetensors data from r; name is used
// in errors. The size lets lengths be checked before allocating.
func DecodeReader(r io.Reader, size int64, name string) (*File, error) {
	return decode(r, size, name)
}

// entry is one tensor's header entry.
type entry struct {
	name       string
	dtype      Dtype
	shape      []int
	begin, end uint64
}

// ReadMeta reads only the header of the safetensors file at path, checks
// it against the file's length as ReadFile does, and returns its metadata:
// enough to tell what kind of checkpoint a file is without reading its
// tensors. A file whose data is truncated passes here and fails ReadFile.
func ReadMeta(path string) (map[string]string, error) {
	fh, size, err := open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	_, meta, err := readHeader(bufio.NewReader(fh), size, path)
	return meta, err
}

// badFormat returns the FormatError constructor for file.
func badFormat(file string) func(tensorName, format string, args ...any) error {
	return func(tensorName, format string, args ...any) error {
		return &FormatError{File: file, Tensor: tensorName, Msg: fmt.Sprintf(format, args...)}
	}
}

// readHeader reads the header length and the JSON header from r, the
// start of size bytes of safetensors data, and parses it.
func readHeader(r io.Reader, size int64, file string) ([]entry, map[string]string, error) {
	bad := badFormat(file)
	if size < 8 {
		return nil, nil, bad("", "file has %d bytes, want at least 8 for the header length", size)
	}
	var lenBuf [8]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, nil, bad("", "reading the header length: %v", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	switch {
	case n > MaxHeaderSize:
		return nil, nil, bad("", "header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	case n > uint64(size-8):
		return nil, nil, bad("", "header length %d exceeds the %d bytes that follow it", n, size-8)
	case n < 2:
		return nil, nil, bad("", "header length %d is too short for a JSON object", n)
	}
	hdr := make([]byte, n)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, bad("", "reading the %d-byte header: %v", n, err)
	}
	return parseHeader(hdr, uint64(size-8)-n, bad)
}

func decode(r io.Reader, size int64, file string) (*File, error) {
	bad := badFormat(file)
	entries, meta, err := readHeader(r, size, file)
	if err != nil {
		return nil, err
	}

	f := &File{
		Tensors: make(map[string]*tensor.Tensor, len(entries)),
		Dtypes:  make(map[string]Dtype, len(entries)),
		Meta:    meta,
		Names:   make([]string, len(entries)),
	}
	var buf []byte
	for i, e := range entries {
		t := tensor.New(e.shape...)
		isz := e.dtype.Size()
		// Read in pieces of at most 1 MiB, whole elements each.
		step := max(1, (1<<20)/isz)
		for lo := 0; lo < len(t.Data); lo += step {
			hi := min(lo+step, len(t.Data))
			need := (hi - lo) * isz
			if cap(buf) < need {
				buf = make([]byte, need)
			}
			if _, err := io.ReadFull(r, buf[:need]); err != nil {
				return nil, bad(e.name, "data ends early (file truncated?): %v", err)
			}
			convert(t.Data[lo:hi], buf[:need], e.dtype)
		}
		f.Tensors[e.name], f.Dtypes[e.name], f.Names[i] = t, e.dtype, e.name
	}
	return f, nil
}

// parseHeader checks the JSON header against the body length and returns
// the entries sorted by data offset, and the metadata.
func parseHeader(hdr []byte, bodyLen uint64, bad func(string, string, ...any) error) ([]entry, map[string]string, error) {
	if !bytes.HasPrefix(hdr, []byte("{")) {
		return nil, nil, bad("", "header does not start with '{'")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if _, err := dec.Token(); err != nil {
		return nil, nil, bad("", "header is not valid JSON: %v", err)
	}
	meta := map[string]string{}
	var entries []entry
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, bad("", "header is not valid JSON: %v", err)
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, bad("", "header is not valid JSON: %v", err)
		}
		if seen[name] {
			return nil, nil, bad("", "header names %q twice", name)
		}
		seen[name] = true
		if name == metadataKey {
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, nil, bad("", "%q: want an object of strings: %v", metadataKey, err)
			}
			maps.Copy(meta, m)
			continue
		}
		e, err := parseEntry(name, raw, bodyLen)
		if err != nil {
			return nil, nil, bad(name, "%s", err)
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, bad("", "header is not valid JSON: %v", err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		return nil, nil, bad("", "header has data after its JSON object (%v, %v); only space padding may follow", tok, err)
	}

	// Tensors must tile the body exactly: sorted by offset, each starts
	// where the previous one ends, and the last ends at the end of the file.
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.begin != b.begin {
			return cmpU64(a.begin, b.begin)
		}
		if a.end != b.end {
			return cmpU64(a.end, b.end)
		}
		return strings.Compare(a.name, b.name)
	})
	var at uint64
	prev := ""
	for _, e := range entries {
		switch {
		case e.begin < at:
			return nil, nil, bad(e.name, "data_offsets [%d, %d] overlap tensor %q, which ends at %d", e.begin, e.end, prev, at)
		case e.begin > at:
			return nil, nil, bad(e.name, "data_offsets [%d, %d] leave a gap: want the data to start at %d", e.begin, e.end, at)
		}
		at, prev = e.end, e.name
	}
	if at != bodyLen {
		return nil, nil, bad("", "tensors use %d bytes of data, the file holds %d after the header", at, bodyLen)
	}
	return entries, meta, nil
}

func cmpU64(a, b uint64) int {
	if a < b {
		return -1
	}
	return 1
}

// parseEntry decodes and checks one tensor's header entry.
func parseEntry(name string, raw json.RawMessage, bodyLen uint64) (entry, error) {
	var j struct {
		Dtype       *string   `json:"dtype"`
		Shape       *[]int    `json:"shape"`
		DataOffsets *[]uint64 `json:"data_offsets"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return entry{}, fmt.Errorf(`want {"dtype", "shape", "data_offsets"}: %v`, err)
	}
	switch {
	case j.Dtype == nil:
		return entry{}, errors.New(`missing "dtype"`)
	case j.Shape == nil:
		return entry{}, errors.New(`missing "shape"`)
	case j.DataOffsets == nil:
		return entry{}, errors.New(`missing "data_offsets"`)
	}
	e := entry{name: name, dtype: Dtype(*j.Dtype), shape: *j.Shape}
	isz := e.dtype.Size()
	if isz == 0 {
		return entry{}, fmt.Errorf("unknown dtype %q, want one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL", *j.Dtype)
	}
	if off := *j.DataOffsets; len(off) != 2 {
		return entry{}, fmt.Errorf("data_offsets has %d numbers, want [begin, end]", len(off))
	}
	e.begin, e.end = (*j.DataOffsets)[0], (*j.DataOffsets)[1]
	if e.begin > e.end || e.end > bodyLen {
		return entry{}, fmt.Errorf("data_offsets [%d, %d] out of range: want begin ≤ end ≤ %d, the data size", e.begin, e.end, bodyLen)
	}
	numel, err := numel(e.shape)
	if err != nil {
		return entry{}, err
	}
	have := e.end - e.begin
	if have/uint64(isz) != numel || have%uint64(isz) != 0 {
		return entry{}, fmt.Errorf("data_offsets [%d, %d] hold %d bytes, shape %s of %s needs %s",
			e.begin, e.end, have, tensor.FormatShape(e.shape), e.dtype, needBytes(numel, isz))
	}
	return e, nil
}

// numel is the element count of shape, refusing negative sizes and counts
// that overflow.
func numel(shape []int) (uint64, error) {
	n := uint64(1)
	overflow := false
	for _, s := range shape {
		if s < 0 {
			return 0, fmt.Errorf("shape %s has a negative size", tensor.FormatShape(shape))
		}
		if s == 0 {
			return 0, nil
		}
		if n > math.MaxInt64/uint64(s) {
			overflow = true
		}
		n *= uint64(s)
	}
	if overflow {
		return 0, fmt.Errorf("shape %s holds more elements than can be addressed", tensor.FormatShape(shape))
	}
	return n, nil
}

// needBytes is numel·itemsize as text, exact even past 2⁶⁴.
func needBytes(numel uint64, isz int) string {
	if numel > math.MaxUint64/uint64(isz) {
		return fmt.Sprintf("%d×%d", numel, isz)
	}
	return fmt.Sprint(numel * uint64(isz))
}

// WriteSafetensors writes tensors as F32 to a safetensors file at path,
// names sorted, with the metadata meta (may be nil), atomically (see
// WriteAtomic).
func WriteSafetensors(path string, tensors map[string]*tensor.Tensor, meta map[string]string) error {
	if err := checkWritable(tensors); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return WriteAtomic(path, func(w io.Writer) error { return Encode(w, tensors, meta) })
}

// checkWritable refuses tensors that no safetensors file can hold.
func checkWritable(tensors map[string]*tensor.Tensor) error {
	for _, name := range slices.Sorted(maps.Keys(tensors)) {
		t := tensors[name]
		switch {
		case name == metadataKey:
			return fmt.Errorf("tensor name %q is reserved for metadata", name)
		case t == nil:
			return fmt.Errorf("tensor %q is nil", name)
		}
		n, err := numel(t.Shape)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
		if n != uint64(len(t.Data)) {
			return fmt.Errorf("tensor %q: shape %s holds %d elements, data has %d", name, tensor.FormatShape(t.Shape), n, len(t.Data))
		}
	}
	return nil
}

// Encode writes tensors as an F32 safetensors stream to w: names sorted,
// the header padded with spaces so the data starts at a multiple of 8
// bytes, and meta as "__metadata__" when it is not empty.
func Encode(w io.Writer, tensors map[string]*tensor.Tensor, meta map[string]string) error {
	if err := checkWritable(tensors); err != nil {
		return err
	}
	names := slices.Sorted(maps.Keys(tensors))
	var hdr bytes.Buffer
	hdr.WriteByte('{')
	if len(meta) > 0 {
		m, err := json.Marshal(meta) // keys sorted
		if err != nil {
			return err
		}
		hdr.WriteString(`"` + metadataKey + `":`)
		hdr.Write(m)
	}
	var off uint64
	for i, name := range names {
		if i > 0 || len(meta) > 0 {
			hdr.WriteByte(',')
		}
		t := tensors[name]
		k, _ := json.Marshal(name)
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		s, _ := json.Marshal(shape)
		end := off + 4*uint64(len(t.Data))
		fmt.Fprintf(&hdr, `%s:{"dtype":"F32","shape":%s,"data_offsets":[%d,%d]}`, k, s, off, end)
		off = end
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(hdr.Len()))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, name := range names {
		for _, v := range tensors[name].Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err := w.Write(buf)
	return err
}
