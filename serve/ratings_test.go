package serve

import (
	"bytes"
	"encoding/json"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/diffusego/diffusego/data"
)

// TestRatingSession runs a whole real-or-generated session through the
// API: the plan has the protocol's shape, images carry no text chunks,
// every answer is stored as a Trial, practice answers get feedback, and
// the summary keeps an attentive rater and drops a careless one.
func TestRatingSession(t *testing.T) {
	h := newHarness(t, nil)
	h.waitFinal(h.submit(alice, quick(map[string]any{"n": 4, "class": -1})))
	rate := func(sess, rater string, millis int, answer func(gold, generated bool) string) string {
		code, out, _ := h.do("POST", "/api/ratings/sessions", sess, map[string]any{"kind": "hype", "rater": rater})
		if code != 201 {
			t.Fatalf("new session: %d %s", code, out)
		}
		var s struct {
			ID     string
			Trials []struct {
				Pos      int
				Image    string
				Practice bool
			}
		}
		json.Unmarshal(out, &s)
		if len(s.Trials) != PracticeTrials+ScoredTrials {
			t.Fatalf("%d trials, want %d practice + %d scored", len(s.Trials), PracticeTrials, ScoredTrials)
		}
		rs, _ := h.srv.loadSessionByID(s.ID)
		for i, tr := range s.Trials {
			if (i < PracticeTrials) != tr.Practice {
				t.Fatalf("trial %d: practice %v; practice trials come first", i, tr.Practice)
			}
			if i%9 == 0 { // images: 8-bit PNG, no text chunk that would give the answer away
				code, img, _ := h.do("GET", tr.Image, sess, nil)
				if code != 200 || bytes.Contains(img, []byte("tEXt")) || bytes.Contains(img, []byte("zTXt")) {
					t.Fatalf("item %s: %d, or it carries text chunks", tr.Image, code)
				}
				if _, err := png.Decode(bytes.NewReader(img)); err != nil {
					t.Fatal(err)
				}
			}
			it := rs.Plan[i]
			code, out, _ := h.do("POST", "/api/ratings/sessions/"+s.ID+"/answers", sess,
				map[string]any{"pos": i, "answer": answer(it.Gold, it.Generated), "millis": millis})
			if code != 200 {
				t.Fatalf("answer %d: %d %s", i, code, out)
			}
			if tr.Practice != strings.Contains(string(out), "truth") {
				t.Fatalf("answer %d (practice %v): %s; only practice answers get feedback", i, tr.Practice, out)
			}
		}
		return s.ID
	}
	right := func(gold, generated bool) string {
		if generated {
			return "generated"
		}
		return "real"
	}
	good := rate(alice, "careful", 1200, right)
	rate(bob, "hasty", 1200, func(gold, generated bool) string { return "real" }) // misses the gold checks
	// A second answer to the same trial and another session's answers are refused.
	if code, out, _ := h.do("POST", "/api/ratings/sessions/"+good+"/answers", alice, map[string]any{"pos": 7, "answer": "real", "millis": 5}); code != 409 {
		t.Fatalf("answer twice: %d %s", code, out)
	}
	if code, out, _ := h.do("POST", "/api/ratings/sessions/"+good+"/answers", bob, map[string]any{"pos": 7, "answer": "real", "millis": 5}); code != 403 {
		t.Fatalf("answer in another's session: %d %s", code, out)
	}
	trials, err := h.srv.store.Trials()
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 2*(PracticeTrials+ScoredTrials) {
		t.Fatalf("%d trials stored, want %d", len(trials), 2*(PracticeTrials+ScoredTrials))
	}
	res, rep, _ := Analyze(trials, nil)
	if len(rep.Dropped) != 1 || !rep.Dropped[0].FailedGold || !strings.HasPrefix(rep.Dropped[0].Rater, "hasty") {
		t.Fatalf("dropped %+v: want the hasty rater dropped for the gold checks, the careful one kept", rep.Dropped)
	}
	if res.HYPE.ErrorRate.Value != 0 || res.HYPE.Trials != ScoredTrials-GoldTrials || res.HYPE.Raters != 1 || res.HYPE.Resamples == 0 {
		t.Fatalf("results %+v: the careful rater answered all %d scored non-gold trials right", res.HYPE, ScoredTrials-GoldTrials)
	}
	var csv bytes.Buffer
	if err := WriteTrialsCSV(&csv, trials); err != nil || strings.Count(csv.String(), "\n") != len(trials)+1 {
		t.Fatalf("CSV: %v, %d lines", err, strings.Count(csv.String(), "\n"))
	}
}

