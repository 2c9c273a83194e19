package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/tabular"
	"github.com/spf13/cobra"
)

// tabularData are the flags that say how to read and type a table.
type tabularData struct {
	data, config, target, missing string
}

// add registers the data flags on cmd.
func (d *tabularData) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&d.data, "data", "", "the table: a CSV file with a header line, or a JSON array of records (.json)")
	cmd.Flags().StringVar(&d.config, "config", "", `JSON config: {"types": {...}, "drop": [...], "missing": "model", "na": [...], "target": "..."}`)
	cmd.Flags().StringVar(&d.target, "target", "", "categorical column to condition on and to predict in eval (overrides the config)")
	cmd.Flags().StringVar(&d.missing, "missing", "", "missing-value policy: drop, impute or model (overrides the config; default model)")
}

// load reads, types and cleans the table.
func (d *tabularData) load() (*tabular.Frame, error) {
	if d.data == "" {
		return nil, usagef("--data is required")
	}
	cfg := &tabular.Config{}
	if d.config != "" {
		if err := checkpoint.ReadJSON(d.config, cfg); err != nil {
			return nil, err
		}
	}
	if d.target != "" {
		cfg.Target = d.target
	}
	if d.missing != "" {
		cfg.Missing = d.missing
	}
	t, err := readTable(d.data)
	if err != nil {
		return nil, err
	}
	s, err := tabular.Infer(t, cfg)
	if err != nil {
		return nil, err
	}
	f, err := tabular.Parse(t, s, cfg.NA)
	if err != nil {
		return nil, err
	}
	return s.Apply(f), nil
}

// readTable reads CSV, or JSON records when the name ends in .json.
func readTable(path string) (*data.Table, error) {
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		return data.ReadJSONRows(path)
	}
	return data.ReadCSV(path)
}

// tabularModel are the flags that size and train the model.
type tabularModel struct {
	scaling string
	cfg     tabular.ModelConfig
	opt     tabular.TrainOptions
}

// add registers the model flags on cmd.
func (m *tabularModel) add(cmd *cobra.Command) {
	def := tabular.DefaultModelConfig()
	cmd.Flags().StringVar(&m.scaling, "scaling", tabular.ScaleQuantile, "numeric scaling: quantile or standard")
	cmd.Flags().IntVar(&m.cfg.Width, "width", def.Width, "hidden units per MLP layer")
	cmd.Flags().IntVar(&m.cfg.Layers, "layers", def.Layers, "hidden MLP layers")
	cmd.Flags().IntVar(&m.cfg.Steps, "steps", def.Steps, "diffusion steps T")
	cmd.Flags().IntVar(&m.opt.Iters, "iters", 3000, "training iterations")
	cmd.Flags().IntVar(&m.opt.Batch, "batch", 256, "rows per training iteration")
	cmd.Flags().Float64Var(&m.opt.LR, "lr", 2e-3, "Adam learning rate (decayed linearly to 0)")
	cmd.Flags().Uint64Var(&m.opt.Seed, "seed", 0, "random seed")
}

// check validates the model flags.
func (m *tabularModel) check() error {
	if m.scaling != tabular.ScaleQuantile && m.scaling != tabular.ScaleStandard {
		return usagef("--scaling: want quantile or standard, got %q", m.scaling)
	}
	if m.cfg.Width < 2 || m.cfg.Width%2 != 0 || m.cfg.Layers < 1 || m.cfg.Steps < 2 {
		return usagef("--width, --layers, --steps: want even width ≥ 2, layers ≥ 1, steps ≥ 2")
	}
	if m.opt.Iters < 1 || m.opt.Batch < 1 || m.opt.LR <= 0 {
		return usagef("--iters, --batch, --lr: want positive values")
	}
	return nil
}

