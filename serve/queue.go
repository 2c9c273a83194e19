package serve

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/internal/pngout"
)

// Event is one server-sent event of a job: ID counts from 1 per job.
// Type is queued, running, progress, preview, or the final state (done,
// failed, cancelled, interrupted).
type Event struct {
	ID   int    `json:"id"`
	Type string `json:"type"`
	Data any    `json:"data"`
}

// eventLog holds a job's events; waiters block on notify, which is closed
// (and replaced) at every append.
type eventLog struct {
	events []Event
	final  bool
	notify chan struct{}
}

// entry is a job in the queue or running.
type entry struct {
	job    *Job
	p      params
	cancel context.CancelFunc
	// why the job's context was cancelled: "owner" or "shutdown".
	why string
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validID reports whether s has the form of a job or session id made by newID.
func validID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// emit appends an event to job id's log and wakes its streams.
func (s *Server) emit(id, typ string, data any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emitLocked(id, typ, data)
}

func (s *Server) emitLocked(id, typ string, data any) {
	l := s.logs[id]
	if l == nil {
		l = &eventLog{notify: make(chan struct{})}
		s.logs[id] = l
	}
	if l.final {
		return
	}
	l.events = append(l.events, Event{ID: len(l.events) + 1, Type: typ, Data: data})
	if Final(typ) {
		l.final = true
		// A finished job keeps the image of its last preview only; the
		// other previews keep their ids (so ids stay contiguous for
		// resuming) but lose their images.
		last := -1
		for i, e := range l.events {
			if e.Type == "preview" {
				last = i
			}
		}
		for i, e := range l.events {
			if e.Type == "preview" && i != last {
				if d, ok := e.Data.(map[string]any); ok {
					l.events[i].Data = map[string]any{"step": d["step"]}
				}
			}
		}
		s.finished = append(s.finished, id)
		if len(s.finished) > 4096 { // forget the oldest finished logs; their final state stays in the database
			delete(s.logs, s.finished[0])
			s.finished = s.finished[1:]
		}
	}
	close(l.notify)
	l.notify = make(chan struct{})
}

// enqueue puts an accepted job on its model's queue. Callers hold s.mu.
func (s *Server) enqueueLocked(e *entry) {
	s.queues[e.job.Model] = append(s.queues[e.job.Model], e)
	s.queued++
	s.emitLocked(e.job.ID, StateQueued, map[string]int{"position": len(s.queues[e.job.Model])})
	select {
	case s.wake[e.job.Model] <- struct{}{}:
	default:
	}
}

// worker runs the jobs of one model, one at a time, until the server closes.
func (s *Server) worker(model string) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		for len(s.queues[model]) == 0 && !s.closing {
			s.mu.Unlock()
			<-s.wake[model]
			s.mu.Lock()
		}
		if s.closing {
			s.mu.Unlock()
			return
		}
		e := s.queues[model][0]
		s.queues[model] = s.queues[model][1:]
		s.queued--
		ctx, cancel := context.WithCancel(context.Background())
		if e.job.Deadline != nil {
			ctx, cancel = context.WithDeadline(context.Background(), *e.job.Deadline)
		}
		e.cancel = cancel
		s.running[e.job.ID] = e
		s.mu.Unlock()
		s.runJob(ctx, e)
		cancel()
		s.mu.Lock()
		delete(s.running, e.job.ID)
		s.mu.Unlock()
	}
}

