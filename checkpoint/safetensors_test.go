package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

func sample() map[string]*tensor.Tensor {
	rng := tensor.NewRNG(1)
	return map[string]*tensor.Tensor{
		"conv.weight": rng.Randn(2, 1, 3, 3),
		"conv.bias":   rng.Randn(2),
		"scalar":      tensor.Scalar(3.5),
		"empty":       tensor.New(0, 4),
	}
}

func encode(t testing.TB, ts map[string]*tensor.Tensor, meta map[string]string) []byte {
	var b bytes.Buffer
	if err := EncodeSafetensors(&b, ts, meta); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTripBitExact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	in := sample()
	in["conv.bias"].Data[0] = float32(math.Inf(-1))
	if err := WriteSafetensors(path, in, map[string]string{"model": "test"}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["model"] != "test" {
		t.Errorf("metadata = %v, want model=test", f.Metadata)
	}
	for name, want := range in {
		got := f.Tensors[name]
		if got == nil || !tensor.SameShape(got.Shape, want.Shape) {
			t.Fatalf("tensor %q: got %v, want shape %v", name, got, want.Shape)
		}
		for i := range want.Data {
			if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
				t.Fatalf("tensor %q[%d] = %g, want %g", name, i, got.Data[i], want.Data[i])
			}
		}
	}
}

// raw builds a file from a header string and a body.
func raw(header string, body []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), body...)
}

func TestDecodeOtherDtypes(t *testing.T) {
	body := []byte{
		0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, // F16: 1, -2, smallest subnormal 2⁻²⁴
		0x80, 0x3f, // BF16: 1
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // I64: -2
	}
	h := `{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[6,8]},"c":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}`
	f, err := DecodeSafetensors("x", raw(h, body))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{"a": {1, -2, float32(math.Pow(2, -24))}, "b": {1}, "c": {-2}}
	for name, w := range want {
		for i, v := range w {
			if f.Tensors[name].Data[i] != v {
				t.Errorf("%s[%d] = %g, want %g", name, i, f.Tensors[name].Data[i], v)
			}
		}
	}
	if f.Dtypes["c"] != "I64" {
		t.Errorf("dtype of c = %q, want I64", f.Dtypes["c"])
	}
}

func TestBadFilesAreRefused(t *testing.T) {
	good := encode(t, map[string]*tensor.Tensor{"w": tensor.New(2, 2)}, nil)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"short", []byte{1, 2}, "at least 8"},
		{"huge header length", append(binary.LittleEndian.AppendUint64(nil, 1<<40), good[8:]...), "does not fit"},
		{"bad json", raw("{not json", nil), "not a JSON object"},
		{"truncated body", good[:len(good)-3], "outside the"},
		{"unknown dtype", raw(`{"w":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, []byte{0}), `unknown dtype "F8"`},
		{"wrong size", raw(`{"w":{"dtype":"F32","shape":[3,3],"data_offsets":[0,4]}}`, make([]byte, 4)), "needs 36"},
		{"gap", raw(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)), "gaps or overlaps"},
		{"trailing bytes", raw(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 2)), "cover 1"},
		{"negative shape", raw(`{"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`, make([]byte, 1)), "bad shape"},
		{"extra field", raw(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}}`, make([]byte, 1)), "unknown field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeSafetensors("m.safetensors", c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "m.safetensors") {
				t.Fatalf("err = %v, want one naming the file and saying %q", err, c.want)
			}
		})
	}
}

func TestLoadParamsChecksEverythingFirst(t *testing.T) {
	w := nn.NewParam("w", tensor.Full(7, 2, 2))
	b := nn.NewParam("b", tensor.Full(7, 2))
	ts := map[string]*tensor.Tensor{"w": tensor.Full(1, 2, 2), "b": tensor.Full(1, 3), "stray": tensor.New(1)}
	err := LoadParams("m.safetensors", []*nn.Param{w, b}, ts, "")
	if err == nil || !strings.Contains(err.Error(), `tensor "b" has shape (3,), the model wants (2,)`) || !strings.Contains(err.Error(), `unexpected tensor "stray"`) {
		t.Fatalf("err = %v", err)
	}
	if w.V.Value.Data[0] != 7 {
		t.Fatal("LoadParams copied a tensor before refusing the file")
	}
	delete(ts, "stray")
	ts["b"] = tensor.Full(1, 2)
	if err := LoadParams("m.safetensors", []*nn.Param{w, b}, ts, ""); err != nil || w.V.Value.Data[0] != 1 {
		t.Fatalf("LoadParams of a fitting file: err %v, w %v", err, w.V.Value.Data)
	}
}

func TestWriteAtomicKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteAtomic(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return errors.New("disk on fire")
	})
	if err == nil {
		t.Fatal("WriteAtomic returned no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("file after a failed write = %q, want the old content", b)
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestReadJSONRefusesUnknownField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(path, []byte("{\n  \"lr\": 0.1,\n  \"lrr\": 2\n}"), 0o644)
	var cfg struct {
		LR float64 `json:"lr"`
	}
	err := ReadJSON(path, &cfg)
	if err == nil || !strings.Contains(err.Error(), "lrr") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming the file and the unknown field", err)
	}
	os.WriteFile(path, []byte("{\n  \"lr\": \"fast\"\n}"), 0o644)
	err = ReadJSON(path, &cfg)
	if err == nil || !strings.Contains(err.Error(), `field "lr"`) || !strings.Contains(err.Error(), ":2:") {
		t.Fatalf("err = %v, want one naming line 2 and field lr", err)
	}
}

// FuzzSafetensors: no input panics, and whatever decodes re-encodes to a
// file that decodes to the same tensors.
func FuzzSafetensors(f *testing.F) {
	f.Add(encode(f, sample(), map[string]string{"k": "v"}))
	f.Add(encode(f, map[string]*tensor.Tensor{"w": tensor.New(3)}, nil))
	f.Add(raw(`{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`, []byte{0, 0x3c}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := DecodeSafetensors("fuzz", data)
		if err != nil {
			return
		}
		again, err := DecodeSafetensors("again", encode(t, file.Tensors, file.Metadata))
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		for name, want := range file.Tensors {
			got := again.Tensors[name]
			if got == nil || !tensor.SameShape(got.Shape, want.Shape) {
				t.Fatalf("tensor %q lost in the round trip", name)
			}
			for i := range want.Data {
				if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
					t.Fatalf("tensor %q[%d] changed in the round trip", name, i)
				}
			}
		}
	})
}
