package checkpoint_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

var update = flag.Bool("update", false, "rewrite the seed files in testdata/")

// raw is one tensor for rawFile: bytes as stored, in any dtype.
type raw struct {
	name, dtype string
	shape       []int
	data        []byte
}

// rawFile builds a safetensors file by hand, data packed in argument
// order, so tests can make dtypes the writer never writes.
func rawFile(meta map[string]string, ts ...raw) []byte {
	hdr := map[string]any{}
	if meta != nil {
		hdr["__metadata__"] = meta
	}
	var body []byte
	for _, t := range ts {
		shape := t.shape
		if shape == nil {
			shape = []int{}
		}
		hdr[t.name] = map[string]any{"dtype": t.dtype, "shape": shape, "data_offsets": []int{len(body), len(body) + len(t.data)}}
		body = append(body, t.data...)
	}
	h, err := json.Marshal(hdr)
	if err != nil {
		panic(err)
	}
	return withHeader(string(h), body)
}

// withHeader builds a file from a header string and a body.
func withHeader(hdr string, body []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	out = append(out, hdr...)
	return append(out, body...)
}

func le16(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func le32(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

func le64(v ...uint64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

// Known bit patterns and their values.
var (
	f16Bits = []uint16{0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0x8000, 0x3555, 0x03ff}
	f16Want = []float32{1, -2, 65504, 0x1p-24, 0x1p-14, float32(posInf), float32(negZero), 0.333251953125, 0x3ffp-24}

	bf16Bits = []uint16{0x3f80, 0xc040, 0x7f80, 0x0001, 0x4049, 0xff80}
	bf16Want = []float32{1, -3, float32(posInf), 0x1p-133, 3.140625, float32(negInf)}
)

var (
	posInf  = float32frombits(0x7f800000)
	negInf  = float32frombits(0xff800000)
	negZero = float32frombits(0x80000000)
)

// seeds are the testdata files: small valid files covering every dtype.
func seeds() map[string][]byte {
	var f32 bytes.Buffer
	err := checkpoint.Encode(&f32, map[string]*tensor.Tensor{
		"conv.weight": tensor.FromData([]float32{1, -2.5, 3e-8, 4e30, 0, -0.125}, 2, 1, 3),
		"conv.bias":   tensor.FromData([]float32{0.5, -0.5}, 2),
		"scale":       tensor.Scalar(7),
	}, map[string]string{"format": "pt", "step": "100"})
	if err != nil {
		panic(err)
	}
	return map[string][]byte{
		"f32.safetensors":  f32.Bytes(),
		"f16.safetensors":  rawFile(nil, raw{"h", "F16", []int{3, 3}, le16(f16Bits...)}),
		"bf16.safetensors": rawFile(map[string]string{"dtype": "bf16"}, raw{"b", "BF16", []int{2, 3}, le16(bf16Bits...)}),
		"mixed.safetensors": rawFile(map[string]string{},
			raw{"f64", "F64", []int{2}, le64(0x3ff0000000000000, 0xc00921fb54442d18)}, // 1, −π
			raw{"i64", "I64", []int{2}, le64(uint64(1<<40), ^uint64(6))},              // 2⁴⁰, −7
			raw{"i32", "I32", []int{1, 2}, le32(uint32(123456), ^uint32(0))},          // 123456, −1
			raw{"i8", "I8", []int{2}, []byte{0x7f, 0x80}},                             // 127, −128
			raw{"u8", "U8", []int{2}, []byte{0, 255}},
			raw{"flag", "BOOL", []int{2}, []byte{1, 0}},
			raw{"empty", "F32", []int{0, 3}, nil},
			raw{"scalar", "F32", nil, le32(0x40490fdb)}, // float32(π)
		),
	}
}

// TestTestdataSeeds checks that testdata/ holds what seeds makes; run
// `go test ./checkpoint/ -run TestTestdataSeeds -update` to rewrite it.
func TestTestdataSeeds(t *testing.T) {
	for name, want := range seeds() {
		path := filepath.Join("testdata", name)
		if *update {
			if err := checkpoint.WriteAtomic(path, func(w io.Writer) error { _, err := w.Write(want); return err }); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale; run with -update", path)
		}
	}
}

func float32frombits(b uint32) float32 { return math.Float32frombits(b) }
