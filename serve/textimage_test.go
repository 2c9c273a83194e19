package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
)

var (
	emojiOnce  sync.Once
	emojiModel *textimage.Model
	emojiErr   error
)

// emoji is the shipped latent text-to-image model, loaded once for all
// tests, as `diffuse serve` serves it by default.
func emoji(t testing.TB) *Model {
	t.Helper()
	emojiOnce.Do(func() { emojiModel, emojiErr = textimage.LoadShipped("") })
	if emojiErr != nil {
		t.Fatal(emojiErr)
	}
	return &Model{Name: "emoji", TextImage: emojiModel, Source: textimage.ShippedSource, Hash: textimage.ShippedSHA256()}
}

// tinyTextImage is an untrained pixel-space text-to-image model of 16×16
// images, for tests of the plumbing that need no trained weights.
func tinyTextImage(t testing.TB) *Model {
	t.Helper()
	m, err := textimage.New(textimage.Options{ImageSize: 16, Captions: []string{"red apple", "cat face"}, MaxLen: 12,
		TextWidth: 8, Channels: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Name: "tiny-t2i", TextImage: m, Source: "tiny-textimage", Hash: "t2i-sha"}
}

// TestTextImageJobs runs a textimage_sample job on the shipped emoji
// model (2 images, 2 steps): per-step progress, decoded previews, one PNG
// per image carrying the settings `diffuse sample --prompt` writes, and
// the bytes of the library path the CLI takes (textimage.Model.Sample,
// Settings, ImageSettings, pngout) for the same settings. A long job is
// cancelled by its owner at its next step. About 0.3 s (1.3 s on a
// loaded machine).
func TestTextImageJobs(t *testing.T) {
	em := emoji(t)
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, em) })
	j, events := h.runJob(map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "red apple",
		"negative_prompt": "green", "n": 2, "steps": 2, "guidance": 4, "seed": 7, "preview_every": 1}})
	if j.Model != "emoji" {
		t.Fatalf("the job ran on model %q, want the text-to-image model emoji (the default for the kind)", j.Model)
	}
	if step, total := lastProgress(t, events); step != 2 || total != 2 {
		t.Fatalf("last progress %d/%d, want 2/2 (one event per sampler step, the last always sent)", step, total)
	}
	previews := 0
	for _, e := range events {
		var d struct{ Image string }
		if e.Type == "preview" && json.Unmarshal(e.Data, &d) == nil && strings.HasPrefix(d.Image, "data:image/png;base64,") {
			previews++
		}
	}
	if previews == 0 {
		t.Fatal("no preview event with a PNG, want one per step (preview_every 1)")
	}
	if len(j.Outputs) != 2 || j.Outputs[0].Name != "000000.png" || j.Outputs[1].Name != "000001.png" {
		t.Fatalf("outputs %v, want 000000.png and 000001.png", j.Outputs)
	}

	// The CLI's library path with the same settings.
	m := em.TextImage
	opts := textimage.SampleOptions{Sampler: textimage.SamplerSpec(sampler.Spec{Name: "dpmpp2m", Steps: 2, Temperature: 1}),
		Guidance: 4, Negative: "green", Seed: 7, Threshold: true}
	x, err := m.Sample(context.Background(), []string{"red apple", "red apple"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := m.Settings(textimage.ShippedSHA256(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		name := fmt.Sprintf("%06d.png", i)
		got := h.output(j, name)
		img, err := pngout.Grid(tensor.FromData(x.Data[i*3*64*64:(i+1)*3*64*64], 1, 3, 64, 64), 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := pngout.Encode(&want, img, textimage.ImageSettings(settings, "red apple", i)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%s differs from the library path's image with the same settings", name)
		}
		meta, err := pngout.ReadText(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{"prompt": "red apple", "negative_prompt": "green", "index": fmt.Sprint(i),
			"sampler": "dpmpp2m", "steps": "2", "guidance": "4", "seed": "7", "temperature": "1", "eta": "0", "sigma_max": "80",
			"space": "latent", "checkpoint_sha256": textimage.ShippedSHA256(), "autoencoder_sha256": m.Spec.AutoencoderHash} {
			if meta[k] != v {
				t.Errorf("%s: text chunk %s = %q, want %q", name, k, meta[k], v)
			}
		}
		if c, err := png.DecodeConfig(bytes.NewReader(got)); err != nil || c.Width != 64 || c.Height != 64 {
			t.Fatalf("%s: %v, %d×%d, want 64×64", name, err, c.Width, c.Height)
		}
	}

	// Its owner cancels a long job at its next step: cancelled, no outputs.
	long := h.submit(alice, map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "cat", "n": 1, "steps": 1000}})
	h.stream(long, 0, func(e sse) bool { return e.Type == "progress" })
	if code, out, _ := h.do("POST", "/api/jobs/"+long+"/cancel", alice, nil); code != 202 {
		t.Fatalf("cancel a running textimage job: %d %s", code, out)
	}
	if c := h.waitFinal(long); c.State != StateCancelled || len(c.Outputs) != 0 {
		t.Fatalf("cancelled textimage job: %s with %d outputs", c.State, len(c.Outputs))
	}
}

// TestTextImageBadRequests: each bad textimage_sample request is a 400
// naming the field, with the words of textimage's own checks for prompts
// (those `diffuse sample --prompt` refuses with), and nothing is stored;
// without a text-to-image model the kind names the flag that loads one.
func TestTextImageBadRequests(t *testing.T) {
	ti := tinyTextImage(t)
	h := newHarness(t, func(c *Config) { c.Models = append(c.Models, ti) })
	m := ti.TextImage
	long := strings.Repeat("a", m.Spec.Vocab.MaxLen+1)
	words := func(prompt string) string {
		err := m.CheckPrompt(prompt)
		if err == nil {
			t.Fatalf("CheckPrompt(%q) = nil, want a refusal", prompt)
		}
		return err.Error()
	}
	js := func(params map[string]any) string {
		b, _ := json.Marshal(map[string]any{"kind": "textimage_sample", "params": params})
		return string(b)
	}
	cases := []struct {
		name, body, field, words string
	}{
		{"no prompt", js(map[string]any{"n": 1}), "params.prompt", `("" for unconditional samples)`},
		{"prompt outside the vocabulary", js(map[string]any{"prompt": "red äpple"}), "params.prompt", words("red äpple")},
		{"over-long prompt", js(map[string]any{"prompt": long}), "params.prompt", words(long)},
		{"negative prompt outside the vocabulary", js(map[string]any{"prompt": "red apple", "negative_prompt": "☃"}), "params.negative_prompt", words("☃")},
		{"prompt of the wrong type", js(map[string]any{"prompt": 5}), "params.prompt", "want a JSON string"},
		{"no images", js(map[string]any{"prompt": "cat", "n": 0}), "params.n", "want 1 … 64"},
		{"too many images", js(map[string]any{"prompt": "cat", "n": 65}), "params.n", "want 1 … 64"},
		{"negative steps", js(map[string]any{"prompt": "cat", "steps": -1}), "params.steps", "want 0 … 1000"},
		{"too many steps", js(map[string]any{"prompt": "cat", "steps": 1001}), "params.steps", "want 0 … 1000"},
		{"negative guidance", js(map[string]any{"prompt": "cat", "guidance": -1}), "params.guidance", "want 0 … 30"},
		{"unknown sampler", js(map[string]any{"prompt": "cat", "sampler": "magic"}), "params.sampler", "dpmpp2m"},
		{"eta over 1", js(map[string]any{"prompt": "cat", "sampler": "ddim", "eta": 1.5}), "params.eta", "want 0 … 1"},
		{"zero temperature", js(map[string]any{"prompt": "cat", "temperature": 0}), "params.temperature", "want 0.01 … 2"},
		{"negative sigma_max", js(map[string]any{"prompt": "cat", "sigma_max": -1}), "params.sigma_max", "want 0 … 1e+06"},
		{"sigma_max under the smallest training σ", js(map[string]any{"prompt": "cat", "sigma_max": 1e-6}), "params.sigma_max", "above the smallest training σ"},
		{"negative preview_every", js(map[string]any{"prompt": "cat", "preview_every": -1}), "params.preview_every", "want 0 … 1000"},
		{"a class", js(map[string]any{"prompt": "cat", "class": 3}), "params.class", "unknown field"},
		{"an image model", `{"kind":"textimage_sample","model":"fashion","params":{"prompt":"cat"}}`, "model", "need a textimage model"},
		{"a text-to-image model for a sample job", `{"kind":"sample","model":"tiny-t2i"}`, "model", "is a textimage model"},
	}
	for _, c := range cases {
		code, body, _ := h.do("POST", "/api/jobs", alice, c.body)
		var e struct{ Error APIError }
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%s: answer is not a JSON error: %s", c.name, body)
		}
		if code != 400 || e.Error.Field != c.field || !strings.HasPrefix(e.Error.Message, c.field+": ") || !strings.Contains(e.Error.Message, c.words) {
			t.Errorf("%s: %d %+v; want 400 naming %s and saying %q", c.name, code, e.Error, c.field, c.words)
		}
	}
	if n := h.jobCount(); n != 0 {
		t.Fatalf("%d jobs stored after bad requests, want 0", n)
	}
	// A good request runs afterwards, on the tiny model (16×16 pixels).
	j, _ := h.runJob(map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "", "n": 1, "steps": 2}})
	if c, err := png.DecodeConfig(bytes.NewReader(h.output(j, "000000.png"))); err != nil || c.Width != 16 || j.Outputs[0].Meta["space"] != "pixel" {
		t.Fatalf("unconditional job on the tiny model: %v, width %d, settings %v", err, c.Width, j.Outputs[0].Meta)
	}

	// Without a text-to-image model, the kind names the flag that loads one.
	h = newHarness(t, nil)
	code, body, _ := h.do("POST", "/api/jobs", alice, `{"kind":"textimage_sample","params":{"prompt":"cat"}}`)
	if code != 400 || !strings.Contains(string(body), CodeNoModel) || !strings.Contains(string(body), "--textimage") {
		t.Fatalf("textimage_sample without its model: %d %s; want 400 %s naming --textimage", code, body, CodeNoModel)
	}
}