// runJob runs one job and records how it ended.
func (s *Server) runJob(ctx context.Context, e *entry) {
	id := e.job.ID
	start := time.Now()
	fail := func(code, msg string) {
		os.RemoveAll(s.outDir(id))
		if err := s.store.Finish(id, StateFailed, code, msg, nil, time.Now()); err != nil {
			s.logf("job %s: recording the failure: %v", id, err)
		}
		s.emit(id, StateFailed, map[string]string{"code": code, "message": msg})
	}
	if ctx.Err() != nil { // its deadline passed in the queue
		fail(CodeDeadline, "the job's deadline passed before it could run")
		return
	}
	if err := s.store.SetRunning(id, start); err != nil {
		s.logf("job %s: %v", id, err)
	}
	s.emit(id, StateRunning, nil)
	inputs, err := s.store.Inputs(id)
	if err != nil {
		fail(CodeInternal, "reading the job's inputs: "+err.Error())
		return
	}
	dir := s.outDir(id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(CodeInternal, "output folder: "+err.Error())
		return
	}
	var outputs []Output
	lastProgress := time.Time{}
	env := &runEnv{ctx: ctx, model: s.models[e.job.Model], inputs: inputs,
		progress: func(step, total int) {
			// At most ~20 progress events a second, but always the last.
			if now := time.Now(); step == total || now.Sub(lastProgress) > 50*time.Millisecond {
				lastProgress = now
				s.emit(id, "progress", map[string]int{"step": step, "total": total})
			}
		},
		preview: func(step int, img image.Image) {
			var b bytes.Buffer
			if err := pngout.Encode(&b, img, nil); err == nil {
				s.emit(id, "preview", map[string]any{"step": step, "image": "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())})
			}
		},
		write: func(name string, meta map[string]string, w func(io.Writer) error) error {
			if err := checkpoint.WriteAtomic(filepath.Join(dir, name), w); err != nil {
				return err
			}
			outputs = append(outputs, Output{Index: len(outputs), Name: name, Meta: meta, URL: "/api/jobs/" + id + "/outputs/" + name})
			return nil
		},
	}
	err = runSafely(e.p, env)
	s.mu.Lock()
	why := e.why
	s.mu.Unlock()
	switch {
	case err == nil:
		// Every output file is written (atomically) before the job is done.
		if err := s.store.Finish(id, StateDone, "", "", outputs, time.Now()); err != nil {
			s.logf("job %s: recording the outputs: %v", id, err)
			fail(CodeInternal, "recording the outputs: "+err.Error())
			return
		}
		s.observe(time.Since(start))
		s.emit(id, StateDone, map[string]any{"outputs": outputs, "seconds": time.Since(start).Seconds()})
	case why == "owner":
		os.RemoveAll(dir)
		s.store.Finish(id, StateCancelled, "cancelled", "cancelled by its owner", nil, time.Now())
		s.emit(id, StateCancelled, map[string]string{"message": "cancelled by its owner"})
	case why == "shutdown":
		// The server is stopping: the job goes back to the queue and runs
		// again at the next start.
		os.RemoveAll(dir)
		if err := s.store.Requeue(id); err != nil {
			s.logf("job %s: requeue: %v", id, err)
		}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		fail(CodeDeadline, "the job's deadline passed while it ran")
	default:
		fail(CodeInternal, err.Error())
	}
}

// runSafely runs p, turning a panic in library code into an error so
// that one bad job cannot take the server down.
func runSafely(p params, e *runEnv) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return p.run(e)
}

// outDir is the folder of job id's outputs; id is always one made by newID.
func (s *Server) outDir(id string) string { return filepath.Join(s.cfg.Data, "outputs", id) }

// observe folds a job's run time into the average used for Retry-After.
func (s *Server) observe(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.avgRun == 0 {
		s.avgRun = d
	} else {
		s.avgRun = (s.avgRun*7 + d) / 8
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log != nil {
		fmt.Fprintf(s.cfg.Log, format+"\n", args...)
	}
}

// cleanTemp removes temporary files that an interrupted atomic write left
// in the outputs folder, and the output folders of jobs that did not end
// done (their files were never listed).
func (s *Server) cleanTemp() error {
	root := filepath.Join(s.cfg.Data, "outputs")
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, d := range entries {
		if !d.IsDir() || !validID(d.Name()) {
			continue
		}
		j, err := s.store.Get(d.Name())
		if err != nil || j.State != StateDone {
			os.RemoveAll(filepath.Join(root, d.Name()))
			continue
		}
		files, _ := os.ReadDir(filepath.Join(root, d.Name()))
		for _, f := range files {
			if strings.HasPrefix(f.Name(), ".") && strings.Contains(f.Name(), ".tmp") {
				os.Remove(filepath.Join(root, d.Name(), f.Name()))
			}
		}
	}
	return nil
}
