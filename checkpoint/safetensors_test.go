package checkpoint_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

func readSeed(t *testing.T, name string) *checkpoint.File {
	t.Helper()
	f, err := checkpoint.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func TestRoundTripF32BitExact(t *testing.T) {
	ts := map[string]*tensor.Tensor{
		"b.weird": tensor.FromData([]float32{
			float32frombits(0x7fc00001), float32frombits(0x7f800001), // NaNs with payloads (one signalling)
			negZero, float32frombits(1), math.MaxFloat32, posInf, negInf, 1.0 / 3,
		}, 2, 4),
		"a.scalar": tensor.Scalar(-1.5),
		"c.empty":  tensor.New(0, 5),
	}
	meta := map[string]string{"step": "42", "note": `quotes " and \ and ünïcode`}
	path := filepath.Join(t.TempDir(), "rt.safetensors")
	if err := checkpoint.WriteSafetensors(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := raw[0]; (8+int(n))%8 != 0 {
		t.Errorf("header length %d: data does not start on an 8-byte boundary", n)
	}
	f, err := checkpoint.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.Names, " "), "a.scalar b.weird c.empty"; got != want {
		t.Errorf("names in data order = %q, want %q (sorted)", got, want)
	}
	for name, want := range ts {
		got := f.Tensors[name]
		if got == nil || !tensor.SameShape(got.Shape, want.Shape) || !sameBits(got.Data, want.Data) {
			t.Errorf("tensor %q = %v, want %v", name, got, want)
		}
		if f.Dtypes[name] != checkpoint.F32 {
			t.Errorf("tensor %q dtype = %s, want F32", name, f.Dtypes[name])
		}
	}
	if len(f.Meta) != 2 || f.Meta["step"] != "42" || f.Meta["note"] != meta["note"] {
		t.Errorf("metadata = %v, want %v", f.Meta, meta)
	}
}

func TestReadF16KnownBits(t *testing.T) {
	f := readSeed(t, "f16.safetensors")
	got := f.Tensors["h"]
	if !tensor.SameShape(got.Shape, []int{3, 3}) || f.Dtypes["h"] != checkpoint.F16 {
		t.Fatalf("h: shape %v dtype %s, want (3, 3) F16", got.Shape, f.Dtypes["h"])
	}
	for i, want := range f16Want {
		if math.Float32bits(got.Data[i]) != math.Float32bits(want) {
			t.Errorf("F16 %#04x = %g, want %g", f16Bits[i], got.Data[i], want)
		}
	}
}

func TestReadF16NaN(t *testing.T) {
	f, err := checkpoint.Decode(rawFile(nil, raw{"n", "F16", []int{2}, le16(0x7e00, 0xfc01)}), "nan")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range f.Tensors["n"].Data {
		if !math.IsNaN(float64(v)) {
			t.Errorf("F16 NaN %d decoded to %v", i, v)
		}
	}
}

func TestReadBF16KnownBits(t *testing.T) {
	f := readSeed(t, "bf16.safetensors")
	got := f.Tensors["b"]
	for i, want := range bf16Want {
		if math.Float32bits(got.Data[i]) != math.Float32bits(want) {
			t.Errorf("BF16 %#04x = %g, want %g", bf16Bits[i], got.Data[i], want)
		}
	}
	if f.Meta["dtype"] != "bf16" {
		t.Errorf("metadata = %v", f.Meta)
	}
}

func TestReadMixedDtypes(t *testing.T) {
	f := readSeed(t, "mixed.safetensors")
	for _, tc := range []struct {
		name  string
		dtype checkpoint.Dtype
		shape []int
		want  []float32
	}{
		{"f64", checkpoint.F64, []int{2}, []float32{1, -math.Pi}},
		{"i64", checkpoint.I64, []int{2}, []float32{1 << 40, -7}},
		{"i32", checkpoint.I32, []int{1, 2}, []float32{123456, -1}},
		{"i8", checkpoint.I8, []int{2}, []float32{127, -128}},
		{"u8", checkpoint.U8, []int{2}, []float32{0, 255}},
		{"flag", checkpoint.BOOL, []int{2}, []float32{1, 0}},
		{"empty", checkpoint.F32, []int{0, 3}, []float32{}},
		{"scalar", checkpoint.F32, []int{}, []float32{math.Pi}},
	} {
		got := f.Tensors[tc.name]
		if got == nil || f.Dtypes[tc.name] != tc.dtype || !tensor.SameShape(got.Shape, tc.shape) || !sameBits(got.Data, tc.want) {
			t.Errorf("%s: got %v %s, want %s %v %v", tc.name, got, f.Dtypes[tc.name], tc.dtype, tc.shape, tc.want)
		}
	}
}

func TestReadSafetensorsErrors(t *testing.T) {
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	huge := withHeader("{}", nil)
	copy(huge, le64(1<<40))
	for _, tc := range []struct {
		name string
		data []byte
		want string // a substring of the error
	}{
		{"too short", []byte{1, 2, 3}, "file has 3 bytes, want at least 8"},
		{"absurd header length", huge, "header length 1099511627776 exceeds the limit"},
		{"header past the end", append(le64(100), "{}"...), "header length 100 exceeds the 2 bytes that follow it"},
		{"header too short", withHeader("{", nil), "header length 1 is too short"},
		{"not an object", withHeader("[1, 2]", nil), "header does not start with '{'"},
		{"bad JSON", withHeader(`{"a": {"dtype": "F32",`, nil), "header is not valid JSON"},
		{"trailing data", withHeader(`{} {}`, nil), "data after its JSON object"},
		{"duplicate name", withHeader(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}`, f32(2)), `names "a" twice`},
		{"unknown dtype", rawFile(nil, raw{"w", "F8_E4M3", []int{2}, []byte{1, 2}}), `tensor "w": unknown dtype "F8_E4M3"`},
		{"unknown field", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}}`, f32(1)), `tensor "w": want {"dtype", "shape", "data_offsets"}`},
		{"missing shape", withHeader(`{"w":{"dtype":"F32","data_offsets":[0,4]}}`, f32(1)), `tensor "w": missing "shape"`},
		{"negative size", withHeader(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, f32(1)), "negative size"},
		{"overflowing shape", withHeader(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, f32(1)), "more elements than can be addressed"},
		{"wrong shape", rawFile(nil, raw{"conv.weight", "F32", []int{3, 3}, make([]byte, 100)}),
			`tensor "conv.weight": data_offsets [0, 100] hold 100 bytes, shape (3, 3) of F32 needs 36`},
		{"offsets out of range", withHeader(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32(1)), `tensor "w": data_offsets [0, 8] out of range: want begin ≤ end ≤ 4`},
		{"offsets reversed", withHeader(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, f32(1)), "out of range"},
		{"three offsets", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, f32(2)), "data_offsets has 3 numbers"},
		{"gap", withHeader(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), "leave a gap: want the data to start at 0"},
		{"overlap", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), `overlap tensor "a"`},
		{"truncated body", rawFile(nil, raw{"w", "F32", []int{4}, f32(4)})[:8+60+8], `tensor "w": data_offsets [0, 16] out of range: want begin ≤ end ≤ 13`},
		{"extra body", append(rawFile(nil, raw{"w", "F32", []int{1}, f32(1)}), 0), "tensors use 4 bytes of data, the file holds 5"},
		{"bad metadata", withHeader(`{"__metadata__":{"step":1}}`, nil), `"__metadata__": want an object of strings`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkpoint.Decode(tc.data, "model.safetensors")
			if err == nil {
				t.Fatalf("Decode accepted it; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "checkpoint model.safetensors: ") {
				t.Errorf("error %q, want it to name the file and contain %q", err, tc.want)
			}
			var fe *checkpoint.FormatError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FormatError", err)
			}
		})
	}
}

