package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/serve"
)

// TestServeTextImage loads text-to-image models with serve's --textimage
// flag (the shipped emoji model, a 2-step latent run folder and its
// export), runs a textimage_sample job on each through the HTTP API and
// compares its PNGs with those diffuse sample --prompt writes for the same
// settings: the same bytes. A prompt outside the vocabulary is refused by
// both with the same words. Time budget: about 0.5 s (2.5 s on a loaded
// machine), most of it the shipped model's two samplings.
func TestServeTextImage(t *testing.T) {
	dir := t.TempDir()
	aeDir := filepath.Join(dir, "ae")
	if err := autoencoder.New(autoencoder.Tiny(), 1).Save(aeDir); err != nil {
		t.Fatal(err)
	}
	run, exported := filepath.Join(dir, "run"), filepath.Join(dir, "model.safetensors")
	tinyText(t, fakeEmoji(t, 10), run, "--latent", aeDir)
	mustRun(t, "export", "--checkpoint", run, "--out", exported)

	models, err := loadPromptServeModels([]string{"emoji=", "run=" + run, "exported=" + exported})
	if err != nil {
		t.Fatal(err)
	}
	hs, srv := startServer(t, filepath.Join(dir, "serve"), models)

	for _, c := range []struct {
		model, checkpoint, prompt, negative string
	}{
		{"emoji", "", "red apple", "green"},
		{"run", run, "thing b", ""},
		{"exported", exported, "Thing a", "thing c"},
	} {
		params := map[string]any{"prompt": c.prompt, "n": 2, "steps": 2, "guidance": 4, "seed": 5, "sampler": "euler"}
		args := []string{"sample", "--prompt", c.prompt, "--n", "2", "--steps", "2", "--guidance", "4", "--seed", "5", "--sampler", "euler"}
		if c.negative != "" {
			params["negative_prompt"] = c.negative
			args = append(args, "--negative-prompt", c.negative)
		}
		if c.checkpoint != "" {
			args = append(args, "--checkpoint", c.checkpoint)
		}
		out := filepath.Join(dir, "cli-"+c.model)
		mustRun(t, append(args, "--out", out)...)
		got, _ := serveJob(t, hs, srv, "textimage_sample", c.model, params)
		for _, name := range []string{"000000.png", "000001.png"} {
			want, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[name], want) {
				t.Errorf("model %s: the served %s (%d bytes) differs from diffuse sample's (%d bytes)", c.model, name, len(got[name]), len(want))
			}
		}
		if len(got) != 2 {
			t.Errorf("model %s: outputs %d files, want the 2 images", c.model, len(got))
		}
	}

	// The same refusal, in the same words.
	body, _ := json.Marshal(map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "red äpple"}})
	resp, err := http.Post(hs.URL+"/api/jobs", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Error serve.APIError }
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	words, ok := strings.CutPrefix(e.Error.Message, "params.prompt: ")
	if resp.StatusCode != 400 || !ok {
		t.Fatalf("a prompt outside the vocabulary: %d %+v; want 400 naming params.prompt", resp.StatusCode, e.Error)
	}
	status, _, stderr := runCLI("sample", "--prompt", "red äpple", "--out", filepath.Join(dir, "refused"))
	if status != 2 || !strings.Contains(stderr, words) {
		t.Fatalf("diffuse sample --prompt \"red äpple\": status %d, stderr %q; want 2 with the server's words %q", status, stderr, words)
	}
}

// startServer serves models from the data folder data on a test HTTP
// server; both are closed when the test ends.
func startServer(t *testing.T, data string, models []*serve.Model) (*httptest.Server, *serve.Server) {
	t.Helper()
	srv, err := serve.New(serve.Config{Data: data, Models: models})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close(context.Background()) })
	return hs, srv
}

// serveJob runs a job of kind on model ("": the server's default)
// through the API of hs and returns its output files by name and the
// text of its event stream.
func serveJob(t *testing.T, hs *httptest.Server, srv *serve.Server, kind, model string, params map[string]any) (map[string][]byte, string) {
	t.Helper()
	req := map[string]any{"kind": kind, "params": params}
	if model != "" {
		req["model"] = model
	}
	body, _ := json.Marshal(req)
	resp, err := http.Post(hs.URL+"/api/jobs", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var j serve.Job
	json.NewDecoder(resp.Body).Decode(&j)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("%s on %q: status %d", kind, model, resp.StatusCode)
	}
	ev, err := http.Get(hs.URL + "/api/jobs/" + j.ID + "/events") // ends with the job
	if err != nil {
		t.Fatal(err)
	}
	events, _ := io.ReadAll(ev.Body)
	ev.Body.Close()
	done, err := srv.Store().Get(j.ID)
	if err != nil || done.State != serve.StateDone {
		t.Fatalf("%s on %q: %v %+v", kind, model, err, done)
	}
	files := map[string][]byte{}
	for _, o := range done.Outputs {
		r, err := http.Get(hs.URL + o.URL)
		if err != nil {
			t.Fatal(err)
		}
		files[o.Name], _ = io.ReadAll(r.Body)
		r.Body.Close()
	}
	return files, string(events)
}
