package checkpoint_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// FuzzSafetensors feeds arbitrary bytes to Decode. It must never panic,
// and whatever it accepts must survive Encode and Decode again with the
// same names, shapes, float32 bits and metadata; encoding is canonical, so
// a second Encode gives the same bytes.
func FuzzSafetensors(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.safetensors"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files in testdata/ (%v)", err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		// Broken variants: truncated at every interesting place, a flipped
		// byte in the header and in the length, junk appended.
		for _, n := range []int{0, 4, 8, 9, len(data) / 2, len(data) - 1} {
			f.Add(data[:n])
		}
		flip := bytes.Clone(data)
		flip[8+len(flip[8:])/4] ^= 0x20
		f.Add(flip)
		long := bytes.Clone(data)
		long[3] = 0x7f
		f.Add(long)
		f.Add(append(bytes.Clone(data), 0, 0, 0, 0))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := checkpoint.Decode(data, "fuzz")
		if err != nil {
			return
		}
		var enc bytes.Buffer
		if err := checkpoint.Encode(&enc, got.Tensors, got.Meta); err != nil {
			t.Fatalf("Encode of what Decode accepted: %v", err)
		}
		again, err := checkpoint.Decode(enc.Bytes(), "re-encoded")
		if err != nil {
			t.Fatalf("Decode of what Encode wrote: %v", err)
		}
		if len(again.Tensors) != len(got.Tensors) {
			t.Fatalf("%d tensors after the round trip, want %d", len(again.Tensors), len(got.Tensors))
		}
		for name, want := range got.Tensors {
			g := again.Tensors[name]
			if g == nil || !tensor.SameShape(g.Shape, want.Shape) || !sameBits(g.Data, want.Data) {
				t.Fatalf("tensor %q = %v after the round trip, want %v", name, g, want)
			}
		}
		if !maps.Equal(again.Meta, got.Meta) {
			t.Fatalf("metadata %v after the round trip, want %v", again.Meta, got.Meta)
		}
		var enc2 bytes.Buffer
		if err := checkpoint.Encode(&enc2, again.Tensors, again.Meta); err != nil || !bytes.Equal(enc.Bytes(), enc2.Bytes()) {
			t.Fatalf("second Encode differs from the first (err %v)", err)
		}
	})
}