// TestPairSession: a pairwise session between two jobs stores each answer
// as a Pair of the two jobs, and the Bradley–Terry fit ranks the job the
// rater always preferred first.
func TestPairSession(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Classes = data.FashionMNISTClasses[:] })
	a := h.waitFinal(h.submit(alice, quick(map[string]any{"n": 2, "seed": 1})))
	b := h.waitFinal(h.submit(alice, quick(map[string]any{"n": 2, "seed": 2})))
	for r, rater := range []string{"p1", "p2", "p3"} {
		sess := alice + "-" + rater
		code, out, _ := h.do("POST", "/api/ratings/sessions", sess, map[string]any{"kind": "pair", "rater": rater, "jobs": []string{a.ID, b.ID}})
		if code != 201 {
			t.Fatalf("pair session: %d %s", code, out)
		}
		var s struct {
			ID     string
			Trials []struct{ Image, Other, Class string }
		}
		json.Unmarshal(out, &s)
		if len(s.Trials) != PairTrials || s.Trials[0].Other == "" || s.Trials[0].Class == "" {
			t.Fatalf("pair plan %s", out)
		}
		rs, _ := h.srv.loadSessionByID(s.ID)
		for i, it := range rs.Plan {
			ans := "b"
			if it.A == a.ID {
				ans = "a" // always job a
			}
			if r == 2 && i%4 == 0 {
				ans = map[string]string{"a": "b", "b": "a"}[ans] // a rater who sometimes disagrees
			}
			if code, out, _ := h.do("POST", "/api/ratings/sessions/"+s.ID+"/answers", sess, map[string]any{"pos": i, "answer": ans, "millis": 900}); code != 200 {
				t.Fatalf("answer: %d %s", code, out)
			}
		}
	}
	if code, out, _ := h.do("POST", "/api/ratings/sessions", alice, map[string]any{"kind": "pair", "rater": "x", "jobs": []string{a.ID}}); code != 400 || !strings.Contains(string(out), `"field":"jobs"`) {
		t.Fatalf("a pair session of one job: %d %s", code, out)
	}
	pairs, err := h.srv.store.Pairs()
	if err != nil || len(pairs) != 3*PairTrials {
		t.Fatalf("%d pairs stored (%v)", len(pairs), err)
	}
	res, _, fit := Analyze(nil, pairs)
	if len(fit.Items) != 2 || fit.Items[0].Item != a.ID || res.Pairs.Pairs != 3*PairTrials || !(fit.Items[0].Score > fit.Items[1].Score) {
		t.Fatalf("Bradley–Terry %+v: want job %s first", fit, a.ID)
	}
}

// TestShutdownRequeues: a job still running when the grace ends goes back
// to the queue, and runs at the next start.
func TestShutdownRequeues(t *testing.T) {
	dir := t.TempDir()
	h := startHarness(t, Config{Data: dir, Models: []*Model{fashion(t)}})
	id := h.submit(alice, slow())
	h.stream(id, 0, func(e sse) bool { return e.Type == "progress" })
	if err := h.stop(50 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if j, err := st.Get(id); err != nil || j.State != StateQueued {
		t.Fatalf("after a graceful shutdown the running job is %+v (%v), want queued", j, err)
	}
}
