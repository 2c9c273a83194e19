package benchunet_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/diffusego/diffusego/tensor"
)

// refFile is a safetensors file read whole: F32 tensors as float32, I64
// tensors as int64, and the tensor names in file order. It is the minimal
// reader the reference test needs (package checkpoint has the full one).
type refFile struct {
	names []string
	f32   map[string]*tensor.Tensor
	i64   map[string][]int64
}

func readRefFile(path string) (*refFile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) < 8 {
		return nil, fmt.Errorf("%s: %d bytes, too short for a header", path, len(raw))
	}
	n := binary.LittleEndian.Uint64(raw)
	if n > uint64(len(raw)-8) {
		return nil, fmt.Errorf("%s: header length %d past the end", path, n)
	}
	header, data := raw[8:8+n], raw[8+n:]
	type entry struct {
		Dtype   string   `json:"dtype"`
		Shape   []int    `json:"shape"`
		Offsets [2]int64 `json:"data_offsets"`
	}
	// Decode key by key to keep the file's order.
	dec := json.NewDecoder(bytes.NewReader(header))
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	rf := &refFile{f32: map[string]*tensor.Tensor{}, i64: map[string][]int64{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: header: %w", path, err)
		}
		name := tok.(string)
		if name == "__metadata__" {
			var meta map[string]string
			if err := dec.Decode(&meta); err != nil {
				return nil, fmt.Errorf("%s: metadata: %w", path, err)
			}
			continue
		}
		var e entry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: tensor %q: %w", path, name, err)
		}
		lo, hi := e.Offsets[0], e.Offsets[1]
		count := int64(tensor.Numel(e.Shape))
		size := map[string]int64{"F32": 4, "I64": 8}[e.Dtype]
		if size == 0 || lo < 0 || hi > int64(len(data)) || hi-lo != count*size {
			return nil, fmt.Errorf("%s: tensor %q: dtype %s shape %v offsets %v: want F32 or I64 inside the data", path, name, e.Dtype, e.Shape, e.Offsets)
		}
		b := data[lo:hi]
		rf.names = append(rf.names, name)
		if e.Dtype == "F32" {
			t := tensor.New(e.Shape...)
			for i := range t.Data {
				t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
			rf.f32[name] = t
		} else {
			v := make([]int64, count)
			for i := range v {
				v[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
			}
			rf.i64[name] = v
		}
	}
	return rf, nil
}
