package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diffusego/diffusego/models/shipped"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
)

var (
	shippedOnce  sync.Once
	shippedModel *Model
	shippedErr   error
)

// fashion loads the shipped Fashion-MNIST model once for all tests (a
// fresh Model value each time, sharing the read-only weights).
func fashion(t testing.TB) *Model {
	t.Helper()
	shippedOnce.Do(func() {
		b := shipped.FashionMNIST()
		p, err := pipeline.LoadBytes(b, shipped.FashionMNISTName, true)
		if err != nil {
			shippedErr = err
			return
		}
		sum := sha256.Sum256(b)
		shippedModel = &Model{Name: "fashion", Pipeline: p, Hash: hex.EncodeToString(sum[:])}
	})
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	m := *shippedModel
	return &m
}

// fakeReal returns n stand-in "real" images (seeded noise shapes) with
// labels, for rating tests that do not need Fashion-MNIST itself.
func fakeReal(n int) (*tensor.Tensor, []int) {
	x := tensor.New(n, 1, 28, 28)
	for i := range x.Data {
		x.Data[i] = float32((i*7919)%255)/127.5 - 1
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % 10
	}
	return x, labels
}

type harness struct {
	t   *testing.T
	srv *Server
	hs  *httptest.Server

	stopOnce sync.Once
	stopErr  error
}

// startHarness starts a server with cfg behind a test HTTP server, stopped
// when the test ends (or earlier by stop).
func startHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, hs: httptest.NewServer(srv.Handler())}
	t.Cleanup(func() { h.stop(5 * time.Second) })
	return h
}

// stop closes the client connections and the HTTP server, then stops the
// server, giving running jobs grace to finish (those that do not go back
// to the queue), once; it returns the server's Close error.
func (h *harness) stop(grace time.Duration) error {
	h.stopOnce.Do(func() {
		h.hs.CloseClientConnections()
		h.hs.Close()
		ctx, cancel := contextWithTimeout(grace)
		defer cancel()
		h.stopErr = h.srv.Close(ctx)
	})
	return h.stopErr
}

func newHarness(t *testing.T, mod func(*Config)) *harness {
	t.Helper()
	cfg := Config{Data: t.TempDir(), Models: []*Model{fashion(t)}}
	cfg.Real, cfg.RealLabels = fakeReal(50)
	if mod != nil {
		mod(&cfg)
	}
	return startHarness(t, cfg)
}

// do sends a request as session sess (header X-Session) and returns the
// status and body.
func (h *harness) do(method, path, sess string, body any, hdr ...string) (int, []byte, http.Header) {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, h.hs.URL+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if sess != "" {
		req.Header.Set("X-Session", sess)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// submit posts a job and returns its id, failing unless it is accepted.
func (h *harness) submit(sess string, req map[string]any) string {
	h.t.Helper()
	code, body, _ := h.do("POST", "/api/jobs", sess, req)
	if code != http.StatusAccepted {
		h.t.Fatalf("submit %v: %d %s", req, code, body)
	}
	var j Job
	if err := json.Unmarshal(body, &j); err != nil {
		h.t.Fatal(err)
	}
	return j.ID
}

type sse struct {
	ID   int
	Type string
	Data json.RawMessage
}

// stream reads job id's events (after last) until the stream ends or
// stop returns true.
func (h *harness) stream(id string, last int, stop func(sse) bool) []sse {
	h.t.Helper()
	req, _ := http.NewRequest("GET", h.hs.URL+"/api/jobs/"+id+"/events", nil)
	if last > 0 {
		req.Header.Set("Last-Event-ID", itoa(last))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		h.t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return readSSE(h.t, resp.Body, stop)
}

func readSSE(t testing.TB, r io.Reader, stop func(sse) bool) []sse {
	var out []sse
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur sse
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.Type != "" {
				out = append(out, cur)
				if stop != nil && stop(cur) {
					return out
				}
			}
			cur = sse{}
		case strings.HasPrefix(line, "id: "):
			cur.ID = atoi(t, line[4:])
		case strings.HasPrefix(line, "event: "):
			cur.Type = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.Data = json.RawMessage(line[6:])
		}
	}
	return out
}

// waitFinal streams job id to its end and returns the job.
func (h *harness) waitFinal(id string) *Job {
	h.t.Helper()
	h.stream(id, 0, nil)
	j, err := h.srv.store.Get(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return j
}

// jobCount returns the number of stored jobs.
func (h *harness) jobCount() int {
	var n int
	if err := h.srv.store.db.QueryRow("SELECT COUNT(*) FROM jobs").Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// quick are sample parameters that run in a fraction of a second.
func quick(extra map[string]any) map[string]any {
	p := map[string]any{"n": 1, "steps": 2, "guidance": 1, "class": 3}
	for k, v := range extra {
		p[k] = v
	}
	return map[string]any{"kind": "sample", "params": p}
}

// slow are sample parameters that run for minutes unless cancelled.
func slow() map[string]any {
	return map[string]any{"kind": "sample", "params": map[string]any{"n": 1, "steps": 1000, "guidance": 1, "sampler": "euler"}}
}