// Compatible textimage_sample jobs that wait together share one sampling
// call, and each writes the PNG bytes (and shows the previews) it does
// alone; jobs with other steps or another negative prompt run alone.
// About 0.5 s on the tiny model.
func TestBatchedTextImageJobs(t *testing.T) {
	job := func(p map[string]any) map[string]any {
		q := map[string]any{"steps": 3, "guidance": 2, "sampler": "euler"}
		for k, v := range p {
			q[k] = v
		}
		return map[string]any{"kind": "textimage_sample", "params": q}
	}
	jobs := []map[string]any{
		job(map[string]any{"prompt": "red apple", "n": 2, "seed": 3}),
		job(map[string]any{"prompt": "Cat face", "n": 1, "seed": 9, "preview_every": 1}),
		job(map[string]any{"prompt": "cat", "n": 1, "seed": 3, "steps": 4}),             // other steps: alone
		job(map[string]any{"prompt": "", "n": 3, "seed": 3}),                            // unconditional, batched
		job(map[string]any{"prompt": "red", "n": 1, "seed": 3, "negative_prompt": "a"}), // another negative prompt: alone
	}
	// run submits jobs behind a long job on the same model, then cancels
	// it, so that the jobs wait in the queue together.
	run := func(h *harness) []string {
		blocker := h.submit(alice, job(map[string]any{"prompt": "cat", "n": 64, "steps": 1000}))
		h.stream(blocker, 0, func(e sse) bool { return e.Type == "progress" })
		var ids []string
		for _, j := range jobs {
			ids = append(ids, h.submit(alice, j))
		}
		if code, out, _ := h.do("POST", "/api/jobs/"+blocker+"/cancel", alice, nil); code != 202 {
			t.Fatalf("cancel the blocker: %d %s", code, out)
		}
		return ids
	}
	tiny := func(c *Config) { c.Models = []*Model{tinyTextImage(t)} }
	h := newHarness(t, tiny)
	ids := run(h)
	batched := map[string]int{"batch_jobs": 3, "batch_images": 6}
	for i, want := range []map[string]int{batched, batched, nil, batched, nil} {
		if got := runningData(h, ids[i]); len(got) != len(want) || got["batch_jobs"] != want["batch_jobs"] || got["batch_images"] != want["batch_images"] {
			t.Errorf("job %d: running %v, want %v", i, got, want)
		}
	}
	alone := newHarness(t, func(c *Config) { tiny(c); c.Limits.Batch = 1 })
	aloneIDs := run(alone)
	previews := func(h *harness, id string) (n int, last []byte) {
		for _, e := range h.stream(id, 0, nil) {
			if e.Type == "preview" {
				n, last = n+1, e.Data
			}
		}
		return n, last
	}
	n, got := previews(h, ids[1])
	m, want := previews(alone, aloneIDs[1])
	if n != 3 || m != 3 || !bytes.Contains(got, []byte("data:image/png")) || !bytes.Equal(got, want) {
		t.Errorf("job 1: %d previews batched, %d alone, the last equal: %t; want 3 each, the same last image", n, m, bytes.Equal(got, want))
	}
	sameAsAlone(t, h, alone, ids, aloneIDs)
}