func TestDecodeReaderTruncatedStream(t *testing.T) {
	// The size promised is right, but the stream ends early (a file cut
	// while being read).
	data := rawFile(nil, raw{"w", "F32", []int{4}, make([]byte, 16)})
	_, err := checkpoint.DecodeReader(bytes.NewReader(data[:len(data)-3]), int64(len(data)), "cut.safetensors")
	if err == nil || !strings.Contains(err.Error(), `tensor "w": data ends early`) {
		t.Errorf("err = %v, want a truncation error naming the tensor", err)
	}
}

func TestReadSafetensorsMissingFile(t *testing.T) {
	_, _, err := checkpoint.ReadSafetensors(filepath.Join(t.TempDir(), "none.safetensors"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

func TestWriteSafetensorsRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, ts := range map[string]map[string]*tensor.Tensor{
		"reserved": {"__metadata__": tensor.New(1)},
		"nil":      {"w": nil},
		"mismatch": {"w": {Shape: []int{2, 2}, Data: make([]float32, 3)}},
	} {
		path := filepath.Join(dir, name+".safetensors")
		if err := checkpoint.WriteSafetensors(path, ts, nil); err == nil {
			t.Errorf("%s: WriteSafetensors accepted it", name)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a refused write left a file", name)
		}
	}
}

func TestReadMeta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	meta := map[string]string{"kind": "mel", "step": "7"}
	if err := checkpoint.WriteSafetensors(path, map[string]*tensor.Tensor{"w": tensor.New(3, 2)}, meta); err != nil {
		t.Fatal(err)
	}
	got, err := checkpoint.ReadMeta(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["kind"] != "mel" || got["step"] != "7" {
		t.Errorf("ReadMeta = %v, want %v", got, meta)
	}
	// A header that does not fit the file is refused as ReadFile refuses it.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.safetensors")
	if err := os.WriteFile(cut, raw[:len(raw)-4], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoint.ReadMeta(cut); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("ReadMeta of a cut file: err = %v, want an out-of-range error", err)
	}
	if _, err := checkpoint.ReadMeta(filepath.Join(t.TempDir(), "none.safetensors")); err == nil {
		t.Error("ReadMeta of a missing file: no error")
	}
}
