package serve

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

//go:embed web openapi.json
var assets embed.FS

// Limits bound what one request may ask for.
type Limits struct {
	MaxBody     int64         // bytes in a request body (default 8 MiB)
	MaxUpload   int           // bytes of one uploaded file (image or WAV after base64, CSV or graph text) (default 2 MiB)
	MaxImages   int           // images (texts, clips, molecules) in one sample job (default 64)
	Batch       int           // images in one sampling call shared by compatible sample jobs (default 64; 1: no sharing)
	MaxRows     int           // rows in one tabular job (default 100000)
	Queue       int           // jobs waiting, over all models (default 64)
	MaxDeadline time.Duration // longest per-job deadline (default 1 h)
}

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = 8 << 20
	}
	if l.MaxUpload <= 0 {
		l.MaxUpload = 2 << 20
	}
	if l.MaxImages <= 0 {
		l.MaxImages = 64
	}
	if l.Batch <= 0 {
		l.Batch = 64
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 100000
	}
	if l.Queue <= 0 {
		l.Queue = 64
	}
	if l.MaxDeadline <= 0 {
		l.MaxDeadline = time.Hour
	}
	return l
}

// Config is what a Server serves and where it keeps it.
type Config struct {
	Data   string   // data folder: jobs.db and outputs/
	Token  string   // when set, every request needs "Authorization: Bearer TOKEN"
	Models []*Model // the first image model is the default
	Limits Limits
	// Real and RealLabels are the real images of the rating studies
	// (Fashion-MNIST's test set: (N, 1, 28, 28) in [−1, 1]); nil disables
	// real-or-generated studies.
	Real       *tensor.Tensor
	RealLabels []int
	Classes    []string  // class names, for the pages
	Log        io.Writer // one line per notable event; nil: silent
}

// Server serves the job API, the web page and the rating studies.
type Server struct {
	cfg      Config
	store    *Store
	models   map[string]*Model
	order    []string
	mu       sync.Mutex
	queues   map[string][]*entry
	queued   int
	running  map[string]*entry
	logs     map[string]*eventLog
	finished []string
	wake     map[string]chan struct{}
	closing  bool
	avgRun   time.Duration
	wg       sync.WaitGroup
	mux      *http.ServeMux
	// beforeBegin, when set (by tests, under mu), is called with a job's id
	// after its worker has taken it off the queue and before it starts.
	beforeBegin func(id string)
}

// New opens the store in cfg.Data, recovers it after a previous run (jobs
// left running become interrupted; queued ones are queued again) and
// starts one worker per model.
func New(cfg Config) (*Server, error) {
	cfg.Limits = cfg.Limits.withDefaults()
	if len(cfg.Models) == 0 {
		return nil, fmt.Errorf("serve: no models to serve")
	}
	st, err := OpenStore(cfg.Data)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: st, models: map[string]*Model{}, queues: map[string][]*entry{},
		running: map[string]*entry{}, logs: map[string]*eventLog{}, wake: map[string]chan struct{}{}}
	for _, m := range cfg.Models {
		if _, dup := s.models[m.Name]; dup || m.Name == "" {
			st.Close()
			return nil, fmt.Errorf("serve: model name %q: empty or given twice", m.Name)
		}
		s.models[m.Name] = m
		s.order = append(s.order, m.Name)
		s.wake[m.Name] = make(chan struct{}, 1)
	}
	queued, interrupted, err := st.Recover(time.Now())
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("serve: recovering the queue: %w", err)
	}
	if err := s.cleanTemp(); err != nil {
		st.Close()
		return nil, fmt.Errorf("serve: cleaning outputs: %w", err)
	}
	s.mu.Lock()
	for _, j := range queued {
		p := newParams(j.Kind)
		if _, ok := s.models[j.Model]; !ok || p == nil || json.Unmarshal(j.Params, p) != nil {
			st.Finish(j.ID, StateFailed, CodeInvalid, fmt.Sprintf("model %q or kind %q is not served any more", j.Model, j.Kind), nil, time.Now())
			continue
		}
		s.enqueueLocked(&entry{job: j, p: p})
	}
	s.mu.Unlock()
	if interrupted > 0 || len(queued) > 0 {
		s.logf("recovered: %d queued jobs run again, %d interrupted", len(queued), interrupted)
	}
	for _, name := range s.order {
		s.wg.Add(1)
		go s.worker(name)
	}
	s.routes()
	return s, nil
}

