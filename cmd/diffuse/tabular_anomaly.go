package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tabular"
	"github.com/spf13/cobra"
)

// tabularAnomalySettings are the flags of `diffuse tabular anomaly`.
type tabularAnomalySettings struct {
	model, data, val, out, na string
	draws                     int
	quantile                  float64
	seed                      uint64
}

func newTabularAnomalyCmd() *cobra.Command {
	var s tabularAnomalySettings
	cmd := &cobra.Command{
		Use:   "anomaly",
		Short: "Score table rows for anomaly and show which cells look wrong",
		Long: `anomaly scores every row of --data with a model from diffuse tabular train:
each row is noised a little (steps T/20, T/10, T/5, 2T/5, --draws noise
draws each) and the model's denoising loss is split by column: the
noise-prediction error of a number, the cross-entropy of a category when
that cell alone is masked. The row's score is their sum (the negative
ELBO up to per-step weights); higher = more unusual.

The threshold is the --quantile of the scores of --val, rows that should
all be normal (e.g. held out from training). Each column's contribution
is shown standardised by its mean and deviation over --val, so a cell
that does not fit the rest of its row stands out: the CSV has index,
score, anomalous, top (the column with the largest contribution) and one
column per model column with its standardised contribution.

--data and --val must have the model's columns (others are ignored) and
categories the model has seen.`,
		Example: `  diffuse tabular train --data normal-train.csv --out model
  diffuse tabular anomaly --model model --data new.csv --val normal-val.csv --out scores.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTabularAnomaly(cmd, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.model, "model", "tabular-model", "model directory written by train")
	f.StringVar(&s.data, "data", "", "rows to score: CSV with a header line, or a JSON array of records (.json)")
	f.StringVar(&s.val, "val", "", "normal validation rows for the threshold and the contribution scale, same forms")
	f.StringVar(&s.out, "out", "scores.csv", "CSV file to write")
	f.StringVar(&s.na, "na", "", "extra cell texts that mean missing, comma-separated")
	f.IntVar(&s.draws, "draws", 8, "noise draws per step")
	f.Float64Var(&s.quantile, "quantile", 0.95, "threshold = this quantile of the validation scores")
	f.Uint64Var(&s.seed, "seed", 1, "random seed of the noise")
	return cmd
}

func runTabularAnomaly(cmd *cobra.Command, s tabularAnomalySettings) error {
	switch {
	case s.data == "":
		return usagef("--data: want the rows to score")
	case s.val == "":
		return usagef("--val: want normal validation rows to pick the threshold on")
	case s.draws < 1:
		return usagef("--draws: want ≥ 1, got %d", s.draws)
	case !(s.quantile > 0 && s.quantile < 1):
		return usagef("--quantile: want a number in (0, 1), got %g", s.quantile)
	}
	var na []string
	if s.na != "" {
		na = strings.Split(s.na, ",")
	}
	m, err := tabular.Load(s.model)
	if err != nil {
		return err
	}
	rows, err := readRows(s.data, m.Tr.Schema, na)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	val, err := readRows(s.val, m.Tr.Schema, na)
	if err != nil {
		return fmt.Errorf("--val: %w", err)
	}
	if val.Rows() < 2 {
		return usagef("--val %s: %d rows, want at least 2", s.val, val.Rows())
	}
	opt := tabular.AnomalyOptions{Draws: s.draws, Seed: s.seed}
	vs, err := m.AnomalyScores(cmd.Context(), m.Tr.Encode(val), opt)
	if err != nil {
		return fmt.Errorf("--val: %w", err)
	}
	th, err := restore.QuantileThreshold(vs.Total, s.quantile)
	if err != nil {
		return err
	}
	t0 := time.Now()
	rs, err := m.AnomalyScores(cmd.Context(), m.Tr.Encode(rows), opt)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	took := time.Since(t0)
	mean, std := contributionScale(vs.Cells)
	names := make([]string, len(m.Tr.Schema.Columns))
	for j, c := range m.Tr.Schema.Columns {
		names[j] = c.Name
	}
	flagged := 0
	err = checkpoint.WriteAtomic(s.out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(append([]string{"index", "score", "anomalous", "top"}, names...)); err != nil {
			return err
		}
		for i, total := range rs.Total {
			z := make([]string, len(names))
			top := 0
			for j, v := range rs.Cells[i] {
				zz := (v - mean[j]) / std[j]
				if zz > (rs.Cells[i][top]-mean[top])/std[top] {
					top = j
				}
				z[j] = strconv.FormatFloat(zz, 'f', 3, 64)
			}
			if total > th {
				flagged++
			}
			row := []string{strconv.Itoa(i), strconv.FormatFloat(total, 'g', -1, 64), strconv.FormatBool(total > th), names[top]}
			if err := cw.Write(append(row, z...)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	log := cmd.OutOrStdout()
	fmt.Fprintf(log, "threshold (%g-quantile of %d validation rows): %.5g\n", s.quantile, val.Rows(), th)
	fmt.Fprintf(log, "flagged %d of %d rows\n", flagged, rows.Rows())
	fmt.Fprintf(log, "scored %d rows in %.2f s: %.2f ms per row\n", rows.Rows(), took.Seconds(), 1000*took.Seconds()/float64(rows.Rows()))
	fmt.Fprintf(log, "wrote %s\n", s.out)
	return nil
}

// readRows reads a table and parses it with the model's schema: every
// schema column must be present (extra columns are ignored), and an
// empty table is refused.
func readRows(path string, schema *tabular.Schema, na []string) (*tabular.Frame, error) {
	t, err := readTable(path)
	if err != nil {
		return nil, err
	}
	if t.NumRows() == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	var missing []string
	for _, c := range schema.Columns {
		if t.Column(c.Name) < 0 {
			missing = append(missing, strconv.Quote(c.Name))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: the columns differ from the model's: %s missing (the model has %d columns)",
			path, strings.Join(missing, ", "), len(schema.Columns))
	}
	return tabular.Parse(t, schema, na)
}

// contributionScale returns each column's mean and standard deviation of
// the contributions over the validation rows (a deviation of 0 becomes 1).
func contributionScale(cells [][]float64) (mean, std []float64) {
	d, n := len(cells[0]), float64(len(cells))
	mean, std = make([]float64, d), make([]float64, d)
	for _, r := range cells {
		for j, v := range r {
			mean[j] += v / n
		}
	}
	for _, r := range cells {
		for j, v := range r {
			std[j] += (v - mean[j]) * (v - mean[j]) / n
		}
	}
	for j := range std {
		if std[j] = math.Sqrt(std[j]); std[j] == 0 {
			std[j] = 1
		}
	}
	return mean, std
}
