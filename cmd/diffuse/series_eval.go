package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/diffusego/diffusego/internal/pngout"
	tseries "github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/series/csdi"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// seriesEvalFlags are the settings of diffuse series eval.
type seriesEvalFlags struct {
	sample                 seriesSampleFlags
	read                   seriesReadFlags
	data, testFrom, mask   string
	testTo                 string
	fan, column, periods   string
	frac                   float64
	block, horizon, stride int
	arMax                  int
	maskSeed               uint64
}

func newSeriesEvalCmd() *cobra.Command {
	var f seriesEvalFlags
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score a model's imputations or forecasts on the test rows (CRPS, MAE, coverage)",
		Long: `eval hides cells of the test rows (from --test-from on) and scores the model's
samples of them with CSDI's CRPS, the MAE and RMSE of the median and the
coverage of the 50% and 90% intervals, in the data's units, beside
baselines on the same cells. For imputation: the window-only point
imputers (window mean, last observation carried forward, linear
interpolation) and, for dated series, the seasonal mean and seasonal draws
of the whole series but the targets (day of year ±7 days, or calendar month
for monthly data). For forecasts: seasonal naive for each of --periods, the
seasonal mean of the history, and AR(p) fitted on the rows before
--test-from (mean path and sampled paths), each from all rows before the
origin.

--mask random hides --frac of the observed cells at random and --mask block
hides runs of --block rows per column until --frac is covered, both in
non-overlapping windows of the model's length; --mask forecast hides the
last --horizon rows of a window ending every --stride rows (default: the
horizon), with the rows before them as history.`,
		Example: `  diffuse series eval --model runs/weather --data seattle-weather.csv --test-from 2015-01-01 --mask random --frac 0.5
  diffuse series eval --model runs/weather --data seattle-weather.csv --test-from 2015-01-01 --mask forecast --horizon 7 --fan fan.png`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.data == "" || f.testFrom == "" {
				return usagef("series eval: --data and --test-from are required")
			}
			m, _, err := f.sample.load("eval")
			if err != nil {
				return err
			}
			return runSeriesEval(cmd.Context(), m, f, cmd.OutOrStdout())
		},
	}
	f.sample.add(cmd, 100)
	f.read.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "series file (CSV or JSON)")
	fl.StringVar(&f.testFrom, "test-from", "", "first date of the test rows (YYYY-MM-DD)")
	fl.StringVar(&f.testTo, "test-to", "", "first date after the test rows (YYYY-MM-DD): the rows from it on are dropped, for scoring on a validation period (default: to the end)")
	fl.StringVar(&f.mask, "mask", "random", "what to hide: random, block or forecast")
	fl.Float64Var(&f.frac, "frac", 0.1, "share of the observed test cells hidden (random, block)")
	fl.IntVar(&f.block, "block", 7, "rows per hidden block (block)")
	fl.IntVar(&f.horizon, "horizon", 7, "rows forecast (forecast)")
	fl.IntVar(&f.stride, "stride", 0, "rows between forecast origins (0 = the horizon)")
	fl.Uint64Var(&f.maskSeed, "mask-seed", 100, "random seed of the hidden cells")
	fl.StringVar(&f.fan, "fan", "", "write a fan chart of the first window to this PNG")
	fl.StringVar(&f.column, "column", "", "column of the fan chart (default: the first)")
	fl.StringVar(&f.periods, "periods", "7,365", "periods of the seasonal-naive baselines (forecast), comma-separated rows")
	fl.IntVar(&f.arMax, "ar-max", 14, "highest order of the AR(p) baseline (forecast), chosen by AIC on the rows before --test-from")
	return cmd
}

