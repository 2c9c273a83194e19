// Command mktable measures the time-series baselines of docs/series.md and
// prints their tables as Markdown; with -fan it also writes the fan chart
// of an AR forecast shown there.
//
//	go run ./series/internal/mktable -fan docs/img/series-fan.png
//
// Imputation: Seattle weather, targets in the test year 2015 only, drawn at
// random (10%, 50%, 90% of the observed cells) or in 7-day blocks per column
// (10%, 50%); every method sees all of 2012–2015 except the targets. Each
// setting is averaged over five mask seeds.
//
// Forecasting: from every origin in the test period (weather: each day of
// 2015 that leaves a full horizon; stocks: each month of 2008-01…2010-03
// that does), forecast the next H rows from all rows before the origin. AR
// models are fitted once, on the training rows only (weather 2012–2014,
// stocks 2000–2007).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/tensor"
)

// out receives the tables; tests replace it.
var out io.Writer = os.Stdout

// samples per cell for the probabilistic baselines and mask seeds per
// imputation setting; the test lowers them.
var (
	samples = 100
	seeds   = 5
)

func main() {
	dir := flag.String("data", "series/testdata", "folder with seattle-weather.csv and stocks.csv")
	fan := flag.String("fan", "", "write the fan chart of a 30-day AR forecast of temp_max here (PNG)")
	flag.Parse()
	if err := run(*dir, *fan); err != nil {
		fmt.Fprintln(os.Stderr, "mktable:", err)
		os.Exit(1)
	}
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func run(dir, fan string) error {
	w, err := series.Read(dir+"/seattle-weather.csv", series.Options{})
	if err != nil {
		return err
	}
	st, err := series.Read(dir+"/stocks.csv", series.Options{ID: "symbol"})
	if err != nil {
		return err
	}
	if err := imputation(w); err != nil {
		return err
	}
	if err := windowed(w); err != nil {
		return err
	}
	if err := forecasting(w, st, fan); err != nil {
		return err
	}
	return nil
}

// method is one row of a table: point methods return one sample.
type method struct {
	name  string
	point bool
	run   func(values [][]float64, observed, target [][]bool, rng *tensor.RNG) ([][][]float64, error)
}

func pointMethod(name string, f series.Imputer) method {
	return method{name, true, func(v [][]float64, o, t [][]bool, _ *tensor.RNG) ([][][]float64, error) {
		res, err := f(v, o, t)
		return [][][]float64{res}, err
	}}
}

// stats is the mean and standard deviation over seeds of a score.
type stats struct{ mean, sd float64 }

func summarise(xs []float64) stats {
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return stats{m, math.Sqrt(ss / float64(max(len(xs)-1, 1)))}
}

func imputation(w *series.Series) error {
	lo, hi := w.Index(date(2015, 1, 1)), w.Len()
	obs := w.Observed()
	doy := series.DayOfYear(w.Times)
	methods := []method{
		pointMethod("column mean", series.ColumnMean),
		pointMethod("LOCF (backward fill at the start)", series.LOCF),
		pointMethod("linear interpolation", series.LinearInterp),
		pointMethod("day-of-year mean, ±7 days", series.SeasonalMean(doy, 365, 7)),
		{fmt.Sprintf("day-of-year draws, ±7 days (%d samples)", samples), false, func(v [][]float64, o, t [][]bool, rng *tensor.RNG) ([][][]float64, error) {
			return series.SeasonalDraws(v, o, t, doy, 365, 7, samples, rng)
		}},
	}
	type setting struct {
		name string
		mask func(rng *tensor.RNG) [][]bool
	}
	var settings []setting
	for _, f := range []float64{0.1, 0.5, 0.9} {
		settings = append(settings, setting{fmt.Sprintf("random %.0f%%", 100*f), func(rng *tensor.RNG) [][]bool {
			return series.RandomMask(obs, lo, hi, f, rng)
		}})
	}
	for _, f := range []float64{0.1, 0.5} {
		settings = append(settings, setting{fmt.Sprintf("7-day blocks %.0f%%", 100*f), func(rng *tensor.RNG) [][]bool {
			return series.BlockMask(obs, lo, hi, 7, f, rng)
		}})
	}
	fmt.Fprintf(out, "### Imputation: Seattle weather, test year 2015 (%d days × %d columns)\n\n", hi-lo, w.Dim())
	fmt.Fprintln(out, "| targets | method | CRPS | MAE | RMSE | 90% coverage | 50% coverage |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range settings {
		for _, m := range methods {
			var crps, mae, rmse, c90, c50 []float64
			cells := 0
			for seed := range uint64(seeds) {
				target := s.mask(tensor.NewRNG(100 + seed))
				res, err := m.run(w.Values, obs, target, tensor.NewRNG(200+seed))
				if err != nil {
					return fmt.Errorf("%s, %s: %w", s.name, m.name, err)
				}
				sc, err := series.Evaluate(w.Values, target, res)
				if err != nil {
					return fmt.Errorf("%s, %s: %w", s.name, m.name, err)
				}
				crps, mae, rmse = append(crps, sc.CRPS), append(mae, sc.MAE), append(rmse, sc.RMSE)
				c90, c50 = append(c90, sc.Cover90), append(c50, sc.Cover50)
				cells = sc.N
			}
			cov90, cov50 := "n/a", "n/a"
			if !m.point {
				cov90, cov50 = fmt.Sprintf("%.3f", summarise(c90).mean), fmt.Sprintf("%.3f", summarise(c50).mean)
			}
			c := summarise(crps)
			fmt.Fprintf(out, "| %s (%d cells) | %s | %.4f ± %.4f | %.3f | %.3f | %s | %s |\n", s.name, cells, m.name,
				c.mean, c.sd, summarise(mae).mean, summarise(rmse).mean, cov90, cov50)
		}
	}
	fmt.Fprintln(out)
	return nil
}

// windowed scores the window-only imputers the way a model is scored:
// normalised 36-day windows of 2015 (ten, not overlapping, 1 January to 26
// December), each seen alone, through series.EvaluateModel.
func windowed(w *series.Series) error {
	const length = 36
	lo := w.Index(date(2015, 1, 1))
	hi := lo + (w.Len()-lo)/length*length
	sc, err := series.FitScaler(w.Columns, w.Values[:lo])
	if err != nil {
		return err
	}
	starts, err := series.Windows(lo, hi, length, length)
	if err != nil {
		return err
	}
	obs := w.Observed()
	fmt.Fprintf(out, "### Imputation inside %d-day windows of 2015 (%d windows, each seen alone)\n\n", length, len(starts))
	fmt.Fprintln(out, "| targets | method | CRPS | MAE | RMSE |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: |")
	for _, f := range []float64{0.1, 0.5, 0.9} {
		for _, m := range []struct {
			name string
			f    series.Imputer
		}{{"window mean", series.ColumnMean}, {"LOCF (backward fill at the start)", series.LOCF}, {"linear interpolation", series.LinearInterp}} {
			var crps, mae, rmse []float64
			cells := 0
			for seed := range uint64(seeds) {
				target := series.RandomMask(obs, lo, hi, f, tensor.NewRNG(100+seed))
				ws, err := series.MakeWindows(w, sc, target, starts, length)
				if err != nil {
					return err
				}
				sc, err := series.EvaluateModel(context.Background(), series.PointModel{Imputer: m.f}, w, sc, ws, 1, seed)
				if err != nil {
					return fmt.Errorf("windowed %s: %w", m.name, err)
				}
				crps, mae, rmse = append(crps, sc.CRPS), append(mae, sc.MAE), append(rmse, sc.RMSE)
				cells = sc.N
			}
			c := summarise(crps)
			fmt.Fprintf(out, "| random %.0f%% (%d cells) | %s | %.4f ± %.4f | %.3f | %.3f |\n", 100*f, cells, m.name, c.mean, c.sd, summarise(mae).mean, summarise(rmse).mean)
		}
	}
	fmt.Fprintln(out)
	return nil
}

// forecaster is one row of a forecasting table: it maps the history before
// an origin to samples (S, H, D).
type forecaster struct {
	name  string
	point bool
	run   func(history [][]float64, origin, h int, rng *tensor.RNG) ([][][]float64, error)
}

func pointForecaster(name string, f series.Forecaster) forecaster {
	return forecaster{name, true, func(hist [][]float64, _, h int, _ *tensor.RNG) ([][][]float64, error) {
		res, err := f(hist, h)
		return [][][]float64{res}, err
	}}
}

// arForecasters fits AR(p) on train (p by AIC in [1, maxP]) and returns its
// mean path and its sampled paths.
func arForecasters(train [][]float64, maxP int) ([]forecaster, *series.AR, error) {
	ar, err := series.FitAR(train, 1, maxP)
	if err != nil {
		return nil, nil, err
	}
	ps := make([]string, len(ar.P))
	for d, p := range ar.P {
		ps[d] = fmt.Sprint(p)
	}
	orders := strings.Join(ps, ", ")
	return []forecaster{
		pointForecaster(fmt.Sprintf("AR(p), mean path; p = %s by AIC ≤ %d", orders, maxP), ar.Forecast),
		{fmt.Sprintf("AR(p), %d sampled paths", samples), false, func(hist [][]float64, _, h int, rng *tensor.RNG) ([][][]float64, error) {
			return ar.Sample(hist, h, samples, rng)
		}},
	}, ar, nil
}

// climatologyForecaster forecasts with the seasonal mean of the history:
// the future rows are imputed as targets from the rows before the origin.
func climatologyForecaster(name string, s *series.Series, phase []int, period, halfWidth int) forecaster {
	return forecaster{name, true, func(_ [][]float64, o, h int, _ *tensor.RNG) ([][][]float64, error) {
		vals := s.Values[:o+h]
		obs := series.ObservedMask(vals)
		target := make([][]bool, o+h)
		for t := range target {
			target[t] = make([]bool, s.Dim())
			if t >= o {
				for d := range target[t] {
					target[t][d] = true // hidden: only rows before o are read
				}
			}
		}
		res, err := series.SeasonalMean(phase[:o+h], period, halfWidth)(vals, obs, target)
		if err != nil {
			return nil, err
		}
		return [][][]float64{res[o:]}, nil
	}}
}

// backtest scores fs from every origin in [lo, hi−h] of s.
func backtest(title string, s *series.Series, lo, hi int, hs []int, fs []forecaster) error {
	fmt.Fprintf(out, "### %s\n\n", title)
	fmt.Fprintln(out, "| horizon | method | CRPS | MAE | RMSE | 90% coverage |")
	fmt.Fprintln(out, "| --- | --- | ---: | ---: | ---: | ---: |")
	for _, h := range hs {
		for _, f := range fs {
			var acc series.Accumulator
			origins := 0
			for o := lo; o+h <= hi; o++ {
				truth := s.Values[o : o+h]
				target := series.ObservedMask(truth)
				if series.Count(target) == 0 {
					continue
				}
				res, err := f.run(s.Values[:o], o, h, tensor.NewRNG(uint64(1000+o)))
				if err != nil {
					return fmt.Errorf("%s, %s, origin %d: %w", title, f.name, o, err)
				}
				if err := acc.Add(truth, target, res); err != nil {
					return fmt.Errorf("%s, %s, origin %d: %w", title, f.name, o, err)
				}
				origins++
			}
			sc, err := acc.Scores()
			if err != nil {
				return fmt.Errorf("%s, %s: %w", title, f.name, err)
			}
			cov := "n/a"
			if !f.point {
				cov = fmt.Sprintf("%.3f", sc.Cover90)
			}
			fmt.Fprintf(out, "| %d (%d origins, %d cells) | %s | %.4f | %.3f | %.3f | %s |\n", h, origins, sc.N, f.name, sc.CRPS, sc.MAE, sc.RMSE, cov)
		}
	}
	fmt.Fprintln(out)
	return nil
}

func forecasting(w, st *series.Series, fan string) error {
	// Weather: train 2012–2014, test 2015.
	cut := w.Index(date(2015, 1, 1))
	fs, ar, err := arForecasters(w.Values[:cut], 14)
	if err != nil {
		return err
	}
	doy := series.DayOfYear(w.Times)
	wf := append([]forecaster{
		pointForecaster("seasonal naive, period 7 days", series.SeasonalNaive(7)),
		pointForecaster("seasonal naive, period 365 days", series.SeasonalNaive(365)),
		pointForecaster("last value (period 1)", series.SeasonalNaive(1)),
		climatologyForecaster("day-of-year mean of the history, ±7 days", w, doy, 365, 7),
	}, fs...)
	if err := backtest("Forecasting: Seattle weather, origins in 2015", w, cut, w.Len(), []int{7, 30}, wf); err != nil {
		return err
	}
	// Stocks: train 2000–2007, test 2008-01 … 2010-03.
	sc := st.Index(date(2008, 1, 1))
	sfs, _, err := arForecasters(st.Values[:sc], 6)
	if err != nil {
		return err
	}
	moy := series.MonthOfYear(st.Times)
	sf := append([]forecaster{
		pointForecaster("seasonal naive, period 12 months", series.SeasonalNaive(12)),
		pointForecaster("last value (period 1)", series.SeasonalNaive(1)),
		climatologyForecaster("calendar-month mean of the history", st, moy, 12, 0),
	}, sfs...)
	if err := backtest("Forecasting: stocks (monthly, 5 tickers), origins 2008-01 … 2009-10", st, sc, st.Len(), []int{6}, sf); err != nil {
		return err
	}
	if fan == "" {
		return nil
	}
	return fanChart(w, ar, fan)
}

// fanChart draws the 30-day AR forecast of temp_max from 1 June 2015 with
// the 60 days before it.
func fanChart(w *series.Series, ar *series.AR, path string) error {
	const h, before = 30, 60
	o := w.Index(date(2015, 6, 1))
	d := 1 // temp_max
	paths, err := ar.Sample(w.Values[:o], h, samples, tensor.NewRNG(7))
	if err != nil {
		return err
	}
	f := series.Fan{}
	for t := o - before; t < o+h; t++ {
		f.X = append(f.X, float64(t-o))
		f.Truth = append(f.Truth, w.Values[t][d])
		f.Known = append(f.Known, t < o)
	}
	f.Samples = make([][]float64, len(paths))
	for k, p := range paths {
		f.Samples[k] = make([]float64, len(f.X))
		for i := range f.X {
			f.Samples[k][i] = math.NaN()
			if i >= before {
				f.Samples[k][i] = p[i-before][d]
			}
		}
	}
	img, err := series.FanChart(f, series.FanOptions{
		Title:  fmt.Sprintf("Seattle temp_max: AR(%d) forecast from 2015-06-01, %d sampled paths", ar.P[d], samples),
		XLabel: "days from the forecast origin", YLabel: "°C", Width: 800, Height: 360})
	if err != nil {
		return err
	}
	return pngout.WriteFile(path, img, map[string]string{
		"command": "go run ./series/internal/mktable -fan " + path, "model": fmt.Sprintf("AR(%d) fitted on 2012-2014", ar.P[d]), "seed": "7"})
}