// Store returns the server's database.
func (s *Server) Store() *Store { return s.store }

// Close stops the server's workers: it stops taking jobs, lets running
// jobs finish until ctx ends, then cancels them (they go back to the
// queue for the next start), and closes the database.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for _, c := range s.wake {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.mu.Lock()
		for _, e := range s.running {
			e.why = "shutdown"
			e.cancel()
		}
		s.mu.Unlock()
		<-done
	}
	return s.store.Close()
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.guard(s.mux) }

// NewHTTPServer wraps h in an http.Server with the timeouts a public
// server needs: headers must arrive within 10 s, bodies within a minute.
// Event streams are long, so there is no write timeout.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

func (s *Server) routes() {
	m := http.NewServeMux()
	web, _ := fs.Sub(assets, "web")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(web)))
	m.HandleFunc("GET /{$}", s.page("index.html"))
	m.HandleFunc("GET /rate", s.page("rate.html"))
	m.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		b, _ := assets.ReadFile("openapi.json")
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, map[string]string{"status": "ok"}) })
	m.HandleFunc("GET /api/models", s.listModels)
	m.HandleFunc("POST /api/jobs", s.submit)
	m.HandleFunc("GET /api/jobs", s.listJobs)
	m.HandleFunc("GET /api/jobs/{id}", s.getJob)
	m.HandleFunc("GET /api/jobs/{id}/events", s.events)
	m.HandleFunc("POST /api/jobs/{id}/cancel", s.cancelJob)
	m.HandleFunc("GET /api/jobs/{id}/outputs/{name}", s.output)
	s.ratingRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "path", Message: "path: no such endpoint: " + r.Method + " " + r.URL.Path})
	})
	s.mux = m
}

func (s *Server) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := assets.ReadFile("web/" + name)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'")
		w.Write(b)
	}
}

type ctxKey int

const sessionKey ctxKey = 0

// session returns the caller's session id (set by guard).
func session(r *http.Request) string { s, _ := r.Context().Value(sessionKey).(string); return s }

