package digress

import (
	"encoding/json"
	"github.com/diffusego/diffusego/tensor"
	"strings"
	"testing"
)

// A model's metadata reads back to the same configuration; bad metadata
// is refused with the file named.
func TestConfigRoundTrip(t *testing.T) {
	m := tinyModel(t, []int{3, 5})
	meta, err := m.Meta()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(meta, "m.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(c)
	if string(a) != meta[ConfigKey] {
		t.Errorf("config %s read back as %s", meta[ConfigKey], a)
	}
	for _, bad := range []map[string]string{{}, {ConfigKey: "{"}, {ConfigKey: `{"Kx": 0}`}, {ConfigKey: strings.Replace(meta[ConfigKey], `"Layers":2`, `"Layers":-1`, 1)}} {
		if _, err := ParseConfig(bad, "m.safetensors"); err == nil || !strings.Contains(err.Error(), "m.safetensors") {
			t.Errorf("%v: error %v, want one naming the file", bad, err)
		}
	}
}

// ParseConfig never panics, and whatever it accepts makes a model.
func FuzzParseConfig(f *testing.F) {
	m := tinyModel(f, []int{3, 5})
	meta, _ := m.Meta()
	f.Add(meta[ConfigKey])
	f.Add(`{"Kx":1,"Ke":2}`)
	f.Add(`{"Kx":1,"Ke":2,"Layers":1,"DX":1,"DE":1,"DY":1,"FFX":1,"FFE":1,"MaxN":1,"T":1,"SizeCounts":[0,1],"NodeMarginal":[1],"EdgeMarginal":[0.5,0.5]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := ParseConfig(map[string]string{ConfigKey: raw}, "f")
		if err != nil {
			return
		}
		if c.DX*c.DE*c.Layers > 1<<16 || c.MaxN > 64 {
			return // valid but too large to build in a fuzz run
		}
		if _, err := NewModel(c, tensor.NewRNG(1)); err != nil {
			t.Fatalf("accepted config refused by NewModel: %v", err)
		}
	})
}
