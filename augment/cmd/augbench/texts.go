package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/diffusego/diffusego/augment"
	"github.com/diffusego/diffusego/train"
)

// textFlags are the settings of the text benchmark.
type textFlags struct {
	source                        string
	maxChars, perClass, val, test int
	seeds, steps, genSteps        int
	context, batch                int
	ratios                        string
	lr                            float64
}

// runTexts runs the text benchmark.
func runTexts(ctx context.Context, f textFlags, say func(string)) (*augment.TextResult, error) {
	data, dropped, err := augment.LoadTexts(f.source, f.maxChars)
	if err != nil {
		return nil, err
	}
	say(fmt.Sprintf("%s: %d texts of at most %d characters in %d classes %v (%d longer left out)", f.source, data.Len(), f.maxChars, len(data.Classes), data.ClassCounts(), dropped))
	ratios, err := floats(f.ratios)
	if err != nil {
		return nil, err
	}
	b := &augment.TextBench{Data: data, Name: f.source, PerClass: f.perClass, Val: f.val, Test: f.test, SplitSeed: 1, Seeds: f.seeds, Ratios: ratios,
		Model: augment.TextModelOptions{Preset: "tiny", Context: f.context, Batch: f.batch,
			Train: train.Options{Steps: f.steps, LR: f.lr, LRSchedule: "cosine", Warmup: min(100, f.steps/10), WeightDecay: 0.01, ClipNorm: 1, EMADecay: 0.999, LogEvery: 100}, Log: os.Stderr},
		Gen: augment.TextOptions{Steps: f.genSteps}, Progress: say}
	return b.Run(ctx)
}

// printTexts writes the text table.
func printTexts(w io.Writer, r *augment.TextResult) {
	fmt.Fprintf(w, "\n%s: classes %v, %d real texts per class, validation %d and test %d per class:\n\n", r.Data, r.Classes, r.PerClass, r.Val, r.Test)
	fmt.Fprintf(w, "| method | macro-F1 | accuracy | minus real, paired (macro-F1) | synthetic texts the real-only classifier puts in their class | ratio chosen per seed |\n|---|---|---|---|---|---|\n")
	real := r.Methods["real"].MacroF1
	for _, m := range augment.TextMethods {
		s := r.Methods[m]
		var rs []string
		for _, x := range s.Ratio {
			rs = append(rs, fmt.Sprintf("%.2f", x))
		}
		diff, fid := "", ""
		if m != "real" {
			d := make([]float64, len(s.MacroF1))
			for i := range d {
				d[i] = s.MacroF1[i] - real[i]
			}
			diff = fmtSigned(augment.MeanCI(d))
			fid = fmtCI(augment.MeanCI(s.Fidelity))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", m, fmtCI(augment.MeanCI(s.MacroF1)), fmtCI(augment.MeanCI(s.Accuracy)), diff, fid, strings.Join(rs, " "))
	}
	fmt.Fprintf(w, "\nValidation macro-F1 (mean over seeds):")
	for _, k := range sortedKeys(r.ValF1) {
		fmt.Fprintf(w, " %s %.4f;", k, r.ValF1[k])
	}
	fmt.Fprintln(w)
}

// fmtSigned is an interval with signs, for differences.
func fmtSigned(c augment.Interval) string {
	return fmt.Sprintf("%+.4f [%+.4f, %+.4f]", c.Mean, c.Lo, c.Hi)
}
