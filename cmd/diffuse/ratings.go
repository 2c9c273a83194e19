package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/metrics/perception"
	"github.com/diffusego/diffusego/serve"
	"github.com/spf13/cobra"
)

func newRatingsCmd() *cobra.Command {
	root := &cobra.Command{Use: "ratings", Short: "Human perception ratings collected by diffuse serve", Args: noArgs,
		Example: "  diffuse ratings export --data diffuse-serve --what report --out report.csv"}
	var dir, out, what string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the stored rating trials as CSV and print the summary",
		Long: `export reads the rating trials that diffuse serve stored in DIR/jobs.db and
writes them as CSV (--what trials: real-or-generated answers; pairs:
pairwise preferences; report: the HYPE∞ statistics; dropped: the raters
left out and why; strengths: the Bradley–Terry fit), then prints what the
results page shows: the error rate (50% = indistinguishable) and the fool
rate on generated images, each with a 95% bootstrap interval over raters
then trials, the counts, the dropped raters with reasons, and the
Bradley–Terry scores with their intervals (metrics/perception).`,
		Example: `  diffuse ratings export --data diffuse-serve --out trials.csv
  diffuse ratings export --data diffuse-serve --what pairs --out pairs.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if what != "trials" && what != "pairs" && what != "report" && what != "dropped" && what != "strengths" {
				return usagef("--what: want trials, pairs, report, dropped or strengths, got %q", what)
			}
			if out == "" {
				return usagef("--out: want a CSV file to write")
			}
			if _, err := os.Stat(filepath.Join(dir, "jobs.db")); err != nil {
				return usagef("--data %s: no jobs.db (start diffuse serve --data %s first)", dir, dir)
			}
			st, err := serve.OpenStore(dir)
			if err != nil {
				return err
			}
			defer st.Close()
			trials, err := st.Trials()
			if err != nil {
				return err
			}
			pairs, err := st.Pairs()
			if err != nil {
				return err
			}
			res, rep, fit := serve.Analyze(trials, pairs)
			err = checkpoint.WriteAtomic(out, func(w io.Writer) error {
				switch what {
				case "pairs":
					return serve.WritePairsCSV(w, pairs)
				case "report":
					return perception.WriteReportCSV(w, rep)
				case "dropped":
					return perception.WriteDroppedCSV(w, rep.Dropped)
				case "strengths":
					return perception.WriteStrengthsCSV(w, fit)
				}
				return serve.WriteTrialsCSV(w, trials)
			})
			if err != nil {
				return err
			}
			o := cmd.OutOrStdout()
			fmt.Fprintf(o, "wrote %s to %s (%d trials, %d pairs stored)\n", what, out, len(trials), len(pairs))
			h := res.HYPE
			if h.Trials > 0 {
				fmt.Fprintf(o, "error rate %.3f [%.3f, %.3f] (%d of %d), fool rate %.3f [%.3f, %.3f] (%d of %d); %.0f%% intervals, %d resamples; %d raters kept, %d trials (%d generated, %d real)\n",
					h.ErrorRate.Value, h.ErrorRate.Lo, h.ErrorRate.Hi, h.ErrorRate.Count, h.ErrorRate.N,
					h.FoolRate.Value, h.FoolRate.Lo, h.FoolRate.Hi, h.FoolRate.Count, h.FoolRate.N,
					100*h.Level, h.Resamples, h.Raters, h.Trials, h.Generated, h.Real)
			} else if h.Note != "" {
				fmt.Fprintln(o, h.Note)
			}
			for _, d := range h.Dropped {
				fmt.Fprintf(o, "dropped %s: %s\n", d["rater"], d["reason"])
			}
			for _, it := range res.Pairs.Items {
				fmt.Fprintf(o, "Bradley–Terry %s: %.3f [%.3f, %.3f], won %d of %d\n", it.Item, it.Score, it.Lo, it.Hi, it.Wins, it.Comparisons)
			}
			return nil
		},
	}
	export.Flags().StringVar(&dir, "data", "diffuse-serve", "the data folder of diffuse serve")
	export.Flags().StringVar(&out, "out", "", "CSV file to write")
	export.Flags().StringVar(&what, "what", "trials", "trials, pairs, report, dropped or strengths")
	root.AddCommand(export)
	return root
}
