package checkpoint

import (
	"errors"
	"strings"
	"testing"
)

type metaThing struct {
	N int `json:"n"`
}

func (m *metaThing) Validate() error {
	if m.N < 1 {
		return errors.New("n: want ≥ 1")
	}
	return nil
}

// ReadMetaJSON round-trips MetaJSON's entry, reports a missing entry as not
// found, and refuses malformed and invalid entries naming checkpoint and key.
func TestReadMetaJSON(t *testing.T) {
	meta := MetaJSON("x.thing", metaThing{N: 3})
	var got metaThing
	if found, err := ReadMetaJSON(meta, "x.thing", "a.safetensors", &got); !found || err != nil || got.N != 3 {
		t.Fatalf("round trip: found %v, err %v, got %+v", found, err, got)
	}
	if found, err := ReadMetaJSON(meta, "x.other", "a.safetensors", &got); found || err != nil {
		t.Fatalf("missing entry: found %v, err %v", found, err)
	}
	for raw, want := range map[string]string{`{"n":`: "unexpected end", `{"n":0}`: "n: want ≥ 1"} {
		var m metaThing
		found, err := ReadMetaJSON(map[string]string{"x.thing": raw}, "x.thing", "a.safetensors", &m)
		if !found || err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), "a.safetensors") || !strings.Contains(err.Error(), `"x.thing"`) {
			t.Errorf("%s: found %v, err %v; want an error naming the file, the key and %q", raw, found, err, want)
		}
	}
}
