package serve

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// batchedRun submits a job that blocks the worker, then jobs, then
// cancels the blocker, so that the jobs wait in the queue together and
// the worker takes them at once; it returns the jobs' ids.
func batchedRun(h *harness, jobs []map[string]any) []string {
	h.t.Helper()
	blocker := h.submit(alice, slow())
	h.stream(blocker, 0, func(e sse) bool { return e.Type == "progress" })
	var ids []string
	for _, j := range jobs {
		ids = append(ids, h.submit(alice, j))
	}
	if code, out, _ := h.do("POST", "/api/jobs/"+blocker+"/cancel", alice, nil); code != 202 {
		h.t.Fatalf("cancel the blocker: %d %s", code, out)
	}
	return ids
}

// runningData returns the data of job id's running event.
func runningData(h *harness, id string) map[string]int {
	h.t.Helper()
	for _, e := range h.stream(id, 0, func(e sse) bool { return e.Type == StateRunning }) {
		if e.Type == StateRunning {
			var d map[string]int
			if err := json.Unmarshal(e.Data, &d); err != nil {
				h.t.Fatalf("job %s: running event %s: %v", id, e.Data, err)
			}
			return d
		}
	}
	h.t.Fatalf("job %s: no running event", id)
	return nil
}

// outputsOf reads job id's output files, in order, failing unless it is done.
func outputsOf(h *harness, id string) [][]byte {
	h.t.Helper()
	j := h.waitFinal(id)
	if j.State != StateDone {
		h.t.Fatalf("job %s: %s (%s), want done", id, j.State, j.Error)
	}
	var out [][]byte
	for _, o := range j.Outputs {
		b, err := os.ReadFile(filepath.Join(h.srv.outDir(id), o.Name))
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// Compatible sample jobs that wait together share one sampling call, and
// each writes the PNG bytes it writes when it runs alone; a job with other
// settings waiting among them runs alone.
func TestBatchedJobsWriteTheirOwnBytes(t *testing.T) {
	jobs := []map[string]any{
		quick(map[string]any{"n": 2, "seed": 3, "class": -1, "steps": 3, "guidance": 2}),
		quick(map[string]any{"n": 1, "seed": 9, "class": 5, "steps": 3, "guidance": 2, "preview_every": 1}),
		quick(map[string]any{"n": 1, "seed": 3, "class": 2, "steps": 4, "guidance": 2}), // other steps: alone
		quick(map[string]any{"n": 3, "seed": 3, "class": 7, "steps": 3, "guidance": 2}),
	}
	h := newHarness(t, nil)
	ids := batchedRun(h, jobs)
	for i, want := range []map[string]int{{"batch_jobs": 3, "batch_images": 6}, {"batch_jobs": 3, "batch_images": 6}, nil, {"batch_jobs": 3, "batch_images": 6}} {
		if got := runningData(h, ids[i]); len(got) != len(want) || got["batch_jobs"] != want["batch_jobs"] || got["batch_images"] != want["batch_images"] {
			t.Errorf("job %d: running %v, want %v", i, got, want)
		}
	}
	// lastPreview is the last preview event of job 1, which asked for
	// previews (a finished job keeps the image of its last one only).
	lastPreview := func(h *harness, id string) []byte {
		var last []byte
		for _, e := range h.stream(id, 0, nil) {
			if e.Type == "preview" {
				last = e.Data
			}
		}
		if !bytes.Contains(last, []byte("data:image/png")) {
			t.Fatalf("job 1: last preview %s, want an image", last)
		}
		return last
	}
	alone := newHarness(t, func(c *Config) { c.Limits.Batch = 1 })
	aloneIDs := batchedRun(alone, jobs)
	if !bytes.Equal(lastPreview(h, ids[1]), lastPreview(alone, aloneIDs[1])) {
		t.Error("job 1: the batched run's last preview differs from the run alone's (it must show the job's own images)")
	}
	sameAsAlone(t, h, alone, ids, aloneIDs)
}

// Cancelling one job of a shared sampling call ends it at the next step,
// with no outputs, while the others run on to done.
func TestCancelOneBatchedJob(t *testing.T) {
	h := newHarness(t, nil)
	long := func(seed int) map[string]any {
		return map[string]any{"kind": "sample", "params": map[string]any{"n": 1, "steps": 40, "guidance": 1, "sampler": "euler", "seed": seed}}
	}
	ids := batchedRun(h, []map[string]any{long(1), long(2), long(3)})
	h.stream(ids[0], 0, func(e sse) bool { return e.Type == "progress" })
	if code, out, _ := h.do("POST", "/api/jobs/"+ids[0]+"/cancel", alice, nil); code != 202 {
		t.Fatalf("cancel a batched job: %d %s", code, out)
	}
	j := h.waitFinal(ids[0])
	if j.State != StateCancelled || len(j.Outputs) != 0 {
		t.Fatalf("cancelled job: %s with %d outputs, want cancelled with none", j.State, len(j.Outputs))
	}
	if _, err := os.Stat(h.srv.outDir(ids[0])); !os.IsNotExist(err) {
		t.Fatal("the cancelled job left its output folder")
	}
	// The cancel ended the job at once, not when the shared call ended.
	if other, err := h.srv.store.Get(ids[1]); err != nil || other.State != StateRunning {
		t.Fatalf("job 1 when job 0 was cancelled: %v %v, want still running", other.State, err)
	}
	if code, out, _ := h.do("POST", "/api/jobs/"+ids[0]+"/cancel", alice, nil); code != 409 {
		t.Fatalf("cancel twice: %d %s, want 409", code, out)
	}
	for _, id := range ids[1:] {
		if got := runningData(h, id); got["batch_jobs"] != 3 {
			t.Fatalf("job %s: running %v, want a batch of 3", id, got)
		}
		if out := outputsOf(h, id); len(out) != 1 {
			t.Fatalf("job %s: %d outputs, want 1", id, len(out))
		}
	}
}

// A shutdown whose grace ends while a shared sampling call runs puts every
// job of the call back in the queue, as it does a job running alone.
func TestShutdownRequeuesABatch(t *testing.T) {
	dir := t.TempDir()
	h := startHarness(t, Config{Data: dir, Models: []*Model{fashion(t)}})
	ids := batchedRun(h, []map[string]any{slow(), slow()})
	if got := runningData(h, ids[1]); got["batch_jobs"] != 2 {
		t.Fatalf("running %v, want a batch of 2", got)
	}
	if err := h.stop(50 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range ids {
		if j, err := st.Get(id); err != nil || j.State != StateQueued {
			t.Fatalf("after a graceful shutdown the batched job %s is %+v (%v), want queued", id, j, err)
		}
	}
}

// sameAsAlone checks that jobs ids of h, run batched, wrote the same
// outputs, byte for byte, as the same jobs aloneIDs of alone (Batch 1),
// and that those did run alone.
func sameAsAlone(t *testing.T, h, alone *harness, ids, aloneIDs []string) {
	t.Helper()
	for i := range ids {
		if got := runningData(alone, aloneIDs[i]); got != nil {
			t.Fatalf("with Batch 1, job %d ran in a batch: %v", i, got)
		}
		got, want := outputsOf(h, ids[i]), outputsOf(alone, aloneIDs[i])
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("job %d: %d outputs batched, %d alone", i, len(got), len(want))
		}
		for k := range got {
			if !bytes.Equal(got[k], want[k]) {
				t.Errorf("job %d, output %d: the batched run wrote other bytes than the run alone", i, k)
			}
		}
	}
}