// newTabularCmd builds `diffuse tabular` and its subcommands.
func newTabularCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tabular",
		Short: "Synthesise tables and score their rows: train, sample, eval, anomaly",
		Long: `tabular trains a TabDDPM-style diffusion model on a table (Gaussian diffusion
on numbers, masked diffusion on categories), samples synthetic rows with the
same columns and types, and evaluates synthetic data against real data.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTabularTrainCmd(), newTabularSampleCmd(), newTabularEvalCmd(), newTabularAnomalyCmd())
	return cmd
}

func newTabularTrainCmd() *cobra.Command {
	var d tabularData
	var m tabularModel
	var out string
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a tabular diffusion model",
		Example: `  diffuse tabular train --data penguins.json --config penguins.config.json --out penguins-model
  diffuse tabular train --data wine.csv --target class --iters 2000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.check(); err != nil {
				return err
			}
			f, err := d.load()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			start := time.Now()
			m.opt.Log = func(step int, loss float64) {
				fmt.Fprintf(w, "step %d loss %.4f (%.0fs)\n", step, loss, time.Since(start).Seconds())
			}
			model, err := tabular.TrainModel(cmd.Context(), f, m.scaling, m.cfg, m.opt)
			if err != nil {
				return err
			}
			if err := model.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(w, "trained on %d rows, %d columns in %.1fs; saved to %s\n", f.Rows(), len(f.Schema.Columns), time.Since(start).Seconds(), out)
			return nil
		},
	}
	d.add(cmd)
	m.add(cmd)
	cmd.Flags().StringVar(&out, "out", "tabular-model", "directory for the model (weights and transforms)")
	return cmd
}

