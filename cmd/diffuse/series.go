package main

import (
	"context"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	tseries "github.com/diffusego/diffusego/series"
	"github.com/diffusego/diffusego/series/csdi"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

func newSeriesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "series",
		Short: "Train, impute, forecast, sample and evaluate time-series models (CSDI)",
		Long: `series works on multivariate time series (CSV or JSON, a time column and
numeric columns; categorical columns become covariates) with a conditional
diffusion model in the style of CSDI (Tashiro et al. 2021): the network sees
the observed cells and their mask, attends across time and across columns,
and samples the missing cells. Forecasting is imputation of the future rows
of a window; an unconditional model (--unconditional) samples whole windows.`,
	}
	cmd.AddCommand(newSeriesTrainCmd(), newSeriesImputeCmd(), newSeriesForecastCmd(), newSeriesSampleCmd(), newSeriesEvalCmd())
	return cmd
}

// seriesReadFlags say how a series file is read.
type seriesReadFlags struct {
	timeCol, id string
}

func (f *seriesReadFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.timeCol, "time", "", "time column (default: date, time, timestamp, datetime or ds)")
	cmd.Flags().StringVar(&f.id, "id", "", "series-id column of a long file (one row per id and time)")
}

func (f seriesReadFlags) read(path string) (*tseries.Series, error) {
	return tseries.Read(path, tseries.Options{Time: f.timeCol, ID: f.id})
}

// seriesTrainFlags are the settings of diffuse series train.
type seriesTrainFlags struct {
	read                      seriesReadFlags
	data, testFrom            string
	window, maxHorizon, batch int
	channels, layers, heads   int
	season                    int
	seed                      uint64
	runFlags
	unconditional, covariates bool
	interp                    bool
}

func newSeriesTrainCmd() *cobra.Command {
	var f seriesTrainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a CSDI model on the rows of a series before --test-from",
		Long: `train fits the model to every window of --window rows (stride 1) of the
training rows: those before --test-from when it is given, else all rows. The
columns are standardised by their training mean and standard deviation,
stored in the checkpoint. Each window hides a random part of its observed
cells (random cells, blocks of rows, the last rows, or another window's gaps)
and the network learns to denoise them. Checkpoints (ckpt-STEP.safetensors,
atomic) are written every --checkpoint-every steps, at the end, at --minutes
and on Ctrl-C; --resume continues a run exactly.`,
		Example: `  diffuse series train --data seattle-weather.csv --test-from 2015-01-01 --window 42 --out runs/weather --minutes 30
  diffuse series train --data stocks.csv --id symbol --window 24 --max-horizon 6 --out runs/stocks --minutes 10
  diffuse series train --data seattle-weather.csv --out runs/weather --resume runs/weather`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.data == "" || f.out == "" {
				return usagef("series train: --data and --out are required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runSeriesTrain(ctx, f, cmd.OutOrStdout())
		},
	}
	f.read.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "series file (CSV or JSON)")
	f.runFlags.add(fl, runDefaults{steps: 100000, warmup: 100, checkpointEvery: 500, lr: 1e-3, decay: 1e-6})
	fl.StringVar(&f.testFrom, "test-from", "", "first date of the test period (YYYY-MM-DD); training uses the rows before it")
	fl.IntVar(&f.window, "window", 36, "rows per window")
	fl.IntVar(&f.maxHorizon, "max-horizon", 0, "longest forecast mask in training (0 = window/2)")
	fl.IntVar(&f.channels, "channels", 32, "residual channels")
	fl.IntVar(&f.layers, "layers", 4, "residual layers")
	fl.IntVar(&f.heads, "heads", 8, "attention heads")
	fl.BoolVar(&f.unconditional, "unconditional", false, "learn whole windows without a condition (for diffuse series sample)")
	fl.BoolVar(&f.interp, "interp", false, "give the network each cell's linear interpolation of its column's observed values as a third input (PriSTI's interpolated condition)")
	fl.IntVar(&f.season, "season", 0, "harmonics of the time of year in the side information (0 = none; needs dates)")
	fl.BoolVar(&f.covariates, "covariates", false, "condition on the categorical columns (one-hot); only for data whose categories are known where values are missing")
	fl.IntVar(&f.batch, "batch", 16, "windows per step")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed: the weights, the windows, the masks and the noise")
	return cmd
}

// trainingRows returns the rows of s before testFrom ("" for all rows).
func trainingRows(s *tseries.Series, testFrom string) (*tseries.Series, error) {
	if testFrom == "" {
		return s, nil
	}
	at, err := time.Parse(time.DateOnly, testFrom)
	if err != nil {
		return nil, usagef("--test-from %q: want a date YYYY-MM-DD", testFrom)
	}
	past, _, err := tseries.Split(s, at)
	return past, err
}

// runSeriesTrain trains as f says.
func runSeriesTrain(ctx context.Context, f seriesTrainFlags, log io.Writer) error {
	s, err := f.read.read(f.data)
	if err != nil {
		return err
	}
	trainRows, err := trainingRows(s, f.testFrom)
	if err != nil {
		return err
	}
	var resumeFrom string
	var m *csdi.Model
	if f.resume != "" {
		if resumeFrom, err = jobs.NewestCheckpoint(f.resume); err != nil {
			return err
		}
		if m, err = csdi.Load(resumeFrom, false); err != nil {
			return err
		}
	} else {
		sc, err := tseries.FitScaler(s.Columns, trainRows.Values)
		if err != nil {
			return fmt.Errorf("%s: %w", f.data, err)
		}
		cov := 0
		if f.covariates {
			cov = covariateWidth(s)
		}
		c := csdi.DefaultConfig(s.Columns, cov, f.window)
		c.Channels, c.Layers, c.Heads, c.Unconditional = f.channels, f.layers, f.heads, f.unconditional
		c.Interp, c.Season = f.interp, f.season
		if err := c.Validate(); err != nil {
			return usagef("%v", err)
		}
		if m, err = csdi.NewModel(c, sc, tensor.NewRNG(f.seed)); err != nil {
			return err
		}
	}
	masks := csdi.DefaultMasks
	masks.MaxHorizon = f.maxHorizon
	task, err := csdi.NewTask(m, trainRows, f.batch, masks)
	if err != nil {
		return err
	}
	tr, err := train.NewTask(task, f.options(f.seed))
	if err != nil {
		return usagef("%v", err)
	}
	tr.Unit = "win"
	if err := resumeInto(tr, resumeFrom, log); err != nil {
		return err
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	meta, err := m.Meta()
	if err != nil {
		return err
	}
	meta["diffusego.series.data"] = f.data
	meta["diffusego.series.test_from"] = f.testFrom
	n := 0
	for _, p := range m.Net.Params() {
		n += p.V.Value.Len()
	}
	fmt.Fprintf(log, "series train: %d parameters; %d training rows × %d columns (%s), %d windows of %d; batch %d\n",
		n, trainRows.Len(), s.Dim(), strings.Join(s.Columns, ", "), task.Windows(), f.window, f.batch)
	tr.Log = log
	r := taskRun{tr: tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: "training loss (masked ε MSE)"}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// covariateWidth is the number of one-hot covariate features of s.
func covariateWidth(s *tseries.Series) int {
	n := 0
	for _, c := range s.Categorical {
		n += len(c.Levels)
	}
	return n
}
