package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/diffusego/diffusego/augment"
	"github.com/diffusego/diffusego/tabular"
)

// runTables runs the tabular benchmark on every FILE:TARGET:MINORITY of
// list, the minority class cut to a tenth of its training rows.
func runTables(ctx context.Context, list string, seeds, iters, width int, ratios []float64, filter float64, say func(string)) ([]augment.TableResult, error) {
	var all []augment.TableResult
	for _, spec := range strings.Split(list, ",") {
		parts := strings.Split(spec, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("-table-data %q: want FILE:TARGET:MINORITY", spec)
		}
		f, err := augment.LoadTable(parts[0], &tabular.Config{Target: parts[1]})
		if err != nil {
			return nil, err
		}
		target, _, err := augment.TableTarget(f, parts[0], parts[1])
		if err != nil {
			return nil, err
		}
		minority := slices.Index(f.Schema.Columns[target].Categories, parts[2])
		if minority < 0 {
			return nil, fmt.Errorf("%s: class %q not in %q", parts[0], parts[2], f.Schema.Columns[target].Categories)
		}
		b := &augment.TableBench{Data: f, Name: filepath.Base(parts[0]), Target: target, Minority: minority, MinorityShare: 0.1,
			Seeds: seeds, Ratios: ratios, Model: tabular.ModelConfig{Width: width}, Train: tabular.TrainOptions{Iters: iters}, Filter: filter, Progress: say}
		res, err := b.Run(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, *res)
	}
	return all, nil
}

// printTables writes one Markdown table per data set.
func printTables(w io.Writer, all []augment.TableResult) {
	for _, r := range all {
		fmt.Fprintf(w, "\n%s, target %s, minority class %s cut to %d training rows (train/val/test rows %d/%d/%d):\n\n",
			r.Data, r.Target, r.Minority, r.MinorityN, r.Rows[0], r.Rows[1], r.Rows[2])
		fmt.Fprintf(w, "| method | minority recall | balanced accuracy | macro-F1 | minority recall minus real, paired | ratio chosen per seed |\n|---|---|---|---|---|---|\n")
		order := r.Order
		if len(order) == 0 {
			order = augment.TableMethods
		}
		for _, m := range order {
			s := r.Methods[m]
			diff := ""
			if m != "real" {
				d := make([]float64, len(s.Recall))
				for i := range d {
					d[i] = s.Recall[i] - r.Methods["real"].Recall[i]
				}
				diff = fmtSigned(augment.MeanCI(d))
			}
			var rs []string
			for _, x := range s.Ratio {
				rs = append(rs, fmt.Sprintf("%.2f", x))
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", m, fmtCI(augment.MeanCI(s.Recall)), fmtCI(augment.MeanCI(s.Balanced)),
				fmtCI(augment.MeanCI(s.MacroF1)), diff, strings.Join(rs, " "))
		}
		fmt.Fprintf(w, "\nValidation balanced accuracy (mean over seeds):")
		for _, k := range sortedKeys(r.Val) {
			fmt.Fprintf(w, " %s %.4f;", k, r.Val[k])
		}
		fmt.Fprintln(w)
	}
}
