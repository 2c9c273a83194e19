package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	tseries "github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
)

// seriesBaseline is a baseline of diffuse series eval that reads the whole
// series, not only the model's window: fill returns samples (S, L, D) of
// the window's rows in the data's units, and Sample normalises them, so
// that series.EvaluateModel scores it on the model's target cells.
type seriesBaseline struct {
	name  string
	point bool // one sample: coverage is n/a
	sc    *tseries.Scaler
	fill  func(w tseries.Window, n int, rng *tensor.RNG) ([][][]float64, error)
}

// Sample returns fill's samples in normalised units.
func (b seriesBaseline) Sample(_ context.Context, w tseries.Window, n int, rng *tensor.RNG) ([][][]float64, error) {
	res, err := b.fill(w, n, rng)
	if err != nil {
		return nil, err
	}
	for k := range res {
		res[k] = b.sc.Transform(res[k])
	}
	return res, nil
}

// seasonalPhase returns the seasonal phase of every row of s, the period
// and the half-width of the seasonal baselines: the day of the year (365,
// ±7 days) for daily or finer data, the calendar month (12, ±0) for
// monthly data; ok is false for numeric times.
func seasonalPhase(s *tseries.Series) (phase []int, period, halfWidth int, name string, ok bool) {
	if s.Times == nil || len(s.Times) < 2 {
		return nil, 0, 0, "", false
	}
	if s.Times[1].Sub(s.Times[0]) >= 28*24*time.Hour {
		return tseries.MonthOfYear(s.Times), 12, 0, "calendar-month", true
	}
	return tseries.DayOfYear(s.Times), 365, 7, "day-of-year", true
}

// windowTargets returns the (T, D) target mask of s that is w's targets at
// w's rows and false elsewhere.
func windowTargets(s *tseries.Series, w tseries.Window) [][]bool {
	target := make([][]bool, s.Len())
	for t := range target {
		target[t] = make([]bool, s.Dim())
		if i := t - w.Start; i >= 0 && i < len(w.Target) {
			copy(target[t], w.Target[i])
		}
	}
	return target
}

// rowsOf returns rows [w.Start, w.Start+L) of each sample (S, T, D).
func rowsOf(samples [][][]float64, w tseries.Window) [][][]float64 {
	out := make([][][]float64, len(samples))
	for k, x := range samples {
		out[k] = x[w.Start : w.Start+len(w.Values)]
	}
	return out
}

// imputationBaselines are the seasonal baselines of the imputation table:
// the seasonal mean and seasonal draws over the whole series (every row
// but the window's targets), as series/internal/mktable runs them.
func imputationBaselines(s *tseries.Series, sc *tseries.Scaler) []seriesBaseline {
	phase, period, hw, kind, ok := seasonalPhase(s)
	if !ok {
		return nil
	}
	obs := s.Observed()
	width := ""
	if hw > 0 {
		width = fmt.Sprintf(", ±%d days", hw)
	}
	mean := tseries.SeasonalMean(phase, period, hw)
	return []seriesBaseline{
		{name: kind + " mean of the whole series" + width, point: true, sc: sc,
			fill: func(w tseries.Window, _ int, _ *tensor.RNG) ([][][]float64, error) {
				res, err := mean(s.Values, obs, windowTargets(s, w))
				if err != nil {
					return nil, err
				}
				return rowsOf([][][]float64{res}, w), nil
			}},
		{name: kind + " draws of the whole series" + width, sc: sc,
			fill: func(w tseries.Window, n int, rng *tensor.RNG) ([][][]float64, error) {
				res, err := tseries.SeasonalDraws(s.Values, obs, windowTargets(s, w), phase, period, hw, n, rng)
				if err != nil {
					return nil, err
				}
				return rowsOf(res, w), nil
			}},
	}
}