func newTabularSampleCmd() *cobra.Command {
	var modelDir, out, class string
	var n int
	var seed uint64
	var balanced bool
	var sf shardFlags
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Write synthetic rows as CSV",
		Long: `sample draws --n synthetic rows and writes them as CSV. Row i's randomness
derives from (seed, i) alone, so with --shard I --shards N (or
JOB_COMPLETION_INDEX for I) a process writes only rows [I·n/N, (I+1)·n/N),
and the N files' rows, in shard order, are byte for byte those of one
unsharded run.`,
		Example: `  diffuse tabular sample --model penguins-model --n 1000 --out synthetic.csv
  diffuse tabular sample --model penguins-model --n 300 --balanced --out balanced.csv
  diffuse tabular sample --model penguins-model --n 1000000 --shard 2 --shards 8 --out part-2.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 {
				return usagef("--n: want ≥ 1, got %d", n)
			}
			if out == "" {
				return usagef("--out is required")
			}
			part, sharded, err := sf.resolve(cmd)
			if err != nil {
				return err
			}
			lo, hi := 0, n
			if sharded {
				lo, hi = part.Span(n)
			}
			m, err := tabular.Load(modelDir)
			if err != nil {
				return err
			}
			f, err := m.Sample(cmd.Context(), hi-lo, tabular.SampleOptions{Class: class, Balanced: balanced, Seed: seed, First: lo})
			if err != nil {
				return err
			}
			if err := checkpoint.WriteAtomic(out, func(w io.Writer) error { return data.WriteCSV(w, f.Table(out)) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote rows %d..%d of %d to %s\n", lo, hi-1, n, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&modelDir, "model", "tabular-model", "model directory written by train")
	cmd.Flags().IntVar(&n, "n", 1000, "rows to draw")
	cmd.Flags().StringVar(&out, "out", "", "CSV file to write")
	cmd.Flags().StringVar(&class, "class", "", "target class for every row (conditional models)")
	cmd.Flags().BoolVar(&balanced, "balanced", false, "equal shares of the target classes (conditional models)")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "random seed")
	sf.add(cmd)
	return cmd
}

func newTabularEvalCmd() *cobra.Command {
	var d tabularData
	var m tabularModel
	var holdout, small float64
	var synthetic, test string
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Benchmark diffusego against the baselines on a table",
		Long: `eval holds out a share of the rows, fits diffusego, independent per-column
sampling and a Gaussian copula on the rest, and prints one markdown row per
method: KS, TV, correlation difference, ML efficacy, augmentation gain and
distance to closest record.

With --synthetic, eval instead scores that CSV (say, from diffuse tabular
sample) against --data as the training rows, and against --test, when given,
as held-out real rows for efficacy and privacy.`,
		Example: `  diffuse tabular eval --data tabular/testdata/penguins.json --config tabular/testdata/penguins.config.json
  diffuse tabular eval --data train.csv --test test.csv --synthetic synthetic.csv --target class`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.check(); err != nil {
				return err
			}
			if holdout <= 0 || holdout >= 1 || small <= 0 || small > 1 {
				return usagef("--holdout, --small: want shares in (0, 1)")
			}
			f, err := d.load()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if synthetic != "" {
				r, err := evalFile(f, synthetic, test, d.config)
				if err != nil {
					return err
				}
				writeReports(w, d.data, []tabular.Report{r})
				return nil
			}
			start := time.Now()
			rs, err := tabular.Bench(cmd.Context(), f, tabular.BenchOptions{
				Holdout: holdout, Small: small, Scaling: m.scaling, Model: m.cfg, Train: m.opt, Seed: m.opt.Seed,
				Progress: func(msg string) { fmt.Fprintf(cmd.ErrOrStderr(), "%6.1fs %s\n", time.Since(start).Seconds(), msg) },
			})
			if err != nil {
				return err
			}
			writeReports(w, d.data, rs)
			return nil
		},
	}
	d.add(cmd)
	m.add(cmd)
	cmd.Flags().Float64Var(&holdout, "holdout", 0.2, "share of rows held out for efficacy and privacy")
	cmd.Flags().Float64Var(&small, "small", 0.1, "share of training rows in the augmentation subset")
	cmd.Flags().StringVar(&synthetic, "synthetic", "", "score this synthetic CSV instead of running the benchmark")
	cmd.Flags().StringVar(&test, "test", "", "held-out real rows for --synthetic (same columns as --data)")
	return cmd
}

// writeReports prints the reports as markdown table rows.
func writeReports(w io.Writer, name string, rs []tabular.Report) {
	fmt.Fprintln(w, "| data | method | KS ↓ | TV ↓ | corr diff ↓ | F1 syn→real ↑ | F1 real→real | aug F1 real | aug F1 real+syn | DCR syn | DCR holdout |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n",
			filepath.Base(name), r.Method, r.KS, r.TV, r.CorrDiff, r.F1Syn, r.F1Real, r.AugReal, r.AugMixed, r.DCRSyn, r.DCRHold)
	}
}

// evalFile scores the synthetic CSV at path against the real rows train and,
// when testPath is set, the held-out rows there. The synthetic rows must fit
// the schema of train: an unseen category is an error naming row and column.
func evalFile(train *tabular.Frame, path, testPath, config string) (tabular.Report, error) {
	na := []string(nil)
	if config != "" {
		var cfg tabular.Config
		if err := checkpoint.ReadJSON(config, &cfg); err != nil {
			return tabular.Report{}, err
		}
		na = cfg.NA
	}
	read := func(p string) (*tabular.Frame, error) {
		t, err := readTable(p)
		if err != nil {
			return nil, err
		}
		return tabular.Parse(t, train.Schema, na)
	}
	syn, err := read(path)
	if err != nil {
		return tabular.Report{}, err
	}
	hold := train
	if testPath != "" {
		if hold, err = read(testPath); err != nil {
			return tabular.Report{}, err
		}
	}
	r := tabular.Evaluate(path, train, hold, syn)
	if testPath == "" {
		r.F1Syn, r.F1Real, r.DCRHold = math.NaN(), math.NaN(), math.NaN()
	}
	r.AugReal, r.AugMixed = math.NaN(), math.NaN()
	return r, nil
}
