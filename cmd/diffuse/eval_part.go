package main

import (
	"fmt"
	"io"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/models/classifier"
	"github.com/spf13/cobra"
)

// writeEvalPart extracts the classifier features of the part's share of
// the samples and writes them to out.
func writeEvalPart(log io.Writer, samples, out string, part shard) error {
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	rec, feats, err := jobs.EvalFeatures(clf, samples, part)
	if err != nil {
		return asUsage(err)
	}
	err = checkpoint.WriteAtomic(out, func(w io.Writer) error { return jobs.EncodeEvalPart(w, rec, feats) })
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote the features of images %d..%d of %d (%s) to %s\n", rec.First, rec.First+len(rec.Names)-1, rec.Total, part, out)
	return nil
}

// isEvalPart reports whether path is an eval part (else it is read as an
// index part).
func isEvalPart(path string) (bool, error) {
	meta, err := checkpoint.ReadMeta(path)
	if err != nil {
		return false, fmt.Errorf("merge: %w", err)
	}
	_, ok := meta[jobs.EvalPartKey]
	return ok, nil
}

// mergeEval joins eval parts (jobs.MergeEval) and scores their features
// as diffuse eval scores a folder; it prints the report and writes it as
// JSON to out.
func mergeEval(cmd *cobra.Command, out string, files []string, realDir string, seed uint64) error {
	var parts []jobs.EvalPartFile
	for _, f := range files {
		ck, err := checkpoint.ReadFile(f)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		p, x, err := jobs.DecodeEvalPart(ck, f)
		if err != nil {
			return err
		}
		parts = append(parts, jobs.EvalPartFile{File: f, Part: p, Features: x})
	}
	folder, fake, right, err := jobs.MergeEval(parts)
	if err != nil {
		return err
	}
	clf, err := classifier.LoadFashionMNIST()
	if err != nil {
		return err
	}
	rep, err := jobs.ScoreFeatures(clf, folder, fake, right, realDir, seed)
	if err != nil {
		return err
	}
	jobs.PrintEval(cmd.OutOrStdout(), rep)
	return checkpoint.WriteJSON(out, rep)
}
