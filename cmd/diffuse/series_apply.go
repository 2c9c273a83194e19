package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	tseries "github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/series/csdi"
	"github.com/spf13/cobra"
)

// seriesSampleFlags are the sampling settings shared by impute, forecast,
// sample and eval.
type seriesSampleFlags struct {
	model     string
	n, steps  int
	seed      uint64
	quantiles string
	variance  string
	spread    string
	spreads   []float64 // parsed from spread by load
}

func (f *seriesSampleFlags) add(cmd *cobra.Command, n int) {
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "checkpoint file, or a run folder (its newest checkpoint)")
	fl.IntVar(&f.n, "n", n, "samples per cell")
	fl.IntVar(&f.steps, "steps", 0, "denoising steps, evenly spaced over the training steps (0 = all)")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed of the samples")
	fl.StringVar(&f.variance, "variance", "small", "noise variance of each denoising step: small (the posterior's, as CSDI) or large (β, wider samples)")
	fl.StringVar(&f.spread, "spread", "1", "scale each sampled cell's distance from its median by this factor (a calibration chosen on validation data; 1 = off); eval takes a comma-separated list and scores each")
	fl.StringVar(&f.quantiles, "quantiles", "0.05,0.25,0.75,0.95", "quantiles to write beside the median, comma-separated in (0, 1)")
}

// load reads the model (EMA weights) and applies the sampling settings;
// --spread must be one factor unless cmd is eval, whose factors it leaves
// in f.spreads (the model gets the first).
func (f *seriesSampleFlags) load(cmd string) (*csdi.Model, []float64, error) {
	if f.model == "" {
		return nil, nil, usagef("series %s: --model is required", cmd)
	}
	if f.n < 1 {
		return nil, nil, usagef("series %s: --n %d: want ≥ 1", cmd, f.n)
	}
	var qs []float64
	for _, part := range strings.Split(f.quantiles, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		q, err := strconv.ParseFloat(part, 64)
		if err != nil || !(q > 0 && q < 1) {
			return nil, nil, usagef("series %s: --quantiles: %q is not a number in (0, 1)", cmd, part)
		}
		qs = append(qs, q)
	}
	if f.variance != "small" && f.variance != "large" {
		return nil, nil, usagef("series %s: --variance %q: want small or large", cmd, f.variance)
	}
	f.spreads = nil
	for _, part := range strings.Split(f.spread, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		v, err := strconv.ParseFloat(part, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, nil, usagef("series %s: --spread: %q is not a positive number", cmd, part)
		}
		f.spreads = append(f.spreads, v)
	}
	if len(f.spreads) == 0 || len(f.spreads) > 1 && cmd != "eval" {
		return nil, nil, usagef("series %s: --spread %q: want one positive factor", cmd, f.spread)
	}
	path, err := jobs.NewestCheckpoint(f.model)
	if err != nil {
		return nil, nil, err
	}
	m, err := csdi.Load(path, true)
	if err != nil {
		return nil, nil, err
	}
	m.SampleSteps, m.LargeVariance, m.Spread = f.steps, f.variance == "large", f.spreads[0]
	return m, qs, nil
}

