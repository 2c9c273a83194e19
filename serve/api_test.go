package serve

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diffusego/diffusego/internal/pngout"
)

const alice, bob = "alice-session", "bob-session-01"

func TestSampleJobStreamsAndWritesOutputs(t *testing.T) {
	h := newHarness(t, nil)
	id := h.submit(alice, quick(map[string]any{"n": 2, "preview_every": 1}))
	events := h.stream(id, 0, nil)
	var types []string
	for i, e := range events {
		if e.ID != i+1 {
			t.Fatalf("event %d has id %d, want %d (ids count from 1 without gaps)", i, e.ID, i+1)
		}
		types = append(types, e.Type)
	}
	got := strings.Join(types, ",")
	if !strings.HasPrefix(got, "queued,running,progress") || !strings.HasSuffix(got, "done") || !strings.Contains(got, "preview") {
		t.Fatalf("events %s: want queued, running, progress and previews, then done", got)
	}
	j, err := h.srv.store.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != StateDone || len(j.Outputs) != 2 {
		t.Fatalf("job %s: state %s with %d outputs, want done with 2", id, j.State, len(j.Outputs))
	}
	// Each output is served and carries its settings in PNG text chunks,
	// as diffuse sample writes them.
	for _, o := range j.Outputs {
		code, body, _ := h.do("GET", o.URL, bob, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d", o.URL, code)
		}
		meta, err := pngout.ReadText(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if meta["steps"] != "2" || meta["class"] != "3" || meta["checkpoint_sha256"] != h.srv.models["fashion"].Hash || meta["sampler"] != "dpmpp2m" {
			t.Fatalf("%s: text chunks %v do not hold the job's settings", o.Name, meta)
		}
	}
	// Resuming after event 3 gives exactly the events after it.
	rest := h.stream(id, 3, nil)
	if len(rest) != len(events)-3 || rest[0].ID != 4 || rest[len(rest)-1].Type != StateDone {
		t.Fatalf("resume after 3: got %d events from id %d, want %d from id 4 ending done", len(rest), rest[0].ID, len(events)-3)
	}
}

func TestSameSettingsSameBytes(t *testing.T) {
	h := newHarness(t, nil)
	a := h.waitFinal(h.submit(alice, quick(map[string]any{"seed": 7})))
	b := h.waitFinal(h.submit(bob, quick(map[string]any{"seed": 7})))
	c := h.waitFinal(h.submit(bob, quick(map[string]any{"seed": 8})))
	read := func(j *Job) []byte {
		b, err := os.ReadFile(filepath.Join(h.srv.outDir(j.ID), j.Outputs[0].Name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(read(a), read(b)) {
		t.Fatal("two jobs with the same settings wrote different bytes")
	}
	if bytes.Equal(read(a), read(c)) {
		t.Fatal("seeds 7 and 8 wrote the same image")
	}
}

func pngBase64(t *testing.T, img image.Image) string {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func grey(size int, f func(x, y int) uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			img.SetGray(x, y, color.Gray{Y: f(x, y)})
		}
	}
	return img
}

func TestInpaintKeepsUnmaskedPixels(t *testing.T) {
	h := newHarness(t, nil)
	in := grey(28, func(x, y int) uint8 { return uint8((x*9 + y*5) % 256) })
	mask := grey(28, func(x, y int) uint8 {
		if x >= 8 && x < 20 && y >= 10 && y < 18 {
			return 0 // fill
		}
		return 255
	})
	id := h.submit(alice, map[string]any{"kind": "inpaint", "params": map[string]any{
		"image": "data:image/png;base64," + pngBase64(t, in), "mask": pngBase64(t, mask), "steps": 3, "jump": 1, "resample": 1}})
	j := h.waitFinal(id)
	if j.State != StateDone {
		t.Fatalf("inpaint: %s %s", j.State, j.Error)
	}
	f, err := os.Open(filepath.Join(h.srv.outDir(id), j.Outputs[0].Name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for y := range 28 {
		for x := range 28 {
			got := color.GrayModel.Convert(out.At(x, y)).(color.Gray).Y
			if mask.GrayAt(x, y).Y == 255 && got != in.GrayAt(x, y).Y {
				t.Fatalf("pixel (%d,%d) outside the mask: %d, want the input's %d", x, y, got, in.GrayAt(x, y).Y)
			}
			if mask.GrayAt(x, y).Y == 0 && got != in.GrayAt(x, y).Y {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Fatal("no masked pixel changed: the fill did not run")
	}
}

func TestDenoiseAndAnomalyJobs(t *testing.T) {
	h := newHarness(t, nil)
	img := pngBase64(t, grey(28, func(x, y int) uint8 { return uint8(x * 9) }))
	d := h.waitFinal(h.submit(alice, map[string]any{"kind": "denoise", "params": map[string]any{"image": img, "sigma": 0.2, "steps": 2, "samples": 1}}))
	a := h.waitFinal(h.submit(alice, map[string]any{"kind": "anomaly", "params": map[string]any{"image": img, "class": 0, "sigmas": []float64{0.5}, "seeds": 1, "steps": 0, "elbo_terms": 2}}))
	for _, j := range []*Job{d, a} {
		if j.State != StateDone || len(j.Outputs) != 1 {
			t.Fatalf("%s job: %s %q with %d outputs", j.Kind, j.State, j.Error, len(j.Outputs))
		}
	}
	var scores map[string]any
	b, _ := os.ReadFile(filepath.Join(h.srv.outDir(a.ID), "scores.json"))
	if err := json.Unmarshal(b, &scores); err != nil || scores["recon"].(float64) <= 0 {
		t.Fatalf("scores.json %s: want a positive reconstruction error (%v)", b, err)
	}
}

// TestBadRequests: each bad request is a 4xx naming the field, stores
// nothing, and leaves the server able to take the next good job.
func TestBadRequests(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Limits.MaxUpload = 4096; c.Limits.MaxBody = 64 << 10 })
	owned := h.submit(alice, slow())
	notPNG := base64.StdEncoding.EncodeToString([]byte("GIF89a this is not a png at all"))
	big := pngBase64(t, image.NewGray(image.Rect(0, 0, 28, 28)))
	noise := grey(28, func(x, y int) uint8 { return uint8((x*131 + y*71 + x*y*17) % 256) })
	tooLarge := pngBase64(t, noise) // incompressible: over the 4096-byte upload limit? checked below
	if len(tooLarge)*3/4 <= 4096 {
		tooLarge = base64.StdEncoding.EncodeToString(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 5000)...))
	}
	cases := []struct {
		name, method, path, sess, body string
		status                         int
		field                          string
	}{
		{"malformed JSON", "POST", "/api/jobs", alice, `{"kind": "sample",`, 400, "body"},
		{"not an object", "POST", "/api/jobs", alice, `[1,2]`, 400, "body"},
		{"unknown top-level field", "POST", "/api/jobs", alice, `{"kind":"sample","colour":"red"}`, 400, "colour"},
		{"unknown parameter", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"stepz":3}}`, 400, "params.stepz"},
		{"wrong type", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"steps":"many"}}`, 400, "params.steps"},
		{"unknown kind", "POST", "/api/jobs", alice, `{"kind":"paint"}`, 400, "kind"},
		{"unknown model", "POST", "/api/jobs", alice, `{"kind":"sample","model":"nope"}`, 400, "model"},
		{"steps out of range", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"steps":0}}`, 400, "params.steps"},
		{"class out of range", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"class":10}}`, 400, "params.class"},
		{"class with guidance 0", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"class":1,"guidance":0}}`, 400, "params.class"},
		{"too many images", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"n":65}}`, 400, "params.n"},
		{"negative temperature", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"temperature":-1}}`, 400, "params.temperature"},
		{"unknown sampler", "POST", "/api/jobs", alice, `{"kind":"sample","params":{"sampler":"magic"}}`, 400, "params.sampler"},
		{"deadline out of range", "POST", "/api/jobs", alice, `{"kind":"sample","deadline_seconds":-1}`, 400, "deadline_seconds"},
		{"upload not a PNG", "POST", "/api/jobs", alice, `{"kind":"denoise","params":{"image":"` + notPNG + `"}}`, 400, "params.image"},
		{"upload not base64", "POST", "/api/jobs", alice, `{"kind":"denoise","params":{"image":"@@@"}}`, 400, "params.image"},
		{"upload of the wrong size", "POST", "/api/jobs", alice, `{"kind":"denoise","params":{"image":"` + pngBase64(t, image.NewGray(image.Rect(0, 0, 30, 28))) + `"}}`, 400, "params.image"},
		{"upload too large", "POST", "/api/jobs", alice, `{"kind":"denoise","params":{"image":"` + tooLarge + `"}}`, 413, "params.image"},
		{"body too large", "POST", "/api/jobs", alice, `{"kind":"denoise","params":{"image":"` + strings.Repeat("A", 70<<10) + `"}}`, 413, "body"},
		{"missing upload", "POST", "/api/jobs", alice, `{"kind":"inpaint","params":{"mask_shape":"box"}}`, 400, "params.image"},
		{"bad mask shape", "POST", "/api/jobs", alice, `{"kind":"inpaint","params":{"image":"` + big + `","mask_shape":"circle"}}`, 400, "params.mask_shape"},
		{"bad session header", "POST", "/api/jobs", "x", `{"kind":"sample"}`, 400, "X-Session"},
		{"cancel another session's job", "POST", "/api/jobs/" + owned + "/cancel", bob, ``, 403, "X-Session"},
		{"unknown job id", "GET", "/api/jobs/0123456789abcdef", alice, ``, 404, "id"},
		{"malformed job id", "GET", "/api/jobs/..%2f..%2fetc", alice, ``, 404, "id"},
		{"unknown output", "GET", "/api/jobs/" + owned + "/outputs/..%2fjobs.db", alice, ``, 404, "name"},
		{"cancel unknown job", "POST", "/api/jobs/0123456789abcdef/cancel", alice, ``, 404, "id"},
		{"bad page size", "GET", "/api/jobs?limit=1000", alice, ``, 400, "limit"},
		{"bad Last-Event-ID", "GET", "/api/jobs/" + owned + "/events", alice, ``, 400, "Last-Event-ID"},
	}
	before := h.jobCount()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.name == "bad Last-Event-ID" {
				hdr = []string{"Last-Event-ID", "minus-one"}
			}
			var body any
			if c.body != "" {
				body = c.body
			}
			code, out, _ := h.do(c.method, c.path, c.sess, body, hdr...)
			var e struct{ Error APIError }
			if err := json.Unmarshal(out, &e); err != nil {
				t.Fatalf("%d %s: not a JSON error: %v", code, out, err)
			}
			if code != c.status || e.Error.Field != c.field || e.Error.Code == "" || !strings.Contains(e.Error.Message, c.field) {
				t.Fatalf("got %d field %q code %q message %q; want %d naming %q", code, e.Error.Field, e.Error.Code, e.Error.Message, c.status, c.field)
			}
		})
	}
	if n := h.jobCount(); n != before {
		t.Fatalf("bad requests stored %d jobs", n-before)
	}
	if j, _ := h.srv.store.Get(owned); j.State == StateCancelled {
		t.Fatal("another session cancelled the job")
	}
	// The server is unharmed: its owner cancels the job, and a good job runs.
	if code, out, _ := h.do("POST", "/api/jobs/"+owned+"/cancel", alice, nil); code != 200 && code != 202 {
		t.Fatalf("owner's cancel: %d %s", code, out)
	}
	if j := h.waitFinal(h.submit(alice, quick(nil))); j.State != StateDone {
		t.Fatalf("after the bad requests a good job ended %s: %s", j.State, j.Error)
	}
}

func TestTokenRequired(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Token = "s3cret" })
	for _, auth := range []string{"", "Bearer wrong", "s3cret"} {
		code, out, hdr := h.do("GET", "/api/models", alice, nil, "Authorization", auth)
		if code != 401 || !strings.Contains(string(out), `"field":"Authorization"`) || hdr.Get("WWW-Authenticate") == "" {
			t.Fatalf("Authorization %q: %d %s, want 401 naming Authorization", auth, code, out)
		}
	}
	if code, _, _ := h.do("POST", "/api/jobs", alice, quick(nil), "Authorization", "Bearer wrong"); code != 401 || h.jobCount() != 0 {
		t.Fatalf("a job with a wrong token: %d, %d stored", code, h.jobCount())
	}
	if code, out, _ := h.do("GET", "/api/models", alice, nil, "Authorization", "Bearer s3cret"); code != 200 {
		t.Fatalf("right token: %d %s", code, out)
	}
}

func TestCancelRunningAndQueued(t *testing.T) {
	h := newHarness(t, nil)
	run := h.submit(alice, slow())
	// Wait until the first job has taken a step (so that the second, which
	// could share its sampling call, waits in the queue).
	h.stream(run, 0, func(e sse) bool { return e.Type == "progress" })
	queued := h.submit(alice, slow())
	if code, out, _ := h.do("POST", "/api/jobs/"+queued+"/cancel", alice, nil); code != 200 {
		t.Fatalf("cancel queued: %d %s", code, out)
	}
	if code, out, _ := h.do("POST", "/api/jobs/"+run+"/cancel", alice, nil); code != 202 {
		t.Fatalf("cancel running: %d %s", code, out)
	}
	start := time.Now()
	for _, id := range []string{run, queued} {
		j := h.waitFinal(id)
		if j.State != StateCancelled || len(j.Outputs) != 0 {
			t.Fatalf("job %s: %s with %d outputs, want cancelled with none", id, j.State, len(j.Outputs))
		}
		if _, err := os.Stat(h.srv.outDir(id)); !os.IsNotExist(err) {
			t.Fatalf("cancelled job %s left its output folder", id)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancel took %v: the sampler should stop at its next step", d)
	}
	if code, out, _ := h.do("POST", "/api/jobs/"+run+"/cancel", alice, nil); code != 409 {
		t.Fatalf("cancel twice: %d %s, want 409", code, out)
	}
}

// TestCancelBetweenQueueAndStart: a cancel that reaches a job after its
// worker took it off the queue and before it started ends the job
// cancelled by its owner, not failed as if its deadline had passed.
func TestCancelBetweenQueueAndStart(t *testing.T) {
	h := newHarness(t, nil)
	status := make(chan int, 1)
	h.srv.mu.Lock()
	h.srv.beforeBegin = func(id string) {
		req, _ := http.NewRequest("POST", h.hs.URL+"/api/jobs/"+id+"/cancel", nil)
		req.Header.Set("X-Session", alice)
		code := 0
		if resp, err := http.DefaultClient.Do(req); err == nil {
			code = resp.StatusCode
			resp.Body.Close()
		}
		select {
		case status <- code:
		default:
		}
	}
	h.srv.mu.Unlock()
	id := h.submit(alice, quick(nil))
	j := h.waitFinal(id)
	if code := <-status; code != 202 {
		t.Fatalf("cancel at the start: %d, want 202 (the job is the worker's)", code)
	}
	if j.State != StateCancelled || j.ErrorCode == CodeDeadline || len(j.Outputs) != 0 {
		t.Fatalf("job cancelled before it started: %s (%s %q) with %d outputs, want cancelled with none", j.State, j.ErrorCode, j.Error, len(j.Outputs))
	}
}

func TestQueueBoundAndDeadline(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Limits.Queue = 1 })
	run := h.submit(alice, slow())
	h.stream(run, 0, func(e sse) bool { return e.Type == "running" })
	waiting := h.submit(alice, map[string]any{"kind": "sample", "deadline_seconds": 0.05, "params": map[string]any{"n": 1, "steps": 2}})
	before := h.jobCount()
	code, out, hdr := h.do("POST", "/api/jobs", alice, quick(nil))
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" || !strings.Contains(string(out), `"field":"queue"`) {
		t.Fatalf("over the bound: %d %s (Retry-After %q), want 429 with Retry-After", code, out, hdr.Get("Retry-After"))
	}
	if h.jobCount() != before {
		t.Fatal("a refused job was stored")
	}
	time.Sleep(100 * time.Millisecond) // the queued job's deadline passes while it waits
	h.do("POST", "/api/jobs/"+run+"/cancel", alice, nil)
	if j := h.waitFinal(waiting); j.State != StateFailed || j.ErrorCode != CodeDeadline {
		t.Fatalf("job past its deadline: %s %s, want failed with %s", j.State, j.ErrorCode, CodeDeadline)
	}
}

func TestGalleryPages(t *testing.T) {
	h := newHarness(t, nil)
	var ids []string
	for i := range 3 {
		ids = append(ids, h.submit(alice, quick(map[string]any{"seed": i})))
	}
	for _, id := range ids {
		h.waitFinal(id)
	}
	code, out, _ := h.do("GET", "/api/jobs?state=done&kind=sample&limit=2&offset=0", bob, nil)
	var page struct {
		Jobs []struct {
			ID   string
			Mine bool
		}
		Total int
	}
	if err := json.Unmarshal(out, &page); code != 200 || err != nil {
		t.Fatalf("%d %s", code, out)
	}
	if page.Total != 3 || len(page.Jobs) != 2 || page.Jobs[0].ID != ids[2] || page.Jobs[0].Mine {
		t.Fatalf("page 1: %+v, want the 2 newest of 3, not bob's", page)
	}
	_, out, _ = h.do("GET", "/api/jobs?state=done&kind=sample&limit=2&offset=2", alice, nil)
	json.Unmarshal(out, &page)
	if len(page.Jobs) != 1 || page.Jobs[0].ID != ids[0] || !page.Jobs[0].Mine {
		t.Fatalf("page 2: %+v, want the oldest, alice's", page)
	}
}
