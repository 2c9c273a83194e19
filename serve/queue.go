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
	"sync/atomic"
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

// worker runs the jobs of one model until the server closes: the job at
// the head of its queue, alone or, when it is a sample or textimage_sample
// job, in one sampling call with the compatible jobs queued behind it
// (takeBatchLocked).
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
		batch := s.takeBatchLocked(model)
		ctxs := make([]context.Context, len(batch))
		for i, e := range batch {
			ctx, cancel := context.WithCancel(context.Background())
			if e.job.Deadline != nil {
				ctx, cancel = context.WithDeadline(context.Background(), *e.job.Deadline)
			}
			ctxs[i], e.cancel = ctx, cancel
			s.running[e.job.ID] = e
		}
		s.mu.Unlock()
		if len(batch) == 1 {
			s.runJob(ctxs[0], batch[0])
		} else {
			s.runBatch(ctxs, batch)
		}
		s.mu.Lock()
		for _, e := range batch {
			e.cancel()
			delete(s.running, e.job.ID)
		}
		s.mu.Unlock()
	}
}

// batcher is the parameters of a kind whose compatible jobs can share one
// sampling call: sample and textimage_sample.
type batcher interface {
	params
	// batchKey says which jobs can share a call: those with equal keys
	// (each key starts with its kind). ok is false for a job that must
	// run alone.
	batchKey() (key string, ok bool)
	images() int // the images the job draws
}

// takeBatchLocked takes the jobs the worker of model runs next off its
// queue: the head, and when the head is a job of a batching kind
// (batcher) with an item-wise sampler, every later queued job with the
// same batchKey, in queue order, while the images of all stay within
// Limits.Batch. The jobs it passes over keep their order; they wait for
// one call more. Callers hold s.mu.
func (s *Server) takeBatchLocked(model string) []*entry {
	q := s.queues[model]
	batch := []*entry{q[0]}
	keep := []*entry{}
	head, ok := q[0].p.(batcher)
	var key string
	images := 0 // the batch's images so far
	if ok {
		key, ok = head.batchKey()
		images = head.images()
	}
	for _, e := range q[1:] {
		if p, joins := e.p.(batcher); ok && joins {
			if k, _ := p.batchKey(); k == key && images+p.images() <= s.cfg.Limits.Batch {
				batch = append(batch, e)
				images += p.images()
				continue
			}
		}
		keep = append(keep, e)
	}
	s.queues[model] = keep
	s.queued -= len(batch)
	return batch
}

// batchImages counts the images of a batch of jobs of a batching kind.
func (s *Server) batchImages(batch []*entry) int {
	n := 0
	for _, e := range batch {
		n += e.p.(batcher).images()
	}
	return n
}

// jobRun is a job that has started: what it needs until it ends.
type jobRun struct {
	e       *entry
	ctx     context.Context
	env     *runEnv
	start   time.Time
	outputs []Output
	ended   bool
}

// begin starts job e: it records the job as running and prepares its
// output folder and sinks. It returns nil when the job ended already (its
// deadline passed in the queue, or it could not be set up).
func (s *Server) begin(ctx context.Context, e *entry, running any) *jobRun {
	id := e.job.ID
	r := &jobRun{e: e, ctx: ctx, start: time.Now()}
	s.mu.Lock()
	hook := s.beforeBegin
	s.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	if ctx.Err() != nil {
		// Its owner cancelled it, or the server began to stop, between
		// leaving the queue and starting: end it as such (end reads why);
		// otherwise its deadline passed in the queue.
		s.mu.Lock()
		why := e.why
		s.mu.Unlock()
		if why != "" {
			s.end(r, ctx.Err())
			return nil
		}
		s.fail(id, CodeDeadline, "the job's deadline passed before it could run")
		return nil
	}
	if err := s.store.SetRunning(id, r.start); err != nil {
		s.logf("job %s: %v", id, err)
	}
	s.emit(id, StateRunning, running)
	inputs, err := s.store.Inputs(id)
	if err != nil {
		s.fail(id, CodeInternal, "reading the job's inputs: "+err.Error())
		return nil
	}
	dir := s.outDir(id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.fail(id, CodeInternal, "output folder: "+err.Error())
		return nil
	}
	lastProgress := time.Time{}
	r.env = &runEnv{ctx: ctx, model: s.models[e.job.Model], inputs: inputs,
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
			r.outputs = append(r.outputs, Output{Index: len(r.outputs), Name: name, Meta: meta, URL: "/api/jobs/" + id + "/outputs/" + name})
			return nil
		},
	}
	return r
}

