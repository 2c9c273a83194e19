package serve

import (
	"encoding/json"
	"fmt"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain doubles as the server process of TestCrashRecovery: with
// DIFFUSEGO_SERVE_CHILD set to a folder it serves that data folder on a
// loopback port (written to DIR/addr) until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("DIFFUSEGO_SERVE_CHILD"); dir != "" {
		srv, err := New(Config{Data: dir, Models: []*Model{fashion(&testing.T{})}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		hs := httptest.NewServer(srv.Handler())
		os.WriteFile(filepath.Join(dir, "addr.tmp"), []byte(hs.URL), 0o644)
		os.Rename(filepath.Join(dir, "addr.tmp"), filepath.Join(dir, "addr"))
		select {}
	}
	os.Exit(m.Run())
}

// TestCrashRecovery kills a server process (SIGKILL) with a job running
// and jobs queued, restarts on its data folder, and checks that no
// accepted job is lost, the database is sound and no half-written output
// exists.
func TestCrashRecovery(t *testing.T) {
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "DIFFUSEGO_SERVE_CHILD="+dir)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	var base string
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(dir, "addr")); err == nil {
			base = string(b)
			break
		}
		if time.Since(start) > 60*time.Second {
			t.Fatal("the server process did not start")
		}
	}
	h := &harness{t: t, hs: &httptest.Server{URL: base}}
	done := h.submit(alice, quick(nil))
	h.stream(done, 0, nil)
	running := h.submit(alice, slow())
	var queued []string
	for i := range 3 {
		queued = append(queued, h.submit(bob, quick(map[string]any{"seed": 10 + i})))
	}
	h.stream(running, 0, func(e sse) bool { return e.Type == "progress" })
	if err := child.Process.Kill(); err != nil { // SIGKILL: no shutdown code runs
		t.Fatal(err)
	}
	child.Wait()

	srv, err := New(Config{Data: dir, Models: []*Model{fashion(t)}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	defer func() {
		ctx, cancel := contextWithTimeout(5 * time.Second)
		defer cancel()
		srv.Close(ctx)
	}()
	if r, err := srv.store.IntegrityCheck(); err != nil || r != "ok" {
		t.Fatalf("integrity_check after kill -9: %q %v", r, err)
	}
	h = &harness{t: t, srv: srv, hs: hs}
	if j, _ := srv.store.Get(done); j == nil || j.State != StateDone || len(j.Outputs) != 1 {
		t.Fatalf("the finished job after restart: %+v", j)
	}
	if j, _ := srv.store.Get(running); j == nil || j.State != StateInterrupted {
		t.Fatalf("the running job after restart: %+v, want interrupted", j)
	}
	for _, id := range queued {
		if j := h.waitFinal(id); j.State != StateDone || len(j.Outputs) != 1 {
			t.Fatalf("queued job %s after restart: %s %s, want done", id, j.State, j.Error)
		}
	}
	// Every file under outputs/ is a listed output of a done job and a
	// whole PNG; nothing else (no temporary file, no partial folder).
	listed := map[string]bool{}
	jobs, _, err := srv.store.List("", "", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 5 {
		t.Fatalf("%d jobs after restart, want the 5 accepted", len(jobs))
	}
	for _, j := range jobs {
		for _, o := range j.Outputs {
			listed[filepath.Join(j.ID, o.Name)] = true
		}
	}
	root := filepath.Join(dir, "outputs")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if !listed[rel] {
			return fmt.Errorf("%s is not a listed output (half-written or of an unfinished job)", rel)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := png.Decode(f); err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The interrupted job's stream ends at once with its state.
	ev := h.stream(running, 0, nil)
	if len(ev) != 1 || ev[0].Type != StateInterrupted {
		t.Fatalf("events of the interrupted job: %+v", ev)
	}
	var view map[string]any
	_, body, _ := h.do("GET", "/api/jobs/"+running, alice, nil)
	json.Unmarshal(body, &view)
	if view["state"] != StateInterrupted || !strings.Contains(fmt.Sprint(view["error"]), "stopped") {
		t.Fatalf("GET the interrupted job: %s", body)
	}
	_ = http.StatusOK
}
