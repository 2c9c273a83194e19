package serve

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// Study sizes of the HYPE∞ protocol as the rating page runs it.
const (
	PracticeTrials = 5  // with feedback, not scored
	ScoredTrials   = 50 // scored, gold checks included
	GoldTrials     = 5  // of the scored: pure-noise images, obviously generated
	PairTrials     = 20 // pairwise preference trials per session
)

// Trial is one real-or-generated answer, in the shape of the perception
// statistics' Trial.
type Trial struct {
	Session           string `json:"session"`
	Rater             string `json:"rater"`
	Item              string `json:"item"`
	Generated         bool   `json:"generated"`
	AnsweredGenerated bool   `json:"answered_generated"`
	Gold              bool   `json:"gold"`
	Practice          bool   `json:"practice"`
	Millis            int    `json:"millis"`
}

// Pair is one pairwise preference, in the shape of the perception
// statistics' Pair: A and B are the two systems compared (job ids).
type Pair struct {
	Session string `json:"session"`
	Rater   string `json:"rater"`
	A       string `json:"a"`
	B       string `json:"b"`
	PreferA bool   `json:"prefer_a"`
	Millis  int    `json:"millis"`
}

// planItem is one trial of a session's plan; the truth stays on the server.
type planItem struct {
	Item      string `json:"item"` // real:INDEX, gen:JOB/NAME, gold:K; for pairs the left image
	Other     string `json:"other,omitempty"`
	Generated bool   `json:"generated"`
	Gold      bool   `json:"gold"`
	Practice  bool   `json:"practice"`
	A, B      string `json:",omitempty"` // pair trials: the systems (job ids) shown left and right
	Class     int    `json:"class"`
}

type ratingSession struct {
	ID, Owner, Rater, Kind string
	Plan                   []planItem
}

func (s *Server) ratingRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/ratings/sessions", s.newRatingSession)
	m.HandleFunc("GET /api/ratings/sessions/{sid}", s.getRatingSession)
	m.HandleFunc("GET /api/ratings/sessions/{sid}/items/{file}", s.ratingItem)
	m.HandleFunc("POST /api/ratings/sessions/{sid}/answers", s.answer)
	m.HandleFunc("GET /api/ratings/results", s.results)
	m.HandleFunc("GET /api/ratings/export", s.export)
}

// SessionRequest is the body of POST /api/ratings/sessions.
type SessionRequest struct {
	Kind  string   `json:"kind"`  // "hype" (real or generated) or "pair"
	Rater string   `json:"rater"` // the rater's name or code
	Jobs  []string `json:"jobs"`  // hype: sample jobs to draw from (empty: every done sample job); pair: the two jobs compared
}

// generatedPool lists the outputs of done sample jobs (of jobs, when
// given) as gen:JOB/NAME items with their classes.
func (s *Server) generatedPool(jobs []string) ([]planItem, error) {
	var pool []planItem
	add := func(j *Job) {
		for _, o := range j.Outputs {
			c, err := strconv.Atoi(o.Meta["class"])
			if err != nil {
				c = -1
			}
			pool = append(pool, planItem{Item: "gen:" + j.ID + "/" + o.Name, Generated: true, Class: c, A: j.ID})
		}
	}
	if len(jobs) > 0 {
		for _, id := range jobs {
			j, err := s.store.Get(id)
			if err != nil || j.Kind != "sample" || j.State != StateDone {
				return nil, badField("jobs", CodeInvalid, "%q is not a done sample job", id)
			}
			add(j)
		}
		return pool, nil
	}
	list, _, err := s.store.List(StateDone, "sample", 100, 0)
	if err != nil {
		return nil, err
	}
	for _, j := range list {
		add(j)
	}
	return pool, nil
}

