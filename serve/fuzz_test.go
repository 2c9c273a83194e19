package serve

import (
	"strings"
	"testing"
)

// FuzzJobRequest feeds arbitrary bodies through the decoding and
// checking of POST /api/jobs: never a panic, and a refusal always names
// a field.
func FuzzJobRequest(f *testing.F) {
	for _, s := range []string{`{"kind":"sample","params":{"n":2,"steps":3}}`, `{"kind":"inpaint","params":{"image":"iVBORw0KGgo=","mask_shape":"box"}}`,
		`{"kind":"denoise","params":{"image":"data:image/png;base64,AAAA"}}`, `{"kind":"anomaly","params":{"sigmas":[]}}`, `[`, `{"kind":1}`, `{"kind":"sample"} {}`} {
		f.Add(s)
	}
	m := fashion(f)
	lim := Limits{}.withDefaults()
	f.Fuzz(func(t *testing.T, body string) {
		var req JobRequest
		if e := decodeStrict(strings.NewReader(body), &req, ""); e != nil {
			if e.Field == "" || e.Status < 400 || e.Status > 499 {
				t.Fatalf("%q: %+v", body, e)
			}
			return
		}
		p := newParams(req.Kind)
		if p == nil || Kinds[req.Kind] != "image" {
			return
		}
		if len(req.Params) > 0 {
			if e := decodeStrict(strings.NewReader(string(req.Params)), p, "params"); e != nil {
				if !strings.HasPrefix(e.Field, "params") {
					t.Fatalf("%q: field %q", body, e.Field)
				}
				return
			}
		}
		if e := p.check(m, map[string][]byte{}, lim); e != nil && (e.Field == "" || !strings.Contains(e.Message, e.Field)) {
			t.Fatalf("%q: %+v", body, e)
		}
	})
}
