package serve

import (
	"errors"

	"github.com/diffusego/diffusego/metrics/perception"
)

// raterID names a rating session's rater for the statistics: one session
// is one rater's study, so two people who typed the same name stay apart.
func raterID(name, session string) string { return name + " #" + session[:min(6, len(session))] }

// PerceptionTrials converts stored trials to the statistics' shape.
func PerceptionTrials(ts []Trial) []perception.Trial {
	out := make([]perception.Trial, len(ts))
	for i, t := range ts {
		out[i] = perception.Trial{Rater: raterID(t.Rater, t.Session), Item: t.Item, Generated: t.Generated,
			AnsweredGenerated: t.AnsweredGenerated, Gold: t.Gold, Practice: t.Practice, Millis: t.Millis}
	}
	return out
}

// PerceptionPairs converts stored preferences to the statistics' shape.
func PerceptionPairs(ps []Pair) []perception.Pair {
	out := make([]perception.Pair, len(ps))
	for i, p := range ps {
		out[i] = perception.Pair{Rater: raterID(p.Rater, p.Session), A: p.A, B: p.B, PreferA: p.PreferA}
	}
	return out
}

// EstimateView is a rate with its bootstrap interval.
type EstimateView struct {
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Count int     `json:"count"`
	N     int     `json:"n"`
}

func estimate(e perception.Estimate) EstimateView {
	return EstimateView{Value: e.Value, Lo: e.Lo, Hi: e.Hi, Count: e.Count, N: e.N}
}

// Results is what the results page and `diffuse ratings export` show:
// the real-or-generated report (HYPE∞ error rate, fool rate, bootstrap
// intervals over raters then trials, counts, dropped raters with reasons)
// and the Bradley–Terry fit of the pairwise preferences.
type Results struct {
	HYPE struct {
		ErrorRate     EstimateView        `json:"error_rate"`
		FoolRate      EstimateView        `json:"fool_rate"`
		RealErrorRate EstimateView        `json:"real_error_rate"`
		Raters        int                 `json:"raters"`
		Trials        int                 `json:"trials"`
		Real          int                 `json:"real"`
		Generated     int                 `json:"generated"`
		Level         float64             `json:"level"`
		Resamples     int                 `json:"resamples"`
		Dropped       []map[string]string `json:"dropped"`
		Note          string              `json:"note,omitempty"` // why there are no rates yet
	} `json:"hype"`
	Pairs struct {
		Items []struct {
			Item        string  `json:"item"`
			Score       float64 `json:"score"`
			Lo          float64 `json:"lo"`
			Hi          float64 `json:"hi"`
			Wins        int     `json:"wins"`
			Comparisons int     `json:"comparisons"`
		} `json:"items"`
		Raters int    `json:"raters"`
		Pairs  int    `json:"pairs"`
		Note   string `json:"note,omitempty"`
	} `json:"pairs"`
}

// Analyze runs the perception statistics (perception.DefaultOptions) on
// the stored trials and pairs.
func Analyze(ts []Trial, ps []Pair) (Results, perception.Report, perception.Strengths) {
	var r Results
	r.HYPE.Dropped = []map[string]string{}
	opts := perception.DefaultOptions()
	var rep perception.Report
	var err error
	if len(ts) == 0 {
		r.HYPE.Note = "no real-or-generated ratings yet"
	} else if rep, err = perception.Summarize(PerceptionTrials(ts), opts); err != nil && !errors.Is(err, perception.ErrTooFew) {
		r.HYPE.Note = err.Error()
	} else {
		if err != nil {
			r.HYPE.Note = "too few scored trials of kept raters for a rate"
		}
		r.HYPE.ErrorRate, r.HYPE.FoolRate, r.HYPE.RealErrorRate = estimate(rep.ErrorRate), estimate(rep.FoolRate), estimate(rep.RealErrorRate)
		r.HYPE.Raters, r.HYPE.Trials, r.HYPE.Real, r.HYPE.Generated = rep.Raters, rep.Trials, rep.Real, rep.Generated
		r.HYPE.Level, r.HYPE.Resamples = rep.Level, rep.Resamples
		for _, d := range rep.Dropped {
			r.HYPE.Dropped = append(r.HYPE.Dropped, map[string]string{"rater": d.Rater, "reason": d.Reason})
		}
	}
	var st perception.Strengths
	if len(ps) == 0 {
		r.Pairs.Note = "no pairwise ratings yet"
	} else if st, err = perception.BradleyTerry(PerceptionPairs(ps), opts); err != nil {
		r.Pairs.Note = err.Error()
	} else {
		r.Pairs.Raters, r.Pairs.Pairs = st.Raters, st.Pairs
		for _, it := range st.Items {
			r.Pairs.Items = append(r.Pairs.Items, struct {
				Item        string  `json:"item"`
				Score       float64 `json:"score"`
				Lo          float64 `json:"lo"`
				Hi          float64 `json:"hi"`
				Wins        int     `json:"wins"`
				Comparisons int     `json:"comparisons"`
			}{it.Item, it.Score, it.Lo, it.Hi, it.Wins, it.Comparisons})
		}
	}
	return r, rep, st
}
