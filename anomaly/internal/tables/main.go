// Command tables measures anomaly detection on table rows
// (docs/anomaly.md, "Tables"): for each data set and each class c, the
// class column is dropped and the rows of class c are held out as
// anomalies; the other rows are split (seeded) into train (60%),
// validation (20%, the thresholds and the attribution scale) and test
// (20%). Two tests: (a) held-out class — the test rows of the other
// classes against every row of c; (b) corrupted cells — the test rows
// against copies of them with -cells cells each replaced by that
// column's value in another random training row (a swap between rows;
// the value always differs). The diffusion model (tabular.TrainModel, no
// target) scores rows by tabular.AnomalyScores; the baselines are an
// isolation forest (100 trees, ψ = 256) and the mean distance to the
// k = 5 nearest training rows, both on standardised rows
// (tabular.StandardRows). For the corrupted rows it reports how often the
// column with the largest contribution (each column's contribution
// standardised by its validation mean and deviation) is a corrupted one,
// and prints a few rows. Run from the repository root:
//
//	go run ./anomaly/internal/tables > out/tables.md
//
// Everything is seeded: the numbers repeat bit for bit on one machine.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
)

type dataset struct {
	name, path, class string
	na                []string
}

var datasets = []dataset{
	{"wine", "tabular/testdata/wine.csv", "class", nil},
	{"penguins", "tabular/testdata/penguins.json", "Species", []string{"."}},
}

type settings struct {
	iters, width, layers, batch, cells, draws, show int
	seed                                            uint64
}

func main() {
	var s settings
	flag.IntVar(&s.iters, "iters", 1000, "training iterations of the diffusion model")
	flag.IntVar(&s.width, "width", 128, "MLP width")
	flag.IntVar(&s.layers, "layers", 3, "MLP layers")
	flag.IntVar(&s.batch, "batch", 128, "rows per training iteration")
	flag.IntVar(&s.cells, "cells", 2, "cells corrupted per row")
	flag.IntVar(&s.draws, "draws", 8, "noise draws per step of the anomaly score")
	flag.IntVar(&s.show, "show", 3, "corrupted rows printed per data set and class")
	flag.Uint64Var(&s.seed, "seed", 1, "seed of the split, the corruption, the model and the scores")
	flag.Parse()
	if err := run(s); err != nil {
		fmt.Fprintln(os.Stderr, "tables:", err)
		os.Exit(1)
	}
}

// result is one row of the AUROC table.
type result struct {
	name                     string
	diff, iso, knn           [2]float64 // held-out class, corrupted cells
	top1, top2, nCorr, nAnom int
	seconds                  float64
}

