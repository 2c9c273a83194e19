// Command augbench regenerates the tables and the plot of docs/augment.md:
// the downstream benchmark of augment on Fashion-MNIST images (real only,
// classic flips and shifts, the shipped model's synthetic images) and on a
// table whose minority class is cut to a tenth (real only, SMOTE,
// diffusego's rows). It prints Markdown tables and writes the raw results
// as JSON and the accuracy plot as PNG.
//
//	go run ./augment/cmd/augbench -images -tables -seeds 5 -out out/augment
//
// -checkpoint picks the image model (a checkpoint file, or a run folder
// for its newest checkpoint; EMA weights); the default is the shipped
// Fashion-MNIST model. The synthetic pools are cached by the model's
// SHA-256, so pools of different models never mix.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diffusego/diffusego/augment"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/tensor"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "augbench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("augbench", flag.ContinueOnError)
	images := fs.Bool("images", false, "run the Fashion-MNIST benchmark")
	tables := fs.Bool("tables", false, "run the tabular minority-class benchmark")
	texts := fs.Bool("text", false, "run the labelled-text benchmark")
	var tf textFlags
	fs.StringVar(&tf.source, "text-data", "fortunes:computers,definitions,science,work", "labelled text: fortunes:FILE,… or a folder with one corpus file per class")
	fs.IntVar(&tf.maxChars, "text-max-chars", 100, "keep texts of at most this many characters")
	fs.IntVar(&tf.perClass, "text-per-class", 50, "real texts per class")
	fs.IntVar(&tf.val, "text-val", 50, "validation texts per class")
	fs.IntVar(&tf.test, "text-test", 100, "test texts per class")
	fs.IntVar(&tf.steps, "text-steps", 500, "MDLM generator training steps")
	fs.IntVar(&tf.genSteps, "text-sampler-steps", 32, "MDLM sampling steps")
	fs.IntVar(&tf.context, "text-context", 128, "MDLM context (characters)")
	fs.IntVar(&tf.batch, "text-batch", 16, "MDLM training batch")
	fs.Float64Var(&tf.lr, "text-lr", 1e-3, "MDLM learning rate")
	fs.StringVar(&tf.ratios, "text-ratios", "0.25,0.5", "mixing ratios (synthetic share) to choose from on validation")
	fashion := fs.String("fashion", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder")
	ckpt := fs.String("checkpoint", "", "class-conditional image model: checkpoint file or run folder (default: the shipped Fashion-MNIST model)")
	perClass := fs.String("per-class", "10,50,300", "real images per class, comma-separated")
	seeds := fs.Int("seeds", 5, "seeds per cell")
	ratios := fs.String("ratios", "0.25,0.5,0.75", "mixing ratios (synthetic share) to choose from on validation")
	classic := fs.String("classic-ratios", "", "shares of flipped/shifted copies to choose from (default: -ratios)")
	guidance := fs.String("guidance", "1,3", "guidance scales to choose from on validation")
	pool := fs.Int("pool", 100, "synthetic images per class and guidance")
	samplerSteps := fs.Int("sampler-steps", 20, "DPM-Solver++(2M) steps")
	steps := fs.Int("steps", 400, "classifier training steps")
	valN := fs.Int("val", 100, "validation images per class (from the training split, never trained on)")
	testN := fs.Int("test", 10000, "test images (the first N of the test split)")
	tableList := fs.String("table-data", "tabular/testdata/breast_cancer.csv:diagnosis:malignant", "tables FILE:TARGET:MINORITY, comma-separated")
	iters := fs.Int("iters", 1000, "tabular diffusion training iterations")
	tableRatios := fs.String("table-ratios", "0.5,0.75,0.9", "minority mixing ratios (synthetic share of the minority rows) to choose from on validation; capped at the majority's count")
	tableFilter := fs.Float64("table-filter", 0, "also run diffusego-filtered: keep synthetic minority rows the real-data logistic regression gives at least this probability (0: not run)")
	width := fs.Int("width", 128, "tabular denoiser width")
	replot := fs.String("replot", "", "only redraw the plot and print the image table from this results.json")
	out := fs.String("out", "out/augment", "folder for results.json, the plot and the synthetic pool cache")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *replot != "" {
		return redraw(*replot, *out, stdout)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	say := func(msg string) { fmt.Fprintf(os.Stderr, "[%6.0fs] %s\n", time.Since(start).Seconds(), msg) }
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	results := map[string]any{}
	save := func() error {
		return checkpoint.WriteAtomic(filepath.Join(*out, "results.json"), func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(results)
		})
	}
	if *images {
		ns, err := ints(*perClass)
		if err != nil {
			return err
		}
		var regs []augment.ImageRegime
		for _, n := range ns { // one regime at a time, saved as it ends
			reg, err := runImages(ctx, imageFlags{fashion: *fashion, checkpoint: *ckpt, perClass: strconv.Itoa(n), seeds: *seeds, ratios: *ratios, classic: *classic,
				guidance: *guidance, pool: *pool, samplerSteps: *samplerSteps, steps: *steps, testN: *testN, val: *valN, out: *out}, say)
			if err != nil {
				return err
			}
			regs = append(regs, reg...)
			results["images"] = regs
			printImages(os.Stderr, regs, *seeds)
			if err := save(); err != nil {
				return err
			}
			if err := augment.PlotAccuracy(filepath.Join(*out, "augment-accuracy.png"), regs); err != nil {
				return err
			}
		}
		printImages(stdout, regs, *seeds)
	}
	if *tables {
		trs, err := floats(*tableRatios)
		if err != nil {
			return err
		}
		all, err := runTables(ctx, *tableList, *seeds, *iters, *width, trs, *tableFilter, say)
		if err != nil {
			return err
		}
		results["tables"] = all
		printTables(stdout, all)
	}
	if *texts {
		tf.seeds = *seeds
		r, err := runTexts(ctx, tf, say)
		if err != nil {
			return err
		}
		results["text"] = r
		printTexts(stdout, r)
	}
	say("done")
	return save()
}