// A job of more images than one sampling call holds (64, as diffuse
// sample --batch) draws them in calls of 64 from global indices 0 and 64:
// progress counts the steps of both calls, files are named and indexed
// 000000 … 000065, and each image is the one a single call of all 66
// draws. About 0.3 s on the tiny model.
func TestTextImageJobOverOneCall(t *testing.T) {
	ti := tinyTextImage(t)
	h := newHarness(t, func(c *Config) { c.Models = []*Model{ti}; c.Limits.MaxImages = 66 })
	j, events := h.runJob(map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "cat face", "n": 66, "steps": 2, "seed": 4}})
	if step, total := lastProgress(t, events); step != 4 || total != 4 {
		t.Fatalf("last progress %d/%d, want 4/4 (2 calls of 2 steps)", step, total)
	}
	if len(j.Outputs) != 66 || j.Outputs[65].Name != "000065.png" || j.Outputs[65].Meta["index"] != "65" {
		t.Fatalf("%d outputs, the last %+v; want 66, the last 000065.png of index 65", len(j.Outputs), j.Outputs[len(j.Outputs)-1])
	}
	prompts := make([]string, 66)
	for i := range prompts {
		prompts[i] = "cat face"
	}
	p := newTextImageParams()
	p.Prompt, p.Steps, p.Seed = new("cat face"), 2, 4
	x, err := ti.TextImage.Sample(context.Background(), prompts, p.options())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 63, 64, 65} {
		img, err := png.Decode(bytes.NewReader(h.output(j, fmt.Sprintf("%06d.png", i))))
		if err != nil {
			t.Fatal(err)
		}
		want, err := pngout.Grid(rowsOf(x, i, i+1), 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b != want.Bounds() {
			t.Fatalf("image %d: %v, want %v", i, b, want.Bounds())
		}
		for y := range 16 {
			for x := range 16 {
				if img.At(x, y) != want.At(x, y) {
					t.Fatalf("image %d, pixel (%d, %d): %v, want %v (one call of all 66)", i, x, y, img.At(x, y), want.At(x, y))
				}
			}
		}
	}
}