func (s *Server) newRatingSession(w http.ResponseWriter, r *http.Request) {
	var req SessionRequest
	if e := decodeStrict(r.Body, &req, ""); e != nil {
		writeError(w, e)
		return
	}
	req.Rater = strings.TrimSpace(req.Rater)
	if req.Rater == "" || len(req.Rater) > 64 {
		writeError(w, badField("rater", CodeInvalid, "want a name or code of 1 … 64 characters"))
		return
	}
	for i, id := range req.Jobs {
		if !validID(id) {
			writeError(w, badField(fmt.Sprintf("jobs[%d]", i), CodeInvalid, "%q is not a job id", id))
			return
		}
	}
	sid := newID()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))
	shuffle := func(v []planItem) {
		for i := len(v) - 1; i > 0; i-- {
			k := int(rng.Uint64N(uint64(i + 1)))
			v[i], v[k] = v[k], v[i]
		}
	}
	pool, err := s.generatedPool(req.Jobs)
	var ae *APIError
	if errors.As(err, &ae) {
		writeError(w, ae)
		return
	} else if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	var plan []planItem
	switch req.Kind {
	case "hype":
		if s.cfg.Real == nil {
			writeError(w, badField("kind", CodeInvalid, "this server has no real images (start it with the Fashion-MNIST test set) for real-or-generated studies"))
			return
		}
		if len(pool) == 0 {
			writeError(w, badField("jobs", CodeInvalid, "no generated images yet: run sample jobs first"))
			return
		}
		shuffle(pool)
		nReal := s.cfg.Real.Dim(0)
		real := func() planItem {
			k := rng.IntN(nReal)
			return planItem{Item: "real:" + strconv.Itoa(k), Class: s.cfg.RealLabels[k]}
		}
		gi := 0
		gen := func() planItem { g := pool[gi%len(pool)]; gi++; g.A = ""; return g }
		for i := range PracticeTrials {
			it := real()
			if i%2 == 0 {
				it = gen()
			}
			it.Practice = true
			plan = append(plan, it)
		}
		shuffle(plan)
		var scored []planItem
		for i := range ScoredTrials - GoldTrials {
			if i%2 == 0 {
				scored = append(scored, gen())
			} else {
				scored = append(scored, real())
			}
		}
		for k := range GoldTrials {
			scored = append(scored, planItem{Item: "gold:" + strconv.Itoa(k), Generated: true, Gold: true, Class: -1})
		}
		shuffle(scored)
		plan = append(plan, scored...)
	case "pair":
		if len(req.Jobs) != 2 || req.Jobs[0] == req.Jobs[1] {
			writeError(w, badField("jobs", CodeInvalid, "want two different done sample jobs to compare, got %d", len(req.Jobs)))
			return
		}
		var a, b []planItem
		for _, g := range pool {
			if g.A == req.Jobs[0] {
				a = append(a, g)
			} else {
				b = append(b, g)
			}
		}
		for i := range PairTrials {
			x := a[i%len(a)]
			// Prefer an image of the same class from the other job.
			y := b[i%len(b)]
			for _, c := range b {
				if c.Class == x.Class {
					y = c
					if rng.Uint64()%2 == 0 {
						break
					}
				}
			}
			it := planItem{Item: x.Item, Other: y.Item, A: req.Jobs[0], B: req.Jobs[1], Class: x.Class, Generated: true}
			if rng.Uint64()%2 == 0 { // random sides
				it.Item, it.Other, it.A, it.B = it.Other, it.Item, it.B, it.A
			}
			plan = append(plan, it)
		}
	default:
		writeError(w, badField("kind", CodeInvalid, "want hype or pair, got %q", req.Kind))
		return
	}
	b, _ := json.Marshal(plan)
	if _, err := s.store.db.Exec(`INSERT INTO rating_sessions (id, owner, rater, kind, plan, created_ms) VALUES (?,?,?,?,?,?)`,
		sid, session(r), req.Rater, req.Kind, string(b), time.Now().UnixMilli()); err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	s.writeSession(w, r, &ratingSession{ID: sid, Owner: session(r), Rater: req.Rater, Kind: req.Kind, Plan: plan}, http.StatusCreated)
}