type imageFlags struct {
	fashion, checkpoint, perClass, ratios, classic, guidance, out string
	seeds, pool, samplerSteps, steps, testN, val                  int
}

func runImages(ctx context.Context, f imageFlags, say func(string)) ([]augment.ImageRegime, error) {
	p, hash, err := jobs.LoadModel(f.checkpoint, false) // empty: the shipped model
	if err != nil {
		return nil, err
	}
	say(jobs.ModelLine(f.checkpoint, hash))
	trX, trY, err := data.LoadFashionMNIST(f.fashion, "train")
	if err != nil {
		return nil, err
	}
	teX, teY, err := data.LoadFashionMNIST(f.fashion, "test")
	if err != nil {
		return nil, err
	}
	if f.testN < len(teY) {
		teX = tensor.FromData(teX.Data[:f.testN*28*28], f.testN, 1, 28, 28)
		teY = teY[:f.testN]
	}
	b := &augment.ImageBench{Pipeline: p, ModelHash: hash, TrainX: trX, TrainY: trY, TestX: teX, TestY: teY,
		Seeds: f.seeds, PoolPerClass: f.pool, PoolSeed: 7, Sampler: sampler.Spec{Name: "dpmpp2m", Steps: f.samplerSteps},
		Steps: f.steps, ValPerClass: f.val, CacheDir: f.out, Progress: say}
	if b.PerClass, err = ints(f.perClass); err != nil {
		return nil, err
	}
	if b.Ratios, err = floats(f.ratios); err != nil {
		return nil, err
	}
	if f.classic != "" {
		if b.ClassicRatios, err = floats(f.classic); err != nil {
			return nil, err
		}
	}
	if b.Guidances, err = floats(f.guidance); err != nil {
		return nil, err
	}
	return b.Run(ctx)
}

func printImages(w io.Writer, regs []augment.ImageRegime, seeds int) {
	fmt.Fprintf(w, "\n| real images per class | real only | real + flips/shifts | real + diffusego | diffusego − real | diffusego interval above real? | chosen (guidance, ratio) per seed |\n|---|---|---|---|---|---|---|\n")
	for _, r := range regs {
		re, cl, sy := augment.MeanCI(r.Real), augment.MeanCI(r.Classic), augment.MeanCI(r.Synthetic)
		var diff []float64
		for i := range r.Real {
			diff = append(diff, r.Synthetic[i]-r.Real[i])
		}
		d := augment.MeanCI(diff)
		var ch []string
		for _, c := range r.SynAt {
			s := fmt.Sprintf("%g/%.2f", c.Guidance, c.Ratio)
			if c.Capped {
				s += "*"
			}
			ch = append(ch, s)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %+.4f [%+.4f, %+.4f] | %v | %s |\n", r.PerClass, fmtCI(re), fmtCI(cl), fmtCI(sy), d.Mean, d.Lo, d.Hi, sy.Above(re), strings.Join(ch, " "))
	}
	fmt.Fprintf(w, "\nValidation accuracy of every variant (mean over %d seeds):\n\n", seeds)
	for _, r := range regs {
		fmt.Fprintf(w, "- %d per class:", r.PerClass)
		for _, k := range sortedKeys(r.Val) {
			fmt.Fprintf(w, " %s %.4f;", k, r.Val[k])
		}
		fmt.Fprintln(w)
	}
}

func fmtCI(c augment.Interval) string {
	return fmt.Sprintf("%.4f [%.4f, %.4f]", c.Mean, c.Lo, c.Hi)
}

func sortedKeys(m map[string]float64) []string { return slices.Sorted(maps.Keys(m)) }

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q: want integers separated by commas", s)
		}
		out = append(out, v)
	}
	return out, nil
}

func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("%q: want numbers separated by commas", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// redraw reads the image results of a results.json, prints their table and
// draws the plot into out.
func redraw(path, out string, stdout io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var res struct {
		Images []augment.ImageRegime `json:"images"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(res.Images) == 0 {
		return fmt.Errorf("%s: no image results", path)
	}
	printImages(stdout, res.Images, len(res.Images[0].Real))
	return augment.PlotAccuracy(filepath.Join(out, "augment-accuracy.png"), res.Images)
}