// runSeriesEval scores m as f says.
func runSeriesEval(ctx context.Context, m *csdi.Model, f seriesEvalFlags, log io.Writer) error {
	s, err := f.read.read(f.data)
	if err != nil {
		return err
	}
	at, err := time.Parse(time.DateOnly, f.testFrom)
	if err != nil {
		return usagef("series eval: --test-from %q: want a date YYYY-MM-DD", f.testFrom)
	}
	if s.Times == nil {
		return fmt.Errorf("series eval: %s: the time column %q holds numbers, not dates", f.data, s.TimeName)
	}
	if f.testTo != "" {
		to, err := time.Parse(time.DateOnly, f.testTo)
		if err != nil {
			return usagef("series eval: --test-to %q: want a date YYYY-MM-DD", f.testTo)
		}
		if !to.After(at) {
			return usagef("series eval: --test-to %s: want a date after --test-from %s", f.testTo, f.testFrom)
		}
		s = s.Slice(0, s.Index(to)) // nothing from --test-to on is read, not even by the baselines
	}
	l := m.Config.Window
	lo, hi := s.Index(at), s.Len()
	obs := s.Observed()
	var windows []tseries.Window
	methods := []struct {
		name  string
		m     tseries.Model
		point bool
	}{{"window mean", tseries.PointModel{Imputer: tseries.ColumnMean}, true},
		{"LOCF (backward fill at the start)", tseries.PointModel{Imputer: tseries.LOCF}, true},
		{"linear interpolation", tseries.PointModel{Imputer: tseries.LinearInterp}, true}}
	var baselines []seriesBaseline
	switch f.mask {
	case "random", "block":
		if !(f.frac > 0 && f.frac <= 1) {
			return usagef("series eval: --frac %g: want a share in (0, 1]", f.frac)
		}
		starts, err := tseries.Windows(lo, hi, l, l)
		if err != nil {
			return err
		}
		if len(starts) == 0 {
			return fmt.Errorf("series eval: %s: %d test rows from %s, shorter than one window of the model (%d rows)", f.data, hi-lo, f.testFrom, l)
		}
		end := starts[len(starts)-1] + l
		rng := tensor.NewRNG(f.maskSeed)
		target := tseries.RandomMask(obs, lo, end, f.frac, rng)
		if f.mask == "block" {
			target = tseries.BlockMask(obs, lo, end, f.block, f.frac, rng)
		}
		if windows, err = tseries.MakeWindows(s, m.Scaler, target, starts, l); err != nil {
			return err
		}
		baselines = imputationBaselines(s, m.Scaler)
	case "forecast":
		periods, err := parsePeriods(f.periods)
		if err != nil {
			return err
		}
		if f.arMax < 1 {
			return usagef("series eval: --ar-max %d: want ≥ 1", f.arMax)
		}
		if windows, err = forecastWindows(s, m, lo, f.horizon, f.stride); err != nil {
			return err
		}
		if baselines, err = forecastBaselines(s, m.Scaler, lo, f.horizon, periods, f.arMax); err != nil {
			return err
		}
		methods = methods[:0] // the window imputers have no future to interpolate to
	default:
		return usagef("series eval: --mask %q: want random, block or forecast", f.mask)
	}
	model := []struct {
		name  string
		m     tseries.Model
		point bool
	}{{"diffusego (CSDI)", m, false}}
	if m.Spread != 1 {
		model[0].name = fmt.Sprintf("diffusego (CSDI), spread %g", m.Spread)
	}
	if spreads := f.sample.spreads; len(spreads) > 1 {
		model = model[:0]
		raw := &sampleCache{m: m, byStart: map[int][][][]float64{}}
		for _, tau := range spreads {
			model = append(model, struct {
				name  string
				m     tseries.Model
				point bool
			}{fmt.Sprintf("diffusego (CSDI), spread %g", tau), spreadModel{raw, tau}, false})
		}
	}
	methods = append(model, methods...)
	for _, b := range baselines {
		methods = append(methods, struct {
			name  string
			m     tseries.Model
			point bool
		}{b.name, b, b.point})
	}
	fmt.Fprintf(log, "series eval: %s, %s from %s: %d windows of %d rows; %d samples, seed %d\n\n", f.data, f.mask, f.testFrom, len(windows), l, f.sample.n, f.sample.seed)
	fmt.Fprintln(log, "| method | cells | CRPS | MAE | RMSE | 50% coverage | 90% coverage |")
	fmt.Fprintln(log, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, me := range methods {
		n := f.sample.n
		if me.point {
			n = 1
		}
		sc, err := tseries.EvaluateModel(ctx, me.m, s, m.Scaler, windows, n, f.sample.seed)
		if err != nil {
			return fmt.Errorf("series eval: %s: %w", me.name, err)
		}
		c50, c90 := "n/a", "n/a"
		if !me.point {
			c50, c90 = fmt.Sprintf("%.3f", sc.Cover50), fmt.Sprintf("%.3f", sc.Cover90)
		}
		fmt.Fprintf(log, "| %s | %d | %.4f | %.3f | %.3f | %s | %s |\n", me.name, sc.N, sc.CRPS, sc.MAE, sc.RMSE, c50, c90)
	}
	if f.fan == "" {
		return nil
	}
	return evalFan(ctx, m, s, windows[0], f)
}

// sampleCache samples a model once per window (by its first row) with no
// spread, so that several spreads are scored on the same samples.
type sampleCache struct {
	m       *csdi.Model
	byStart map[int][][][]float64
}

// spreadModel is the cached samples of a window with ScaleSpread(tau).
type spreadModel struct {
	c   *sampleCache
	tau float64
}

// Sample returns a copy of the window's cached samples, drawing them on the
// first call, widened by the spread.
func (s spreadModel) Sample(ctx context.Context, w tseries.Window, n int, rng *tensor.RNG) ([][][]float64, error) {
	raw, ok := s.c.byStart[w.Start]
	if !ok || len(raw) != n {
		m := *s.c.m
		m.Spread = 1
		var err error
		if raw, err = m.Sample(ctx, w, n, rng); err != nil {
			return nil, err
		}
		s.c.byStart[w.Start] = raw
	}
	out := make([][][]float64, len(raw))
	for k := range raw {
		out[k] = tseries.CloneValues(raw[k])
	}
	keep := w.Cond()
	if s.c.m.Config.Unconditional {
		keep = make([][]bool, len(keep))
		for t := range keep {
			keep[t] = make([]bool, len(w.Values[t]))
		}
	}
	csdi.ScaleSpread(out, keep, s.tau)
	return out, nil
}

// forecastWindows returns, for every origin o = lo, lo+stride, … that leaves
// a full horizon and a full history, the model's window of rows
// [o−(L−h), o+h) with the observed cells of its last h rows as targets.
func forecastWindows(s *tseries.Series, m *csdi.Model, lo, h, stride int) ([]tseries.Window, error) {
	l := m.Config.Window
	if h < 1 || h >= l {
		return nil, usagef("series eval: --horizon %d: want between 1 and %d (the model's window is %d rows and must keep one row of history)", h, l-1, l)
	}
	if stride <= 0 {
		stride = h
	}
	if stride < h {
		return nil, usagef("series eval: --stride %d: want at least the horizon %d, so that no cell is scored twice", stride, h)
	}
	obs := s.Observed()
	var out []tseries.Window
	for o := max(lo, l-h); o+h <= s.Len(); o += stride {
		target := make([][]bool, s.Len())
		for t := range target {
			target[t] = make([]bool, s.Dim())
			if t >= o && t < o+h {
				copy(target[t], obs[t])
			}
		}
		w, err := tseries.MakeWindows(s, m.Scaler, target, []int{o - (l - h)}, l)
		if err != nil {
			return nil, err
		}
		out = append(out, w...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("series eval: %s: no forecast origin from the test rows leaves %d rows of history and a horizon of %d", s.File, l-h, h)
	}
	return out, nil
}

// evalFan draws the model's samples of one column of window w.
func evalFan(ctx context.Context, m *csdi.Model, s *tseries.Series, w tseries.Window, f seriesEvalFlags) error {
	d := 0
	if f.column != "" {
		d = -1
		for i, c := range s.Columns {
			if c == f.column {
				d = i
			}
		}
		if d < 0 {
			return usagef("series eval: --column %q: want one of %q", f.column, s.Columns)
		}
	}
	samples, err := m.Sample(ctx, w, f.sample.n, tensor.NewRNG(f.sample.seed))
	if err != nil {
		return err
	}
	cond := w.Cond()
	fan := tseries.Fan{Samples: make([][]float64, len(samples))}
	for t := range w.Values {
		fan.X = append(fan.X, float64(t))
		fan.Truth = append(fan.Truth, s.Values[w.Start+t][d])
		fan.Known = append(fan.Known, cond[t][d])
	}
	for k := range samples {
		x := m.Scaler.Inverse(samples[k])
		for t := range x {
			v := x[t][d]
			if cond[t][d] {
				v = math.NaN()
			}
			fan.Samples[k] = append(fan.Samples[k], v)
		}
	}
	title := fmt.Sprintf("%s: %s from row %d, %d samples", s.Columns[d], f.mask, w.Start, len(samples))
	img, err := tseries.FanChart(fan, tseries.FanOptions{Title: title, XLabel: "row in the window", YLabel: s.Columns[d]})
	if err != nil {
		return err
	}
	return pngout.WriteFile(f.fan, img, map[string]string{"model": f.sample.model, "seed": fmt.Sprint(f.sample.seed)})
}
