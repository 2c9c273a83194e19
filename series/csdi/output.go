package csdi

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/diffusego/diffusego/series"
)

// TimeLabels formats each row's time: dates as YYYY-MM-DD (RFC 3339 when
// they have a time of day), numbers as they are.
func TimeLabels(dates []time.Time, steps []float64) []string {
	var out []string
	for _, d := range dates {
		if d.Equal(d.Truncate(24 * time.Hour)) {
			out = append(out, d.Format(time.DateOnly))
		} else {
			out = append(out, d.Format(time.RFC3339))
		}
	}
	if dates == nil {
		for _, s := range steps {
			out = append(out, strconv.FormatFloat(s, 'g', -1, 64))
		}
	}
	return out
}

// WriteQuantileCSV writes a CSV row per time of samples (S, T, K): the
// time label, the median of each column, then a column NAME_qQ per
// quantile in qs (`diffuse series impute` and `forecast`'s files).
func WriteQuantileCSV(w io.Writer, timeName string, columns, times []string, samples [][][]float64, qs []float64) error {
	med := Quantile(samples, 0.5)
	quant := make([][][]float64, len(qs))
	header := append([]string{timeName}, columns...)
	for i, q := range qs {
		quant[i] = Quantile(samples, q)
		for _, c := range columns {
			header = append(header, c+"_q"+strconv.FormatFloat(q, 'g', -1, 64))
		}
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for t := range med {
		rec := []string{times[t]}
		for _, v := range med[t] {
			rec = append(rec, strconv.FormatFloat(v, 'g', 6, 64))
		}
		for i := range qs {
			for _, v := range quant[i][t] {
				rec = append(rec, strconv.FormatFloat(v, 'g', 6, 64))
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// ImputeFan is the fan chart of column d of Impute's samples (S, T, K) of
// s: the observed values as the truth (known rows as dots) and bands over
// the rows where the column is missing. X counts rows from 0.
func ImputeFan(s *series.Series, samples [][][]float64, d int) series.Fan {
	f := series.Fan{Samples: make([][]float64, len(samples))}
	for t, row := range s.Values {
		f.X = append(f.X, float64(t))
		f.Truth = append(f.Truth, row[d])
		f.Known = append(f.Known, !math.IsNaN(row[d]))
	}
	for k := range samples {
		for t := range s.Values {
			v := samples[k][t][d]
			if f.Known[t] {
				v = math.NaN() // a conditioning row: no band
			}
			f.Samples[k] = append(f.Samples[k], v)
		}
	}
	return f
}

// ForecastFan is the fan chart of column d of Forecast's samples (S, h, K)
// after s: the last history rows (at most 3h) as the truth, then bands over
// the h future rows. X counts rows from the first row drawn.
func ForecastFan(s *series.Series, samples [][][]float64, d int) series.Fan {
	h := len(samples[0])
	hist := min(s.Len(), 3*h)
	f := series.Fan{Samples: make([][]float64, len(samples))}
	for t := range hist + h {
		f.X = append(f.X, float64(t))
		if t < hist {
			v := s.Values[s.Len()-hist+t][d]
			f.Truth = append(f.Truth, v)
			f.Known = append(f.Known, !math.IsNaN(v))
		} else {
			f.Truth = append(f.Truth, math.NaN())
			f.Known = append(f.Known, false)
		}
	}
	for k := range samples {
		for t := range hist + h {
			v := math.NaN()
			if t >= hist {
				v = samples[k][t-hist][d]
			}
			f.Samples[k] = append(f.Samples[k], v)
		}
	}
	return f
}