func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) *ratingSession {
	sid := r.PathValue("sid")
	if !validID(sid) {
		writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "sid", Message: fmt.Sprintf("sid: no rating session %q", sid)})
		return nil
	}
	rs, err := s.loadSessionByID(sid)
	if errors.Is(err, sql.ErrNoRows) {
		writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "sid", Message: fmt.Sprintf("sid: no rating session %q", sid)})
		return nil
	}
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return nil
	}
	if rs.Owner != session(r) {
		writeError(w, &APIError{Status: 403, Code: CodeForbidden, Field: "X-Session", Message: "X-Session: the rating session belongs to another session"})
		return nil
	}
	return rs
}

// answered returns the positions already answered in session sid.
func (s *Server) answered(rs *ratingSession) (map[int]bool, error) {
	table := map[string]string{"hype": "trials", "pair": "pairs"}[rs.Kind]
	rows, err := s.store.db.Query(`SELECT pos FROM `+table+` WHERE session_id = ?`, rs.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var p int
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		done[p] = true
	}
	return done, rows.Err()
}

func (s *Server) writeSession(w http.ResponseWriter, r *http.Request, rs *ratingSession, status int) {
	done, err := s.answered(rs)
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	type trialView struct {
		Pos      int    `json:"pos"`
		Image    string `json:"image"`
		Other    string `json:"other,omitempty"`
		Practice bool   `json:"practice"`
		Class    string `json:"class,omitempty"`
		Answered bool   `json:"answered"`
	}
	var trials []trialView
	for i, it := range rs.Plan {
		v := trialView{Pos: i, Image: fmt.Sprintf("/api/ratings/sessions/%s/items/%d.png", rs.ID, i), Practice: it.Practice, Answered: done[i]}
		if it.Other != "" {
			v.Other = fmt.Sprintf("/api/ratings/sessions/%s/items/%d-b.png", rs.ID, i)
		}
		if it.Class >= 0 && it.Class < len(s.cfg.Classes) && rs.Kind == "pair" {
			v.Class = s.cfg.Classes[it.Class]
		}
		trials = append(trials, v)
	}
	writeJSON(w, status, map[string]any{"id": rs.ID, "kind": rs.Kind, "rater": rs.Rater, "trials": trials})
}

func (s *Server) getRatingSession(w http.ResponseWriter, r *http.Request) {
	if rs := s.loadSession(w, r); rs != nil {
		s.writeSession(w, r, rs, 200)
	}
}

// ratingItem serves a trial's image: real and generated images alike are
// decoded to pixels and encoded as the same 8-bit PNG without text
// chunks (which would give the answer away); the page upscales every one
// with nearest-neighbour sampling.
func (s *Server) ratingItem(w http.ResponseWriter, r *http.Request) {
	rs := s.loadSession(w, r)
	if rs == nil {
		return
	}
	file := r.PathValue("file")
	posStr, side := strings.TrimSuffix(file, ".png"), ""
	if p, ok := strings.CutSuffix(posStr, "-b"); ok {
		posStr, side = p, "b"
	}
	pos, err := strconv.Atoi(posStr)
	if err != nil || pos < 0 || pos >= len(rs.Plan) || !strings.HasSuffix(file, ".png") {
		writeError(w, &APIError{Status: 404, Code: CodeNotFound, Field: "file", Message: fmt.Sprintf("file: no item %q in this session", file)})
		return
	}
	item := rs.Plan[pos].Item
	if side == "b" {
		item = rs.Plan[pos].Other
	}
	x, err := s.itemPixels(item, rs.ID)
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	img, err := pngout.Grid(x, 1, 0)
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	pngout.Encode(w, img, nil)
}

