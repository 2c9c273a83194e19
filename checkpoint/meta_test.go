package checkpoint

import (
	"errors"
	"math"
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
	meta, err := MetaJSON("x.thing", metaThing{N: 3})
	if err != nil {
		t.Fatal(err)
	}
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

// TestMetaJSONRefuses: a value without a JSON form is an error naming the
// header key (and the value's problem), not a panic.
func TestMetaJSONRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		want string
	}{
		{"NaN", struct{ Beta float64 }{math.NaN()}, "unsupported value: NaN"},
		{"infinity", []float64{1, math.Inf(1)}, "unsupported value: +Inf"},
		{"channel", make(chan int), "unsupported type: chan int"},
		{"failing marshaler", failingJSON{}, "no JSON here"},
	} {
		meta, err := MetaJSON("x.thing", c.v)
		if err == nil || meta != nil || !strings.Contains(err.Error(), `"x.thing"`) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: meta %v, err %v; want an error naming \"x.thing\" and %q", c.name, meta, err, c.want)
		}
	}
}

// failingJSON is a value whose MarshalJSON fails.
type failingJSON struct{}

func (failingJSON) MarshalJSON() ([]byte, error) { return nil, errors.New("no JSON here") }