func run(s settings) error {
	var results []result
	var examples []string
	for _, ds := range datasets {
		t, err := readTable(ds.path)
		if err != nil {
			return err
		}
		ccol := t.Column(ds.class)
		if ccol < 0 {
			return fmt.Errorf("%s: no column %q", ds.path, ds.class)
		}
		schema, err := tabular.Infer(t, &tabular.Config{Drop: []string{ds.class}, NA: ds.na})
		if err != nil {
			return err
		}
		full, err := tabular.Parse(t, schema, ds.na)
		if err != nil {
			return err
		}
		var classes []string
		for _, r := range t.Rows {
			if !slices.Contains(classes, r[ccol]) {
				classes = append(classes, r[ccol])
			}
		}
		for ci, c := range classes {
			t0 := time.Now()
			var normal, anom []int
			for i, r := range t.Rows {
				if r[ccol] == c {
					anom = append(anom, i)
				} else {
					normal = append(normal, i)
				}
			}
			rng := tensor.NewRNG(s.seed).Split(uint64(ci))
			perm := rng.Perm(len(normal))
			nt, nv := len(normal)*6/10, len(normal)*2/10
			pick := func(lo, hi int) []int {
				out := make([]int, 0, hi-lo)
				for _, p := range perm[lo:hi] {
					out = append(out, normal[p])
				}
				return out
			}
			train, val, test := full.Subset(pick(0, nt)), full.Subset(pick(nt, nt+nv)), full.Subset(pick(nt+nv, len(normal)))
			corrupt, hit := corruptRows(test, train, s.cells, rng.Split(99))
			cfg := tabular.ModelConfig{Width: s.width, Layers: s.layers, Steps: 500}
			m, err := tabular.TrainModel(context.Background(), train, tabular.ScaleQuantile, cfg,
				tabular.TrainOptions{Iters: s.iters, Batch: s.batch, Seed: s.seed})
			if err != nil {
				return fmt.Errorf("%s, class %s: %w", ds.name, c, err)
			}
			opt := tabular.AnomalyOptions{Draws: s.draws, Seed: s.seed}
			score := func(f *tabular.Frame) (*tabular.RowScores, error) {
				return m.AnomalyScores(context.Background(), m.Tr.Encode(f), opt)
			}
			held := test.Append(full.Subset(anom))
			corr := test.Append(corrupt)
			labelsHeld := labels(test.Rows(), len(anom))
			labelsCorr := labels(test.Rows(), corrupt.Rows())
			vs, err := score(val)
			if err != nil {
				return err
			}
			hs, err := score(held)
			if err != nil {
				return err
			}
			cs, err := score(corr)
			if err != nil {
				return err
			}
			r := result{name: fmt.Sprintf("%s, %s held out", ds.name, c), nAnom: len(anom), nCorr: corrupt.Rows()}
			r.diff = [2]float64{auroc(hs.Total, labelsHeld), auroc(cs.Total, labelsCorr)}
			for k, f := range []*tabular.Frame{held, corr} {
				lab := [][]bool{labelsHeld, labelsCorr}[k]
				forest, err := baseline.FitIsolationForest(tabular.StandardRows(train, train), 100, 256, s.seed)
				if err != nil {
					return err
				}
				iso, err := forest.Score(tabular.StandardRows(train, f))
				if err != nil {
					return err
				}
				knn, err := baseline.KNNDistance(asTensor(tabular.StandardRows(train, train)), asTensor(tabular.StandardRows(train, f)), 5)
				if err != nil {
					return err
				}
				r.iso[k], r.knn[k] = auroc(iso, lab), auroc(knn, lab)
			}
			// Attribution: contributions standardised per column on validation rows.
			mean, std := columnScale(vs.Cells)
			names := make([]string, len(schema.Columns))
			for j, col := range schema.Columns {
				names[j] = col.Name
			}
			for i := range corrupt.Rows() {
				z := zRow(cs.Cells[test.Rows()+i], mean, std)
				order := argsortDesc(z)
				if slices.Contains(hit[i], order[0]) {
					r.top1++
				}
				if len(hit[i]) >= 2 && slices.Contains(hit[i], order[0]) && slices.Contains(hit[i], order[1]) {
					r.top2++
				}
				if i < s.show {
					var parts []string
					for _, j := range order[:min(4, len(order))] {
						mark := ""
						if slices.Contains(hit[i], j) {
							mark = "*"
						}
						parts = append(parts, fmt.Sprintf("%s%s %.1f", mark, names[j], z[j]))
					}
					examples = append(examples, fmt.Sprintf("| %s | %d | %s |", r.name, i, strings.Join(parts, ", ")))
				}
			}
			r.seconds = time.Since(t0).Seconds()
			results = append(results, r)
			fmt.Fprintf(os.Stderr, "%s: %.0fs\n", r.name, r.seconds)
		}
	}
	fmt.Printf("## Table anomalies: AUROC\n\n")
	fmt.Printf("Diffusion: TabDDPM-style MLP %d×%d, T = 500, %d iterations of %d rows, quantile scaling; score = tabular.AnomalyScores (steps 25, 50, 100, 200; %d draws), summed over columns.\n",
		s.layers, s.width, s.iters, s.batch, s.draws)
	fmt.Printf("Baselines on standardised rows fitted on the training split: isolation forest (100 trees, ψ = 256), mean distance to the 5 nearest rows. %d cells corrupted per row. Seed %d.\n\n", s.cells, s.seed)
	fmt.Println("| data set, anomalies | held-out rows | diffusego | iForest | kNN | corrupted rows | diffusego | iForest | kNN | top column corrupted | top 2 both corrupted | seconds |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	var sum [6]float64
	for _, r := range results {
		fmt.Printf("| %s | %d | %.4f | %.4f | %.4f | %d | %.4f | %.4f | %.4f | %d/%d | %d/%d | %.0f |\n", r.name, r.nAnom,
			r.diff[0], r.iso[0], r.knn[0], r.nCorr, r.diff[1], r.iso[1], r.knn[1], r.top1, r.nCorr, r.top2, r.nCorr, r.seconds)
		for k, v := range []float64{r.diff[0], r.iso[0], r.knn[0], r.diff[1], r.iso[1], r.knn[1]} {
			sum[k] += v / float64(len(results))
		}
	}
	fmt.Printf("| **mean of %d** | | %.4f | %.4f | %.4f | | %.4f | %.4f | %.4f | | | |\n\n", len(results), sum[0], sum[1], sum[2], sum[3], sum[4], sum[5])
	fmt.Println("Corrupted rows: the four columns with the largest standardised contribution (* = a corrupted cell).")
	fmt.Println()
	fmt.Println("| data set | test row | columns by contribution (z) |")
	fmt.Println("|---|---|---|")
	for _, e := range examples {
		fmt.Println(e)
	}
	return nil
}

// corruptRows returns a copy of test where each row has k cells (distinct
// columns, chosen at random) replaced by that column's value in a random
// row of pool that differs from it; hit lists the corrupted columns of
// each row. A column whose values never differ is skipped.
func corruptRows(test, pool *tabular.Frame, k int, rng *tensor.RNG) (*tabular.Frame, [][]int) {
	out := test.Subset(seq(test.Rows()))
	hit := make([][]int, test.Rows())
	cols := len(test.Cols)
	for i := range test.Rows() {
		for _, j := range rng.Perm(cols) {
			if len(hit[i]) == k {
				break
			}
			for range 50 {
				v := pool.Cols[j][rng.Intn(pool.Rows())]
				old := out.Cols[j][i]
				if !math.IsNaN(v) && v != old {
					out.Cols[j][i] = v
					hit[i] = append(hit[i], j)
					break
				}
			}
		}
	}
	return out, hit
}

func labels(normal, anomalous int) []bool {
	out := make([]bool, normal+anomalous)
	for i := normal; i < len(out); i++ {
		out[i] = true
	}
	return out
}

func auroc(scores []float64, anomalous []bool) float64 {
	a, err := metrics.AUROC(scores, anomalous)
	if err != nil {
		panic(err) // both kinds present by construction
	}
	return a
}

func asTensor(rows [][]float64) *tensor.Tensor {
	d := len(rows[0])
	t := tensor.New(len(rows), d)
	for i, r := range rows {
		for j, v := range r {
			t.Data[i*d+j] = float32(v)
		}
	}
	return t
}

// columnScale returns the mean and standard deviation of each column of
// cells (a deviation of 0 becomes 1).
func columnScale(cells [][]float64) (mean, std []float64) {
	d := len(cells[0])
	mean, std = make([]float64, d), make([]float64, d)
	for _, r := range cells {
		for j, v := range r {
			mean[j] += v / float64(len(cells))
		}
	}
	for _, r := range cells {
		for j, v := range r {
			std[j] += (v - mean[j]) * (v - mean[j]) / float64(len(cells))
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j])
		if std[j] == 0 {
			std[j] = 1
		}
	}
	return mean, std
}

func zRow(cells, mean, std []float64) []float64 {
	z := make([]float64, len(cells))
	for j, v := range cells {
		z[j] = (v - mean[j]) / std[j]
	}
	return z
}

func argsortDesc(v []float64) []int {
	idx := seq(len(v))
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] > v[idx[b]] })
	return idx
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func readTable(path string) (*data.Table, error) {
	if strings.HasSuffix(path, ".json") {
		return data.ReadJSONRows(path)
	}
	return data.ReadCSV(path)
}
