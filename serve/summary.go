package serve

import (
	"slices"
)

// RaterSummary says how one rating session went and whether it counts.
type RaterSummary struct {
	Session      string `json:"session"`
	Rater        string `json:"rater"`
	Scored       int    `json:"scored"`
	GoldMissed   int    `json:"gold_missed"`
	MedianMillis int    `json:"median_millis"`
	Dropped      string `json:"dropped,omitempty"` // why the session does not count; empty when it does
}

// Summary is what the results page shows: per-session drop decisions
// and the pooled rates of the sessions kept.
//
// ErrorRate is the fraction of scored, non-gold trials answered wrongly
// (HYPE∞'s score: 50% means real and generated cannot be told apart);
// FoolRate is the fraction of generated images answered "real".
type Summary struct {
	Sessions  []RaterSummary `json:"sessions"`
	Trials    int            `json:"trials"` // scored, non-gold trials of kept sessions
	Generated int            `json:"generated"`
	Real      int            `json:"real"`
	ErrorRate float64        `json:"error_rate"`
	FoolRate  float64        `json:"fool_rate"`
	Pairs     int            `json:"pairs"`
	// Wins counts, per system (job id), the pairwise trials it won and
	// took part in.
	Wins map[string][2]int `json:"wins"`
}

// Summarize applies the drop rules (a missed gold check, or a median
// answer under MinMillis) and pools the kept sessions' scored trials.
func Summarize(trials []Trial, pairs []Pair) Summary {
	var out Summary
	by := map[string][]Trial{}
	var order []string
	for _, t := range trials {
		if _, ok := by[t.Session]; !ok {
			order = append(order, t.Session)
		}
		by[t.Session] = append(by[t.Session], t)
	}
	wrong, fooled := 0, 0
	for _, sid := range order {
		ts := by[sid]
		rs := RaterSummary{Session: sid, Rater: ts[0].Rater}
		var ms []int
		for _, t := range ts {
			if t.Practice {
				continue
			}
			rs.Scored++
			ms = append(ms, t.Millis)
			if t.Gold && !t.AnsweredGenerated {
				rs.GoldMissed++
			}
		}
		if len(ms) > 0 {
			slices.Sort(ms)
			rs.MedianMillis = ms[len(ms)/2]
		}
		switch {
		case rs.Scored == 0:
			rs.Dropped = "no scored trials"
		case rs.GoldMissed > 0:
			rs.Dropped = "missed an attention check"
		case rs.MedianMillis < MinMillis:
			rs.Dropped = "answered too fast"
		}
		out.Sessions = append(out.Sessions, rs)
		if rs.Dropped != "" {
			continue
		}
		for _, t := range ts {
			if t.Practice || t.Gold {
				continue
			}
			out.Trials++
			if t.AnsweredGenerated != t.Generated {
				wrong++
			}
			if t.Generated {
				out.Generated++
				if !t.AnsweredGenerated {
					fooled++
				}
			} else {
				out.Real++
			}
		}
	}
	if out.Trials > 0 {
		out.ErrorRate = float64(wrong) / float64(out.Trials)
	}
	if out.Generated > 0 {
		out.FoolRate = float64(fooled) / float64(out.Generated)
	}
	out.Wins = map[string][2]int{}
	for _, p := range pairs {
		out.Pairs++
		win, lose := p.A, p.B
		if !p.PreferA {
			win, lose = lose, win
		}
		w := out.Wins[win]
		w[0]++
		w[1]++
		out.Wins[win] = w
		l := out.Wins[lose]
		l[1]++
		out.Wins[lose] = l
	}
	return out
}