// guard checks the bearer token, limits the body and attaches the
// session: the X-Session header, else the diffusego_session cookie, else a
// new session given as a cookie.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if s.cfg.Token != "" && r.URL.Path != "/healthz" {
			got, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if h := r.Header.Get("Authorization"); h != "" && !strings.HasPrefix(h, "Bearer ") {
				got = "\x00" // a header that is not a bearer token never matches
			}
			if c, err := r.Cookie("diffusego_token"); got == "" && err == nil {
				got = c.Value
			}
			if q := r.URL.Query().Get("token"); got == "" && q != "" && r.URL.Path == "/" {
				got = q // the page's first visit; remembered as a cookie below
				if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1 {
					http.SetCookie(w, &http.Cookie{Name: "diffusego_token", Value: got, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
				}
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="diffuse"`)
				writeError(w, &APIError{Status: 401, Code: CodeUnauthorized, Field: "Authorization",
					Message: "Authorization: want \"Bearer TOKEN\" with the server's --token"})
				return
			}
		}
		sess := r.Header.Get("X-Session")
		if sess != "" && !validSession(sess) {
			writeError(w, badField("X-Session", CodeInvalid, "want 8 to 64 letters, digits, '-' or '_'"))
			return
		}
		if sess == "" {
			if c, err := r.Cookie("diffusego_session"); err == nil && validSession(c.Value) {
				sess = c.Value
			}
		}
		if sess == "" {
			sess = newID()
			http.SetCookie(w, &http.Cookie{Name: "diffusego_session", Value: sess, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, MaxAge: 365 * 24 * 3600})
		}
		w.Header().Set("X-Session", sess)
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.Limits.MaxBody)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	})
}

func validSession(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ModelInfo describes a served model to clients.
type ModelInfo struct {
	Name      string   `json:"name"`
	Task      string   `json:"task"`
	Kinds     []string `json:"kinds"`
	ImageSize int      `json:"image_size,omitempty"`
	Channels  int      `json:"channels,omitempty"`
	Classes   int      `json:"classes,omitempty"`
	Factor    int      `json:"factor,omitempty"`
	Source    string   `json:"source,omitempty"`     // the checkpoint (or shipped:NAME) of a text, audio, series or molecule model
	Context   int      `json:"context,omitempty"`    // text: characters per window
	Objective string   `json:"objective,omitempty"`  // text: mdlm or ar
	Rate      int      `json:"rate,omitempty"`       // audio: samples per second
	Samples   int      `json:"samples,omitempty"`    // audio: samples per clip
	Columns   []string `json:"columns,omitempty"`    // series: the numeric columns a CSV must have
	Window    int      `json:"window,omitempty"`     // series: rows per window
	Space     string   `json:"space,omitempty"`      // textimage: pixel or latent
	MaxPrompt int      `json:"max_prompt,omitempty"` // textimage: most characters in a prompt
}

func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	var out []ModelInfo
	for _, name := range s.order {
		m := s.models[name]
		info := ModelInfo{Name: name, Task: m.Task(), Source: m.Source}
		for _, k := range KindNames() {
			if Kinds[k] == info.Task {
				info.Kinds = append(info.Kinds, k)
			}
		}
		switch {
		case m.Text != nil:
			info.Context, info.Objective = m.Text.Config.Context, m.Text.Config.Objective
		case m.Audio != nil:
			info.Classes, info.Rate, info.Samples = m.Audio.Config.Classes, m.Audio.Config.Rate, m.Audio.Config.Samples
		case m.Mel != nil:
			info.Classes, info.Rate, info.Samples = m.Mel.Pipe.Model.UNet.Classes, m.Mel.Codec.Spec.Rate, m.Mel.Codec.Spec.Samples
		case m.Series != nil:
			info.Columns, info.Window = m.Series.Config.Columns, m.Series.Config.Window
		case m.Molecule != nil:
			info.Classes = m.Molecule.Model.Config.Classes
		case m.TextImage != nil:
			sp := m.TextImage.Spec
			info.ImageSize, info.Channels, info.Space, info.MaxPrompt = sp.ImageSize, 3, sp.Space, sp.Vocab.MaxLen
		}
		if p := m.Pipeline; p != nil {
			info.ImageSize, info.Channels, info.Classes = p.Model.UNet.ImageSize, p.Model.UNet.InChannels, p.Model.UNet.Classes
			if c := p.Model.Cond; c != nil {
				info.Factor = c.Factor
			}
		}
		out = append(out, info)
	}
	writeJSON(w, 200, map[string]any{"models": out, "samplers": sampler.Names(), "class_names": s.cfg.Classes})
}

// JobRequest is the body of POST /api/jobs.
type JobRequest struct {
	Kind            string          `json:"kind"`
	Model           string          `json:"model"`
	Params          json.RawMessage `json:"params"`
	DeadlineSeconds float64         `json:"deadline_seconds"`
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	var req JobRequest
	if e := decodeStrict(r.Body, &req, ""); e != nil {
		writeError(w, e)
		return
	}
	if _, ok := Kinds[req.Kind]; !ok {
		writeError(w, badField("kind", CodeInvalid, "want one of %s, got %q", strings.Join(KindNames(), ", "), req.Kind))
		return
	}
	if req.Model == "" {
		for _, name := range s.order {
			if s.models[name].Task() == Kinds[req.Kind] {
				req.Model = name
				break
			}
		}
	}
	m, ok := s.models[req.Model]
	if !ok && req.Model == "" {
		task := Kinds[req.Kind]
		writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeNoModel, Field: "model",
			Message: fmt.Sprintf("model: no %s model is loaded, so %s jobs cannot run; start diffuse serve with %s", task, req.Kind, taskFlags[task])})
		return
	}
	if !ok {
		writeError(w, badField("model", CodeInvalid, "want one of the served models (%s) that runs %s jobs, got %q", strings.Join(s.order, ", "), req.Kind, req.Model))
		return
	}
	if m.Task() != Kinds[req.Kind] {
		writeError(w, badField("model", CodeInvalid, "model %q is a %s model; %s jobs need a %s model", m.Name, m.Task(), req.Kind, Kinds[req.Kind]))
		return
	}
	if e := rangeFloat("deadline_seconds", req.DeadlineSeconds, 0, s.cfg.Limits.MaxDeadline.Seconds()); e != nil {
		writeError(w, e)
		return
	}
	p := newParams(req.Kind)
	if len(req.Params) > 0 && string(req.Params) != "null" {
		if e := decodeStrict(strings.NewReader(string(req.Params)), p, "params"); e != nil {
			writeError(w, e)
			return
		}
	}
	inputs := map[string][]byte{}
	if e := p.check(m, inputs, s.cfg.Limits); e != nil {
		writeError(w, e)
		return
	}
	stored, err := json.Marshal(p) // without the uploads, which are stored as inputs
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	now := time.Now().UTC()
	j := &Job{ID: newID(), Owner: session(r), Kind: req.Kind, Model: m.Name, Params: stored, State: StateQueued, Created: now, Outputs: []Output{}}
	if req.DeadlineSeconds > 0 {
		d := now.Add(time.Duration(req.DeadlineSeconds * float64(time.Second)))
		j.Deadline = &d
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		writeError(w, &APIError{Status: 503, Code: CodeShutdown, Message: "the server is shutting down"})
		return
	}
	if s.queued >= s.cfg.Limits.Queue {
		wait := s.avgRun.Seconds() * float64(s.queued) / float64(len(s.models))
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int(min(max(math.Ceil(wait), 1), 600))))
		writeError(w, &APIError{Status: http.StatusTooManyRequests, Code: CodeQueueFull, Field: "queue",
			Message: fmt.Sprintf("queue: full (%d jobs waiting); retry after the Retry-After seconds", s.cfg.Limits.Queue)})
		return
	}
	s.queued++ // the place is held while the job is stored
	s.mu.Unlock()
	// Stored (with its inputs, fsynced) before the 202: an accepted job survives a crash.
	err = s.store.Insert(j, inputs)
	s.mu.Lock()
	s.queued--
	if err != nil {
		s.mu.Unlock()
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: "storing the job: " + err.Error()})
		return
	}
	s.enqueueLocked(&entry{job: j, p: p})
	s.mu.Unlock()
	w.Header().Set("Location", "/api/jobs/"+j.ID)
	writeJSON(w, http.StatusAccepted, j)
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *Job {
	id := r.PathValue("id")
	if !validID(id) {
		writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "id", Message: fmt.Sprintf("id: %q is not a job id (16 hex digits)", id)})
		return nil
	}
	j, err := s.store.Get(id)
	if errors.Is(err, ErrNoJob) {
		writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "id", Message: fmt.Sprintf("id: no job %s", id)})
		return nil
	}
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return nil
	}
	return j
}

// jobView adds what only the server's memory knows: progress and whether
// the caller owns the job.
func (s *Server) jobView(j *Job, r *http.Request) map[string]any {
	v := map[string]any{"id": j.ID, "kind": j.Kind, "model": j.Model, "params": j.Params, "state": j.State,
		"created": j.Created, "outputs": j.Outputs, "mine": j.Owner == session(r)}
	if j.Error != "" {
		v["error"] = map[string]string{"code": j.ErrorCode, "message": j.Error}
	}
	for k, t := range map[string]*time.Time{"started": j.Started, "finished": j.Finished, "deadline": j.Deadline} {
		if t != nil {
			v[k] = t
		}
	}
	s.mu.Lock()
	if l := s.logs[j.ID]; l != nil {
		for i := len(l.events) - 1; i >= 0; i-- {
			if l.events[i].Type == "progress" {
				v["progress"] = l.events[i].Data
				break
			}
		}
	}
	s.mu.Unlock()
	return v
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	if j := s.lookup(w, r); j != nil {
		writeJSON(w, 200, s.jobView(j, r))
	}
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := 12, 0
	for name, dst := range map[string]*int{"limit": &limit, "offset": &offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (name == "limit" && (n < 1 || n > 100)) {
				writeError(w, badField(name, CodeOutOfRange, "want an integer (limit 1 … 100, offset ≥ 0), got %q", v))
				return
			}
			*dst = n
		}
	}
	state, kind := q.Get("state"), q.Get("kind")
	if state != "" && !slices.Contains([]string{StateQueued, StateRunning, StateDone, StateFailed, StateCancelled, StateInterrupted}, state) {
		writeError(w, badField("state", CodeInvalid, "want queued, running, done, failed, cancelled or interrupted, got %q", state))
		return
	}
	if _, ok := Kinds[kind]; kind != "" && !ok {
		writeError(w, badField("kind", CodeInvalid, "want one of %s, got %q", strings.Join(KindNames(), ", "), kind))
		return
	}
	jobs, total, err := s.store.List(state, kind, limit, offset)
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	views := []map[string]any{}
	for _, j := range jobs {
		views = append(views, s.jobView(j, r))
	}
	writeJSON(w, 200, map[string]any{"jobs": views, "total": total, "limit": limit, "offset": offset})
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) {
	j := s.lookup(w, r)
	if j == nil {
		return
	}
	if j.Owner != session(r) {
		writeError(w, &APIError{Status: 403, Code: CodeForbidden, Field: "X-Session",
			Message: "X-Session: only the session that submitted job " + j.ID + " may cancel it"})
		return
	}
	s.mu.Lock()
	if e := s.running[j.ID]; e != nil {
		e.why = "owner"
		e.cancel() // the sampler stops at its next step
		s.mu.Unlock()
		writeJSON(w, 202, map[string]string{"id": j.ID, "state": "cancelling"})
		return
	}
	q := s.queues[j.Model]
	for i, e := range q {
		if e.job.ID == j.ID {
			s.queues[j.Model] = slices.Delete(q, i, i+1)
			s.queued--
			if err := s.store.Finish(j.ID, StateCancelled, "cancelled", "cancelled by its owner", nil, time.Now()); err != nil {
				s.mu.Unlock()
				writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
				return
			}
			s.emitLocked(j.ID, StateCancelled, map[string]string{"message": "cancelled by its owner"})
			s.mu.Unlock()
			writeJSON(w, 200, map[string]string{"id": j.ID, "state": StateCancelled})
			return
		}
	}
	s.mu.Unlock()
	writeError(w, &APIError{Status: 409, Code: CodeConflict, Field: "id", Message: fmt.Sprintf("id: job %s is already %s", j.ID, j.State)})
}

// events streams a job's events as text/event-stream; a client that
// reconnects with Last-Event-ID (or ?last_event_id=) gets only the
// events after it.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	j := s.lookup(w, r)
	if j == nil {
		return
	}
	last := 0
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("last_event_id")} {
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, badField("Last-Event-ID", CodeInvalid, "want a non-negative event id, got %q", v))
			return
		}
		last = n
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: "streaming unsupported"})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(200)
	fl.Flush()
	send := func(e Event) {
		b, _ := json.Marshal(e.Data)
		fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, b)
	}
	rc := http.NewResponseController(w)
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		s.mu.Lock()
		l := s.logs[j.ID]
		if l == nil {
			// A job that ended before this server started: its final
			// state, from the database, as one event.
			s.mu.Unlock()
			j, err := s.store.Get(j.ID)
			if err == nil && Final(j.State) {
				send(Event{ID: 1, Type: j.State, Data: map[string]any{"outputs": j.Outputs, "code": j.ErrorCode, "message": j.Error}})
			}
			fl.Flush()
			return
		}
		var todo []Event
		for _, e := range l.events {
			if e.ID > last {
				todo = append(todo, e)
			}
		}
		final, notify := l.final, l.notify
		s.mu.Unlock()
		for _, e := range todo {
			send(e)
			last = e.ID
		}
		rc.Flush()
		if final {
			return
		}
		select {
		case <-notify:
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case <-r.Context().Done():
			return
		}
	}
}

// output serves one output file; the name must be one the database lists
// for the job, so no request path reaches the file system unchecked.
func (s *Server) output(w http.ResponseWriter, r *http.Request) {
	j := s.lookup(w, r)
	if j == nil {
		return
	}
	name := r.PathValue("name")
	for _, o := range j.Outputs {
		if o.Name == name {
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", j.ID+"_"+name))
			http.ServeFile(w, r, filepath.Join(s.outDir(j.ID), o.Name))
			return
		}
	}
	writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "name", Message: fmt.Sprintf("name: job %s has no output %q", j.ID, name)})
}
