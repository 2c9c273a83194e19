package serve

import (
	"strings"
	"testing"

	"github.com/diffusego/diffusego/audio/diffwave"
)

// FuzzJobRequest feeds arbitrary bodies through the decoding and
// checking of POST /api/jobs: never a panic, and a refusal always names
// a field.
func FuzzJobRequest(f *testing.F) {
	for _, s := range []string{`{"kind":"sample","params":{"n":2,"steps":3}}`, `{"kind":"inpaint","params":{"image":"iVBORw0KGgo=","mask_shape":"box"}}`,
		`{"kind":"denoise","params":{"image":"data:image/png;base64,AAAA"}}`, `{"kind":"anomaly","params":{"sigmas":[]}}`, `[`, `{"kind":1}`, `{"kind":"sample"} {}`,
		`{"kind":"text_infill","params":{"infill":"a __ b","gap":"__"}}`, `{"kind":"text_complete","params":{"prompt":"x","length":3}}`,
		`{"kind":"audio_denoise","params":{"audio":"UklGRiQAAABXQVZF"}}`, `{"kind":"audio_sample","params":{"class":2}}`,
		`{"kind":"series_forecast","params":{"csv":"date,temp,rain\n2024-01-01,1,2\n","horizon":2}}`,
		`{"kind":"molecule_sample","params":{"rings":1}}`, `{"kind":"network_simulate","params":{"graph":"a b\n","seeds":["a"]}}`,
		`{"kind":"textimage_sample","params":{"prompt":"Red apple","negative_prompt":"☃","sigma_max":0.001}}`} {
		f.Add(s)
	}
	models := map[string]*Model{"image": fashion(f), TaskText: textModel(f), TaskAudioGenerate: tinyAudio(f, diffwave.TaskGenerate),
		TaskAudioDenoise: tinyAudio(f, diffwave.TaskDenoise), TaskSeries: tinySeries(f), TaskMolecule: tinyMolecules(f),
		TaskNetwork: {Name: "network", Network: true}, TaskTextImage: tinyTextImage(f)}
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
		m := models[Kinds[req.Kind]]
		if p == nil || m == nil {
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
