package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/diffusego/diffusego/tensor"
)

// maxHeader bounds the JSON header (100 MB, as the reference library does).
const maxHeader = 100 << 20

// File is a decoded safetensors file.
type File struct {
	Tensors  map[string]*tensor.Tensor // every tensor, converted to float32
	Dtypes   map[string]string         // each tensor's stored dtype ("F32", "I64", …)
	Metadata map[string]string         // the "__metadata__" strings, if any
}

var itemSize = map[string]int{"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}

type entry struct {
	Dtype   string  `json:"dtype"`
	Shape   []int   `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

// ReadSafetensors reads and validates the safetensors file at path.
func ReadSafetensors(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return DecodeSafetensors(path, b)
}

// DecodeSafetensors decodes a whole safetensors file held in b; name is
// used in errors.
func DecodeSafetensors(name string, b []byte) (*File, error) {
	fail := func(format string, args ...any) (*File, error) {
		return nil, fmt.Errorf("checkpoint %s: %s", name, fmt.Sprintf(format, args...))
	}
	if len(b) < 8 {
		return fail("file is %d bytes, want at least 8 (the header length)", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > maxHeader || n > uint64(len(b)-8) {
		return fail("header length %d does not fit in a file of %d bytes", n, len(b))
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b[8 : 8+n]))
	if err := dec.Decode(&raw); err != nil {
		return fail("header is not a JSON object: %v", err)
	}
	body := b[8+n:]
	f := &File{Tensors: map[string]*tensor.Tensor{}, Dtypes: map[string]string{}}
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &f.Metadata); err != nil {
			return fail("__metadata__ must map strings to strings: %v", err)
		}
		delete(raw, "__metadata__")
	}
	type span struct {
		lo, hi int64
		name   string
	}
	var spans []span
	for tname, msg := range raw {
		var e entry
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return fail("tensor %q: %v", tname, err)
		}
		size, ok := itemSize[e.Dtype]
		if !ok {
			return fail("tensor %q: unknown dtype %q", tname, e.Dtype)
		}
		if len(e.Offsets) != 2 {
			return fail("tensor %q: data_offsets has %d numbers, want 2", tname, len(e.Offsets))
		}
		numel := int64(1)
		for _, s := range e.Shape {
			if s < 0 || (numel > 0 && int64(s) > math.MaxInt32*8/numel) {
				return fail("tensor %q: bad shape %v", tname, e.Shape)
			}
			numel *= int64(s)
		}
		lo, hi := e.Offsets[0], e.Offsets[1]
		if lo < 0 || hi < lo || hi > int64(len(body)) {
			return fail("tensor %q: data_offsets [%d, %d] outside the %d-byte body", tname, lo, hi, len(body))
		}
		if hi-lo != numel*int64(size) {
			return fail("tensor %q: data_offsets [%d, %d] hold %d bytes, shape %s of %s needs %d", tname, lo, hi, hi-lo, tensor.FormatShape(e.Shape), e.Dtype, numel*int64(size))
		}
		spans = append(spans, span{lo, hi, tname})
		t := tensor.New(e.Shape...)
		decode(t.Data, body[lo:hi], e.Dtype)
		f.Tensors[tname] = t
		f.Dtypes[tname] = e.Dtype
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].lo != spans[j].lo {
			return spans[i].lo < spans[j].lo
		}
		return spans[i].hi < spans[j].hi
	})
	end := int64(0)
	for _, s := range spans {
		if s.lo != end {
			return fail("tensor %q: data starts at byte %d, want %d (tensors must cover the body without gaps or overlaps)", s.name, s.lo, end)
		}
		end = s.hi
	}
	if end != int64(len(body)) {
		return fail("body is %d bytes but the tensors cover %d", len(body), end)
	}
	return f, nil
}

// decode converts raw little-endian values of dtype into dst.
func decode(dst []float32, raw []byte, dtype string) {
	le := binary.LittleEndian
	for i := range dst {
		switch dtype {
		case "F32":
			dst[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		case "F64":
			dst[i] = float32(math.Float64frombits(le.Uint64(raw[8*i:])))
		case "F16":
			dst[i] = halfToFloat(le.Uint16(raw[2*i:]))
		case "BF16":
			dst[i] = math.Float32frombits(uint32(le.Uint16(raw[2*i:])) << 16)
		case "I64":
			dst[i] = float32(int64(le.Uint64(raw[8*i:])))
		case "I32":
			dst[i] = float32(int32(le.Uint32(raw[4*i:])))
		case "I16":
			dst[i] = float32(int16(le.Uint16(raw[2*i:])))
		case "I8":
			dst[i] = float32(int8(raw[i]))
		case "U8", "BOOL":
			dst[i] = float32(raw[i])
		}
	}
}

// halfToFloat converts an IEEE 754 binary16 value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac·2⁻²⁴
		v := float32(frac) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// WriteSafetensors writes tensors as F32, sorted by name, with meta as
// "__metadata__", atomically.
func WriteSafetensors(path string, tensors map[string]*tensor.Tensor, meta map[string]string) error {
	return WriteAtomic(path, func(w io.Writer) error { return EncodeSafetensors(w, tensors, meta) })
}

// EncodeSafetensors writes tensors as a safetensors stream to w.
func EncodeSafetensors(w io.Writer, tensors map[string]*tensor.Tensor, meta map[string]string) error {
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		if n == "__metadata__" {
			return fmt.Errorf("tensor name %q is reserved", n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	header := map[string]any{}
	if len(meta) > 0 {
		header["__metadata__"] = meta
	}
	off := int64(0)
	for _, n := range names {
		t := tensors[n]
		size := int64(4 * t.Len())
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[n] = entry{Dtype: "F32", Shape: shape, Offsets: []int64{off, off + size}}
		off += size
	}
	h, err := json.Marshal(header)
	if err != nil {
		return err
	}
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(h)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(h); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, n := range names {
		for _, v := range tensors[n].Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) >= 1<<16 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err = w.Write(buf)
	return err
}
