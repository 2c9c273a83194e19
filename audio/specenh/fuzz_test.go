package specenh

import (
	"testing"
)

// FuzzParseSpec: any header entry either parses to a spec that Validate
// accepts and a codec can be made of, or is refused with an error naming
// the file; nothing panics.
func FuzzParseSpec(f *testing.F) {
	meta, err := Default().Meta()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(meta[MetaKey])
	f.Add(`{"rate":8000,"samples":8000,"fft":256,"hop":1,"exponent":1,"beta":1e308,"peak":1}`)
	f.Add(`{"fft":-8}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, raw string) {
		s, ok, err := ParseSpec(map[string]string{MetaKey: raw}, "f.safetensors")
		if !ok {
			t.Fatal("an entry under MetaKey was not seen")
		}
		if err != nil {
			return
		}
		if _, err := NewCodec(s); err != nil {
			t.Fatalf("a parsed spec %+v makes no codec: %v", s, err)
		}
	})
}