// Cancelling one job of a shared text-to-image call ends it at the next
// step with no outputs, while the others go on stepping. About 1.5 s on
// a loaded machine (load 9 on 2 cores).
func TestCancelOneBatchedTextImageJob(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Models = []*Model{tinyTextImage(t)} })
	long := func(seed int) map[string]any {
		return map[string]any{"kind": "textimage_sample", "params": map[string]any{"prompt": "cat", "n": 2, "steps": 1000, "sampler": "euler", "seed": seed}}
	}
	blocker := h.submit(alice, long(0))
	h.stream(blocker, 0, func(e sse) bool { return e.Type == "progress" })
	ids := []string{h.submit(alice, long(1)), h.submit(alice, long(2)), h.submit(alice, long(3))}
	if code, out, _ := h.do("POST", "/api/jobs/"+blocker+"/cancel", alice, nil); code != 202 {
		t.Fatalf("cancel the blocker: %d %s", code, out)
	}
	if got := runningData(h, ids[0]); got["batch_jobs"] != 3 || got["batch_images"] != 6 {
		t.Fatalf("running %v, want a batch of 3 jobs, 6 images", got)
	}
	h.stream(ids[0], 0, func(e sse) bool { return e.Type == "progress" })
	if code, out, _ := h.do("POST", "/api/jobs/"+ids[0]+"/cancel", alice, nil); code != 202 {
		t.Fatalf("cancel a batched job: %d %s", code, out)
	}
	if j := h.waitFinal(ids[0]); j.State != StateCancelled || len(j.Outputs) != 0 {
		t.Fatalf("cancelled job: %s with %d outputs, want cancelled with none", j.State, len(j.Outputs))
	}
	// Job 1 is still running, and steps on after the cancel.
	step := func() int {
		code, body, _ := h.do("GET", "/api/jobs/"+ids[1], alice, nil)
		var v struct {
			State    string
			Progress struct{ Step int }
		}
		if err := json.Unmarshal(body, &v); code != 200 || err != nil || v.State != StateRunning {
			t.Fatalf("job 1 after the cancel of job 0: %d %s (%v), want running", code, body, err)
		}
		return v.Progress.Step
	}
	first := step()
	for deadline := time.Now().Add(10 * time.Second); step() <= first; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("job 1 stayed at step %d for 10 s after the cancel of job 0", first)
		}
	}
	for _, id := range ids[1:] {
		h.do("POST", "/api/jobs/"+id+"/cancel", alice, nil)
		if j := h.waitFinal(id); j.State != StateCancelled {
			t.Fatalf("job %s: %s, want cancelled", id, j.State)
		}
	}
}