func newSeriesImputeCmd() *cobra.Command {
	var f seriesSampleFlags
	var read seriesReadFlags
	var data, out string
	cmd := &cobra.Command{
		Use:   "impute",
		Short: "Fill every missing cell of a series with the median of the model's samples",
		Long: `impute samples every missing cell of --data --n times and writes a CSV with
the time column and each numeric column, missing cells filled with the
sample median, followed by a column NAME_qQ for each of --quantiles (the
observed value where the cell is observed).`,
		Example: `  diffuse series impute --model runs/weather --data gaps.csv --out filled.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" || out == "" {
				return usagef("series impute: --data and --out are required")
			}
			m, qs, err := f.load("impute")
			if err != nil {
				return err
			}
			s, err := read.read(data)
			if err != nil {
				return err
			}
			samples, err := m.Impute(cmd.Context(), s, f.n, f.seed)
			if err != nil {
				return err
			}
			if err := writeSeriesCSV(out, s.TimeName, s.Columns, csdi.TimeLabels(s.Times, s.Steps), samples, qs); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d rows, %d missing cells filled from %d samples\n", out, s.Len(), missingCells(s), f.n)
			return nil
		},
	}
	f.add(cmd, 100)
	read.add(cmd)
	cmd.Flags().StringVar(&data, "data", "", "series file (CSV or JSON) with missing cells")
	cmd.Flags().StringVar(&out, "out", "", "CSV file to write")
	return cmd
}

func newSeriesForecastCmd() *cobra.Command {
	var f seriesSampleFlags
	var read seriesReadFlags
	var data, out string
	var horizon int
	cmd := &cobra.Command{
		Use:   "forecast",
		Short: "Forecast the rows after the end of a series",
		Long: `forecast imputes the --horizon rows after the last row of --data, with the
rows before them in the model's window as history, and writes a CSV of the
future times with the sample median of each column and a column NAME_qQ for
each of --quantiles. The horizon must be shorter than the model's window.`,
		Example: `  diffuse series forecast --model runs/weather --data seattle-weather.csv --horizon 7 --out next-week.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if data == "" || out == "" {
				return usagef("series forecast: --data and --out are required")
			}
			m, qs, err := f.load("forecast")
			if err != nil {
				return err
			}
			if horizon < 1 || horizon >= m.Config.Window {
				return usagef("series forecast: --horizon %d: want between 1 and %d (the model's window is %d rows and must keep one row of history)", horizon, m.Config.Window-1, m.Config.Window)
			}
			s, err := read.read(data)
			if err != nil {
				return err
			}
			samples, err := m.Forecast(cmd.Context(), s, horizon, f.n, f.seed)
			if err != nil {
				return err
			}
			dates, steps := csdi.NextTimes(s, horizon)
			if err := writeSeriesCSV(out, s.TimeName, s.Columns, csdi.TimeLabels(dates, steps), samples, qs); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d future rows from %d samples\n", out, horizon, f.n)
			return nil
		},
	}
	f.add(cmd, 100)
	read.add(cmd)
	cmd.Flags().StringVar(&data, "data", "", "series file (CSV or JSON): the history")
	cmd.Flags().StringVar(&out, "out", "", "CSV file to write")
	cmd.Flags().IntVar(&horizon, "horizon", 7, "rows to forecast")
	return cmd
}

func newSeriesSampleCmd() *cobra.Command {
	var f seriesSampleFlags
	var out string
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate synthetic windows with an unconditional model",
		Long: `sample draws --n whole windows from a model trained with --unconditional and
writes them as one CSV: a column "sample", a column "row" (0 … window−1),
then the numeric columns in the data's units.`,
		Example: `  diffuse series sample --model runs/weather-uncond --n 10 --out synthetic.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("series sample: --out is required")
			}
			m, _, err := f.load("sample")
			if err != nil {
				return err
			}
			samples, err := m.Generate(cmd.Context(), f.n, f.seed)
			if err != nil {
				return err
			}
			err = checkpoint.WriteAtomic(out, func(w io.Writer) error {
				cw := csv.NewWriter(w)
				_ = cw.Write(append([]string{"sample", "row"}, m.Config.Columns...))
				for k, win := range samples {
					for t, row := range win {
						rec := []string{strconv.Itoa(k), strconv.Itoa(t)}
						for _, v := range row {
							rec = append(rec, strconv.FormatFloat(v, 'g', 6, 64))
						}
						_ = cw.Write(rec)
					}
				}
				cw.Flush()
				return cw.Error()
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d windows of %d rows\n", out, f.n, m.Config.Window)
			return nil
		},
	}
	f.add(cmd, 10)
	cmd.Flags().StringVar(&out, "out", "", "CSV file to write")
	return cmd
}

// writeSeriesCSV writes, atomically, a row per time: the median of samples
// (S, T, K) per column, then a NAME_qQ column per quantile
// (csdi.WriteQuantileCSV).
func writeSeriesCSV(path, timeName string, columns, times []string, samples [][][]float64, qs []float64) error {
	var buf bytes.Buffer
	if err := csdi.WriteQuantileCSV(&buf, timeName, columns, times, samples, qs); err != nil {
		return err
	}
	return checkpoint.WriteAtomic(path, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
}

// missingCells counts the cells of s without a value.
func missingCells(s *tseries.Series) int {
	obs := s.Observed()
	return s.Len()*s.Dim() - tseries.Count(obs)
}