// itemPixels returns an item as (1, C, H, W) in [−1, 1].
func (s *Server) itemPixels(item, sid string) (*tensor.Tensor, error) {
	kind, ref, _ := strings.Cut(item, ":")
	switch kind {
	case "real":
		k, err := strconv.Atoi(ref)
		if err != nil || k < 0 || k >= s.cfg.Real.Dim(0) {
			return nil, fmt.Errorf("item %q: no such real image", item)
		}
		per := s.cfg.Real.Len() / s.cfg.Real.Dim(0)
		return tensor.FromData(slices.Clone(s.cfg.Real.Data[k*per:(k+1)*per]), append([]int{1}, s.cfg.Real.Shape[1:]...)...), nil
	case "gen":
		job, name, _ := strings.Cut(ref, "/")
		j, err := s.store.Get(job)
		if err != nil {
			return nil, fmt.Errorf("item %q: %w", item, err)
		}
		for _, o := range j.Outputs {
			if o.Name == name {
				b, err := os.ReadFile(filepath.Join(s.outDir(j.ID), o.Name))
				if err != nil {
					return nil, err
				}
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					return nil, fmt.Errorf("item %q: %w", item, err)
				}
				m := s.models[j.Model]
				size, ch := img.Bounds().Dx(), 1
				if m != nil && m.Pipeline != nil {
					ch = m.Pipeline.Model.UNet.InChannels
				}
				x := tensor.New(1, ch, size, size)
				pngout.Pixels(img, size, ch, x.Data)
				return x, nil
			}
		}
		return nil, fmt.Errorf("item %q: no such output", item)
	case "gold":
		// Uniform noise: an attention check any attentive rater calls generated.
		shape := []int{1, 1, 28, 28}
		if s.cfg.Real != nil {
			shape = append([]int{1}, s.cfg.Real.Shape[1:]...)
		}
		x := tensor.New(shape...)
		h := fnv.New64a()
		io.WriteString(h, sid+"/"+ref)
		rng := rand.New(rand.NewPCG(h.Sum64(), 1))
		for i := range x.Data {
			x.Data[i] = float32(rng.Float64()*2 - 1)
		}
		return x, nil
	}
	return nil, fmt.Errorf("item %q: unknown kind", item)
}

// AnswerRequest is the body of POST /api/ratings/sessions/{sid}/answers.
type AnswerRequest struct {
	Pos    int    `json:"pos"`
	Answer string `json:"answer"` // hype: "real" or "generated"; pair: "a" (the first image) or "b"
	Millis int    `json:"millis"` // time from showing the image to the answer
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	rs := s.loadSession(w, r)
	if rs == nil {
		return
	}
	var req AnswerRequest
	if e := decodeStrict(r.Body, &req, ""); e != nil {
		writeError(w, e)
		return
	}
	if e := firstErr(rangeInt("pos", req.Pos, 0, len(rs.Plan)-1), rangeInt("millis", req.Millis, 0, 3600_000)); e != nil {
		writeError(w, e)
		return
	}
	it := rs.Plan[req.Pos]
	now := time.Now().UnixMilli()
	var err error
	switch rs.Kind {
	case "hype":
		if req.Answer != "real" && req.Answer != "generated" {
			writeError(w, badField("answer", CodeInvalid, "want real or generated, got %q", req.Answer))
			return
		}
		_, err = s.store.db.Exec(`INSERT INTO trials (session_id, pos, rater, item, generated, answered_generated, gold, practice, millis, created_ms) VALUES (?,?,?,?,?,?,?,?,?,?)`,
			rs.ID, req.Pos, rs.Rater, it.Item, it.Generated, req.Answer == "generated", it.Gold, it.Practice, req.Millis, now)
	case "pair":
		if req.Answer != "a" && req.Answer != "b" {
			writeError(w, badField("answer", CodeInvalid, "want a (the first image) or b, got %q", req.Answer))
			return
		}
		_, err = s.store.db.Exec(`INSERT INTO pairs (session_id, pos, rater, a, b, prefer_a, millis, created_ms) VALUES (?,?,?,?,?,?,?,?)`,
			rs.ID, req.Pos, rs.Rater, it.A, it.B, req.Answer == "a", req.Millis, now)
	}
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") || strings.Contains(err.Error(), "PRIMARY KEY") {
			writeError(w, &APIError{Status: 409, Code: CodeConflict, Field: "pos", Message: fmt.Sprintf("pos: trial %d is already answered", req.Pos)})
			return
		}
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	resp := map[string]any{"recorded": true}
	if it.Practice { // practice trials say the truth
		resp["truth"] = map[bool]string{true: "generated", false: "real"}[it.Generated]
		resp["correct"] = (req.Answer == "generated") == it.Generated
	}
	writeJSON(w, 200, resp)
}

