package perception

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteReportCSV writes rep as CSV, one row per statistic:
//
//	statistic,value,lo,hi,count,n,level,resamples
//	error_rate,0.31,0.27,0.35,310,1000,0.95,2000
//	fool_rate,…
//	real_error_rate,…
//	raters,20,,,,,,
//	trials,1000,,,,,,
//	real,500,,,,,,
//	generated,500,,,,,,
//	dropped,2,,,,,,
//
// count and n are the wrong (fooled) answers and the answers behind a
// rate. Files that matter are written through checkpoint.WriteAtomic.
func WriteReportCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"statistic", "value", "lo", "hi", "count", "n", "level", "resamples"}}
	for _, e := range []struct {
		name string
		e    Estimate
	}{{"error_rate", rep.ErrorRate}, {"fool_rate", rep.FoolRate}, {"real_error_rate", rep.RealErrorRate}} {
		rows = append(rows, []string{e.name, ftoa(e.e.Value), ftoa(e.e.Lo), ftoa(e.e.Hi),
			strconv.Itoa(e.e.Count), strconv.Itoa(e.e.N), ftoa(rep.Level), strconv.Itoa(rep.Resamples)})
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"raters", rep.Raters}, {"trials", rep.Trials}, {"real", rep.Real}, {"generated", rep.Generated}, {"dropped", len(rep.Dropped)}} {
		rows = append(rows, []string{c.name, strconv.Itoa(c.n), "", "", "", "", "", ""})
	}
	return writeAll(cw, rows)
}

// WriteDroppedCSV writes the dropped raters, one row each:
//
//	rater,reason,failed_gold,too_fast,no_scored,gold_errors,gold_trials,median_ms
func WriteDroppedCSV(w io.Writer, dropped []Dropped) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"rater", "reason", "failed_gold", "too_fast", "no_scored", "gold_errors", "gold_trials", "median_ms"}}
	for _, d := range dropped {
		rows = append(rows, []string{d.Rater, d.Reason, strconv.FormatBool(d.FailedGold), strconv.FormatBool(d.TooFast),
			strconv.FormatBool(d.NoScored), strconv.Itoa(d.GoldErrors), strconv.Itoa(d.GoldTrials), ftoa(d.MedianMillis)})
	}
	return writeAll(cw, rows)
}

// WriteStrengthsCSV writes a Bradley–Terry fit, one row per item, best
// first:
//
//	rank,item,score,lo,hi,wins,comparisons,level,resamples,raters,pairs,degenerate
//
// score is the centred log-strength and [lo, hi] its bootstrap interval.
func WriteStrengthsCSV(w io.Writer, s Strengths) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"rank", "item", "score", "lo", "hi", "wins", "comparisons", "level", "resamples", "raters", "pairs", "degenerate"}}
	for i, it := range s.Items {
		rows = append(rows, []string{strconv.Itoa(i + 1), it.Item, ftoa(it.Score), ftoa(it.Lo), ftoa(it.Hi),
			strconv.Itoa(it.Wins), strconv.Itoa(it.Comparisons), ftoa(s.Level), strconv.Itoa(s.Resamples),
			strconv.Itoa(s.Raters), strconv.Itoa(s.Pairs), strconv.Itoa(s.Degenerate)})
	}
	return writeAll(cw, rows)
}

func writeAll(cw *csv.Writer, rows [][]string) error {
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
