package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/search"
	"github.com/spf13/cobra"
)

func newMergeCmd() *cobra.Command {
	var out, dir string
	var seed uint64
	cmd := &cobra.Command{
		Use:   "merge --out FILE PART...",
		Short: "Join the parts of a sharded index, eval or anomaly run",
		Long: `merge joins the files that the N processes of a sharded run wrote
(--shard I --shards N) into what one unsharded run writes:

  index parts (.safetensors from diffuse index)   one index, the same file
  eval parts (.safetensors from diffuse eval)     the eval report, as diffuse eval prints it
  anomaly parts (.csv from diffuse anomaly)       one CSV in global order

Every part records its shard, the shard count, its images and the
checkpoint's SHA-256. merge refuses, naming the file, parts of different
shard counts, a missing, duplicated or out-of-range shard, and parts made
with different checkpoints; it then writes nothing.`,
		Example: `  diffuse merge --out photos.safetensors part-*.safetensors
  diffuse merge --out scores.csv scores-*.csv
  diffuse merge --out report.json eval-*.safetensors`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || out == "" {
				return usagef("merge: want --out FILE and the part files")
			}
			switch kind, err := partKind(args); {
			case err != nil:
				return err
			case kind == "index":
				return mergeIndex(cmd, out, args)
			case kind == "anomaly":
				return mergeAnomaly(cmd, out, args)
			default:
				return mergeEval(cmd, out, args, dir, seed)
			}
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "file to write: the index, the CSV, or the eval report (JSON)")
	cmd.Flags().StringVar(&dir, "data", defaultFashionDir, "Fashion-MNIST folder (eval parts: the real test images)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "eval parts: seed of the real subsets drawn, as diffuse eval --seed")
	return cmd
}

// partKind tells from the parts' names which kind they are: .csv for
// anomaly scores, else an index or eval part by its header.
func partKind(files []string) (string, error) {
	kind := func(f string) (string, error) {
		if strings.HasSuffix(strings.ToLower(f), ".csv") {
			return "anomaly", nil
		}
		isEval, err := isEvalPart(f)
		if err != nil {
			return "", err
		}
		if isEval {
			return "eval", nil
		}
		return "index", nil
	}
	first, err := kind(files[0])
	if err != nil {
		return "", err
	}
	for _, f := range files[1:] {
		k, err := kind(f)
		if err != nil {
			return "", err
		}
		if k != first {
			return "", usagef("merge: %s is an %s part, %s an %s part: merge one kind at a time", f, k, files[0], first)
		}
	}
	return first, nil
}

// mergeIndex joins partial indices into the index of the whole set.
func mergeIndex(cmd *cobra.Command, out string, files []string) error {
	var parts []jobs.IndexPartFile
	for _, f := range files {
		ix, err := search.Load(f)
		if err != nil {
			return err
		}
		parts = append(parts, jobs.IndexPartFile{File: f, Index: ix})
	}
	whole, err := jobs.MergeIndex(parts)
	if err != nil {
		return err
	}
	if err := whole.Save(out); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "merged %d parts: %d images to %s\n", len(parts), whole.Len(), out)
	return nil
}

// partSuffix names the record (jobs.AnomalyPart) a sharded anomaly run
// writes beside its CSV.
const partSuffix = ".part.json"

// mergeAnomaly joins the score CSVs of a sharded anomaly run, in global
// order, into the CSV of the whole run.
func mergeAnomaly(cmd *cobra.Command, out string, files []string) error {
	var parts []jobs.AnomalyPartFile
	for _, f := range files {
		var p jobs.AnomalyPart
		if err := checkpoint.ReadJSON(f+partSuffix, &p); err != nil {
			return fmt.Errorf("merge: %s: its record %s: %w (is it from a sharded diffuse anomaly run?)", f, f+partSuffix, err)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		parts = append(parts, jobs.AnomalyPartFile{File: f, Part: p, CSV: b})
	}
	csv, err := jobs.MergeAnomaly(parts)
	if err != nil {
		return err
	}
	if err := writeBytes(out, csv); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "merged %d parts: %d rows to %s\n", len(parts), parts[0].Part.Total, out)
	return nil
}