// forecastBaselines are the forecasters of the forecast table, each run
// from the history before every window's origin (its last h rows are the
// horizon): seasonal naive for each of periods, the seasonal mean of the
// history, and AR(p) fitted by least squares on the rows before testFrom
// (p by AIC up to maxP), as its mean path and as sampled paths.
func forecastBaselines(s *tseries.Series, sc *tseries.Scaler, testFrom, h int, periods []int, maxP int) ([]seriesBaseline, error) {
	window := func(w tseries.Window, f func(history [][]float64) ([][][]float64, error)) ([][][]float64, error) {
		l := len(w.Values)
		o := w.Start + l - h
		res, err := f(s.Values[:o])
		if err != nil {
			return nil, err
		}
		out := make([][][]float64, len(res))
		for k := range res {
			out[k] = make([][]float64, l)
			for t := range l - h {
				out[k][t] = make([]float64, s.Dim()) // not scored
			}
			copy(out[k][l-h:], res[k])
		}
		return out, nil
	}
	var bs []seriesBaseline
	for _, p := range periods {
		f := tseries.SeasonalNaive(p)
		name := fmt.Sprintf("seasonal naive, period %d", p)
		if p == 1 {
			name = "last value (seasonal naive, period 1)"
		}
		bs = append(bs, seriesBaseline{name: name, point: true, sc: sc,
			fill: func(w tseries.Window, _ int, _ *tensor.RNG) ([][][]float64, error) {
				return window(w, func(hist [][]float64) ([][][]float64, error) {
					res, err := f(hist, h)
					return [][][]float64{res}, err
				})
			}})
	}
	if phase, period, hw, kind, ok := seasonalPhase(s); ok {
		bs = append(bs, seriesBaseline{name: kind + " mean of the history", point: true, sc: sc,
			fill: func(w tseries.Window, _ int, _ *tensor.RNG) ([][][]float64, error) {
				return window(w, func(hist [][]float64) ([][][]float64, error) {
					o := len(hist)
					vals := s.Values[:o+h]
					obs := tseries.ObservedMask(vals)
					target := make([][]bool, o+h)
					for t := range target {
						target[t] = make([]bool, s.Dim())
						for d := range target[t] {
							target[t][d] = t >= o // only rows before the origin are read
						}
					}
					res, err := tseries.SeasonalMean(phase[:o+h], period, hw)(vals, obs, target)
					if err != nil {
						return nil, err
					}
					return [][][]float64{res[o:]}, nil
				})
			}})
	}
	ar, err := tseries.FitAR(s.Values[:testFrom], 1, maxP)
	if err != nil {
		return nil, fmt.Errorf("series eval: %s: AR(p) on the rows before the test period: %w", s.File, err)
	}
	ps := make([]string, len(ar.P))
	for d, p := range ar.P {
		ps[d] = strconv.Itoa(p)
	}
	orders := strings.Join(ps, ", ")
	bs = append(bs,
		seriesBaseline{name: fmt.Sprintf("AR(p), mean path; p = %s by AIC ≤ %d", orders, maxP), point: true, sc: sc,
			fill: func(w tseries.Window, _ int, _ *tensor.RNG) ([][][]float64, error) {
				return window(w, func(hist [][]float64) ([][][]float64, error) {
					res, err := ar.Forecast(hist, h)
					return [][][]float64{res}, err
				})
			}},
		seriesBaseline{name: "AR(p), sampled paths", sc: sc,
			fill: func(w tseries.Window, n int, rng *tensor.RNG) ([][][]float64, error) {
				return window(w, func(hist [][]float64) ([][][]float64, error) { return ar.Sample(hist, h, n, rng) })
			}})
	return bs, nil
}

// parsePeriods reads --periods: comma-separated positive integers.
func parsePeriods(text string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(text, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		p, err := strconv.Atoi(part)
		if err != nil || p < 1 {
			return nil, usagef("series eval: --periods: %q is not a positive whole number", part)
		}
		out = append(out, p)
	}
	return out, nil
}