// Trials returns every stored real-or-generated trial, oldest first.
func (s *Store) Trials() ([]Trial, error) {
	rows, err := s.db.Query(`SELECT session_id, rater, item, generated, answered_generated, gold, practice, millis FROM trials ORDER BY created_ms, session_id, pos`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Trial
	for rows.Next() {
		var t Trial
		if err := rows.Scan(&t.Session, &t.Rater, &t.Item, &t.Generated, &t.AnsweredGenerated, &t.Gold, &t.Practice, &t.Millis); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Pairs returns every stored pairwise preference, oldest first.
func (s *Store) Pairs() ([]Pair, error) {
	rows, err := s.db.Query(`SELECT session_id, rater, a, b, prefer_a, millis FROM pairs ORDER BY created_ms, session_id, pos`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pair
	for rows.Next() {
		var p Pair
		if err := rows.Scan(&p.Session, &p.Rater, &p.A, &p.B, &p.PreferA, &p.Millis); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// WriteTrialsCSV writes trials as CSV with a header row.
func WriteTrialsCSV(w io.Writer, trials []Trial) error {
	c := csv.NewWriter(w)
	c.Write([]string{"session", "rater", "item", "generated", "answered_generated", "gold", "practice", "millis"})
	for _, t := range trials {
		c.Write([]string{t.Session, t.Rater, t.Item, strconv.FormatBool(t.Generated), strconv.FormatBool(t.AnsweredGenerated),
			strconv.FormatBool(t.Gold), strconv.FormatBool(t.Practice), strconv.Itoa(t.Millis)})
	}
	c.Flush()
	return c.Error()
}

// WritePairsCSV writes pairwise preferences as CSV with a header row.
func WritePairsCSV(w io.Writer, pairs []Pair) error {
	c := csv.NewWriter(w)
	c.Write([]string{"session", "rater", "a", "b", "prefer_a", "millis"})
	for _, p := range pairs {
		c.Write([]string{p.Session, p.Rater, p.A, p.B, strconv.FormatBool(p.PreferA), strconv.Itoa(p.Millis)})
	}
	c.Flush()
	return c.Error()
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	what := r.URL.Query().Get("what")
	switch what {
	case "", "trials":
		t, err := s.store.Trials()
		if err != nil {
			writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="trials.csv"`)
		WriteTrialsCSV(w, t)
	case "pairs":
		p, err := s.store.Pairs()
		if err != nil {
			writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="pairs.csv"`)
		WritePairsCSV(w, p)
	default:
		writeError(w, badField("what", CodeInvalid, "want trials or pairs, got %q", what))
	}
}

func (s *Server) results(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.Trials()
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	p, err := s.store.Pairs()
	if err != nil {
		writeError(w, &APIError{Status: 500, Code: CodeInternal, Message: err.Error()})
		return
	}
	res, _, _ := Analyze(t, p)
	writeJSON(w, 200, res)
}

// loadSessionByID reads a rating session with its plan (answers included).
func (s *Server) loadSessionByID(sid string) (*ratingSession, error) {
	var rs ratingSession
	var plan string
	err := s.store.db.QueryRow(`SELECT id, owner, rater, kind, plan FROM rating_sessions WHERE id = ?`, sid).Scan(&rs.ID, &rs.Owner, &rs.Rater, &rs.Kind, &plan)
	if err != nil {
		return nil, err
	}
	return &rs, json.Unmarshal([]byte(plan), &rs.Plan)
}
