package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/serve"
	"github.com/spf13/cobra"
)

func newRatingsCmd() *cobra.Command {
	root := &cobra.Command{Use: "ratings", Short: "Human perception ratings collected by diffuse serve", Args: noArgs}
	var dir, out, what string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the stored rating trials as CSV and print the summary",
		Long: `export reads the rating trials that diffuse serve stored in DIR/jobs.db and
writes them as CSV (--what trials: real-or-generated answers; pairs:
pairwise preferences), then prints the summary the results page shows:
sessions dropped and why, the error rate (50% = indistinguishable) and the
fool rate on generated images, with the counts.`,
		Example: `  diffuse ratings export --data diffuse-serve --out trials.csv
  diffuse ratings export --data diffuse-serve --what pairs --out pairs.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if what != "trials" && what != "pairs" {
				return usagef("--what: want trials or pairs, got %q", what)
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
			err = checkpoint.WriteAtomic(out, func(w io.Writer) error {
				if what == "pairs" {
					return serve.WritePairsCSV(w, pairs)
				}
				return serve.WriteTrialsCSV(w, trials)
			})
			if err != nil {
				return err
			}
			s := serve.Summarize(trials, pairs)
			o := cmd.OutOrStdout()
			fmt.Fprintf(o, "wrote %d trials and %d pairs (%s) to %s\n", len(trials), len(pairs), what, out)
			for _, r := range s.Sessions {
				if r.Dropped != "" {
					fmt.Fprintf(o, "dropped session %s (%s): %s\n", r.Session, r.Rater, r.Dropped)
				}
			}
			fmt.Fprintf(o, "error rate %.3f over %d scored trials (%d generated, %d real); fool rate %.3f\n",
				s.ErrorRate, s.Trials, s.Generated, s.Real, s.FoolRate)
			return nil
		},
	}
	export.Flags().StringVar(&dir, "data", "diffuse-serve", "the data folder of diffuse serve")
	export.Flags().StringVar(&out, "out", "", "CSV file to write")
	export.Flags().StringVar(&what, "what", "trials", "trials or pairs")
	root.AddCommand(export)
	return root
}