// fail records that job id failed, with an error code and message.
func (s *Server) fail(id, code, msg string) {
	os.RemoveAll(s.outDir(id))
	if err := s.store.Finish(id, StateFailed, code, msg, nil, time.Now()); err != nil {
		s.logf("job %s: recording the failure: %v", id, err)
	}
	s.emit(id, StateFailed, map[string]string{"code": code, "message": msg})
}

// end records how a started job ended, given the error of its run, once.
func (s *Server) end(r *jobRun, err error) {
	if r.ended {
		return
	}
	r.ended = true
	id := r.e.job.ID
	s.mu.Lock()
	why := r.e.why
	delete(s.running, id) // a cancel from now on finds it finished
	s.mu.Unlock()
	switch {
	case err == nil:
		// Every output file is written (atomically) before the job is done.
		if err := s.store.Finish(id, StateDone, "", "", r.outputs, time.Now()); err != nil {
			s.logf("job %s: recording the outputs: %v", id, err)
			s.fail(id, CodeInternal, "recording the outputs: "+err.Error())
			return
		}
		s.observe(time.Since(r.start))
		s.emit(id, StateDone, map[string]any{"outputs": r.outputs, "seconds": time.Since(r.start).Seconds()})
	case why == "owner":
		os.RemoveAll(s.outDir(id))
		s.store.Finish(id, StateCancelled, "cancelled", "cancelled by its owner", nil, time.Now())
		s.emit(id, StateCancelled, map[string]string{"message": "cancelled by its owner"})
	case why == "shutdown":
		// The server is stopping: the job goes back to the queue and runs
		// again at the next start.
		os.RemoveAll(s.outDir(id))
		if err := s.store.Requeue(id); err != nil {
			s.logf("job %s: requeue: %v", id, err)
		}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(r.ctx.Err(), context.DeadlineExceeded):
		s.fail(id, CodeDeadline, "the job's deadline passed while it ran")
	default:
		s.fail(id, CodeInternal, err.Error())
	}
}

// runJob runs one job and records how it ended.
func (s *Server) runJob(ctx context.Context, e *entry) {
	r := s.begin(ctx, e, nil)
	if r == nil {
		return
	}
	s.end(r, runSafely(func() error { return e.p.run(r.env) }))
}

// runBatch runs compatible jobs (takeBatchLocked) in one sampling call,
// each with its own context ctxs[i], and records how each ended.
// The call itself stops only when every job's context has ended; until
// then a cancelled job (or one past its deadline) drops out at the next
// step and ends at once, and the others go on.
func (s *Server) runBatch(ctxs []context.Context, batch []*entry) {
	images := s.batchImages(batch)
	var runs []*jobRun
	var jobs []sampleJob
	var prompted []textImageJob
	for i, e := range batch {
		if r := s.begin(ctxs[i], e, map[string]int{"batch_jobs": len(batch), "batch_images": images}); r != nil {
			runs = append(runs, r)
			switch p := e.p.(type) {
			case *SampleParams:
				jobs = append(jobs, sampleJob{p: p, e: r.env})
			case *TextImageParams:
				prompted = append(prompted, textImageJob{p: p, e: r.env})
			}
		}
	}
	if len(runs) == 0 {
		return
	}
	// call ends when the context of every job has ended.
	call, stop := context.WithCancel(context.Background())
	defer stop()
	var left atomic.Int64
	left.Store(int64(len(runs)))
	for _, r := range runs {
		defer context.AfterFunc(r.ctx, func() {
			if left.Add(-1) == 0 {
				stop()
			}
		})()
	}
	var errs []error
	err := runSafely(func() error {
		quit := func(j int, err error) { s.end(runs[j], err) }
		if prompted != nil {
			errs = runTextImageBatch(call, runs[0].env.model, prompted, quit)
		} else {
			errs = runSampleBatch(call, runs[0].env.model, jobs, quit)
		}
		return nil
	})
	for j, r := range runs {
		if err != nil { // a panic in library code fails the jobs still running
			s.end(r, err)
			continue
		}
		s.end(r, errs[j])
	}
}

// runSafely runs f, turning a panic in library code into an error so
// that one bad job cannot take the server down.
func runSafely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return f()
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
