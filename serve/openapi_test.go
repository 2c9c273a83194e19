package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// TestOpenAPI checks that /openapi.json is a valid OpenAPI 3 document and
// that real requests and the server's answers, good and bad, conform to it.
func TestOpenAPI(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.Models = append(c.Models, textModel(t), &Model{Name: "network", Network: true}, tinyTextImage(t))
	})
	code, raw, _ := h.do("GET", "/openapi.json", alice, nil)
	if code != 200 {
		t.Fatalf("GET /openapi.json: %d", code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	check := func(method, path string, body any) []byte {
		t.Helper()
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, h.hs.URL+path, bytes.NewReader(b))
		req.Header.Set("X-Session", alice)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: not in the document: %v", method, path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		reqErr := openapi3filter.ValidateRequest(ctx, in)
		req.Body = io.NopCloser(bytes.NewReader(b))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if reqErr != nil && resp.StatusCode < 400 {
			t.Fatalf("%s %s: the document refuses the request (%v) but the server took it: %d", method, path, reqErr, resp.StatusCode)
		}
		rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		rin.SetBodyBytes(out)
		if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
			t.Fatalf("%s %s: the answer %d %s does not conform: %v", method, path, resp.StatusCode, out, err)
		}
		return out
	}
	check("GET", "/api/models", nil)
	var j Job
	json.Unmarshal(check("POST", "/api/jobs", quick(nil)), &j)
	h.waitFinal(j.ID)
	check("GET", "/api/jobs/"+j.ID, nil)
	check("GET", "/api/jobs?state=done&limit=5", nil)
	check("POST", "/api/jobs/"+j.ID+"/cancel", nil) // 409: already done
	check("GET", "/api/jobs/0123456789abcdef", nil)
	check("POST", "/api/jobs", map[string]any{"kind": "sample", "params": map[string]any{"steps": 0}})
	check("POST", "/api/jobs", map[string]any{"kind": "sample", "colour": 1})
	json.Unmarshal(check("POST", "/api/jobs", map[string]any{"kind": "text_infill", "params": map[string]any{"infill": "a ____ b", "n": 1, "steps": 2}}), &j)
	check("GET", "/api/jobs/"+h.waitFinal(j.ID).ID, nil)
	check("POST", "/api/jobs", map[string]any{"kind": "text_complete", "params": map[string]any{"prompt": "☃"}})
	check("POST", "/api/jobs", map[string]any{"kind": "audio_denoise", "params": map[string]any{"audio": "UklGRg=="}})
	var nj Job
	json.Unmarshal(check("POST", "/api/jobs", map[string]any{"kind": "network_simulate", "params": map[string]any{"graph": "a b\nb c\n", "seeds": []string{"a"}, "runs": 5}}), &nj)
	check("GET", "/api/jobs/"+h.waitFinal(nj.ID).ID, nil)
	check("POST", "/api/jobs", map[string]any{"kind": "network_simulate", "params": map[string]any{"graph": "a b\n", "seeds": []string{"q"}}})
	var tj Job
	json.Unmarshal(check("POST", "/api/jobs", map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "red apple", "n": 2, "steps": 2, "preview_every": 1}}), &tj)
	check("GET", "/api/jobs/"+h.waitFinal(tj.ID).ID, nil)
	check("POST", "/api/jobs", map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "☃"}})
	check("POST", "/api/jobs", map[string]any{"kind": "textimage_sample", "params": map[string]any{"n": 1}})

	// Every event's data conforms to the schema the document names for
	// its type, the running event of a shared sampling call included.
	ev := doc.Paths.Find("/api/jobs/{id}/events").Get.Responses.Status(200).Value.Extensions["x-event-data"]
	names, ok := ev.(map[string]any)
	if !ok || len(names) < 8 {
		t.Fatalf("x-event-data %v: want the schema of each event type", ev)
	}
	ids := batchedRun(h, []map[string]any{quick(map[string]any{"n": 1, "steps": 3}), quick(map[string]any{"n": 2, "steps": 3, "seed": 2, "preview_every": 2})})
	ids = append(ids, j.ID, tj.ID)
	batched := 0
	for _, id := range ids {
		for _, e := range h.stream(id, 0, nil) {
			ref, _ := names[e.Type].(string)
			sc := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
			if sc == nil {
				t.Fatalf("event %s: the document names no schema for it", e.Type)
			}
			var v any
			if err := json.Unmarshal(e.Data, &v); err != nil {
				t.Fatal(err)
			}
			if err := sc.Value.VisitJSON(v); err != nil {
				t.Fatalf("job %s: %s event %s does not conform to %s: %v", id, e.Type, e.Data, ref, err)
			}
			if e.Type == StateRunning && strings.Contains(string(e.Data), "batch_jobs") {
				batched++
			}
		}
	}
	if batched != 2 {
		t.Fatalf("%d batched running events checked, want 2", batched)
	}

	var s struct{ ID string }
	json.Unmarshal(check("POST", "/api/ratings/sessions", map[string]any{"kind": "hype", "rater": "r1"}), &s)
	check("POST", "/api/ratings/sessions/"+s.ID+"/answers", map[string]any{"pos": 0, "answer": "real", "millis": 900})
	check("GET", "/api/ratings/sessions/"+s.ID, nil)
	check("GET", "/api/ratings/results", nil)
}
