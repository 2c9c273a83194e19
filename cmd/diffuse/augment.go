package main

import (
	"context"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/augment"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tabular"
	"github.com/spf13/cobra"
)

// augmentRequest are the flags that say how many synthetic examples to make.
type augmentRequest struct {
	perClass      int
	ratio         float64
	minority      bool
	minConfidence float64
}

func (a *augmentRequest) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.IntVar(&a.perClass, "per-class", 0, "synthetic examples per class (with --minority: at most this many, and only up to the largest class)")
	f.Float64Var(&a.ratio, "ratio", 0, "instead of --per-class: the synthetic share r of the augmented set, in [0, 1): n·r/(1−r) per class of n real examples")
	f.BoolVar(&a.minority, "minority", false, "augment only the classes smaller than the largest, up to its size")
	f.Float64Var(&a.minConfidence, "min-confidence", 0, "keep a synthetic example only when a classifier trained on the real data gives its class at least this probability (0: keep all)")
}

// request checks the flags and returns the augment.Request.
func (a *augmentRequest) request() (augment.Request, error) {
	if err := augment.CheckRatio(a.ratio); err != nil {
		return augment.Request{}, usagef("--ratio: %v", err)
	}
	if a.minConfidence < 0 || a.minConfidence > 1 {
		return augment.Request{}, usagef("--min-confidence %g: want a probability in [0, 1]", a.minConfidence)
	}
	if a.perClass < 0 {
		return augment.Request{}, usagef("--per-class %d: want ≥ 0", a.perClass)
	}
	if a.perClass == 0 && a.ratio == 0 && !a.minority {
		return augment.Request{}, usagef("say how many: --per-class N, --ratio R or --minority")
	}
	if a.perClass > 0 && a.ratio > 0 {
		return augment.Request{}, usagef("--per-class and --ratio: give one of them")
	}
	if a.ratio == 1 {
		return augment.Request{}, usagef("--ratio 1 means synthetic data only, which no count beside real data gives: use --per-class")
	}
	return augment.Request{PerClass: a.perClass, Ratio: a.ratio, Minority: a.minority}, nil
}

// newAugmentCmd builds `diffuse augment` and its subcommands.
func newAugmentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "augment",
		Short: "Add synthetic examples to a labelled data set: images, table, text",
		Long: `augment draws synthetic examples of chosen classes from a class-conditional
model and writes them beside the real ones, with their labels and a manifest
(model SHA-256, seed, guidance, counts, settings); the same settings write
the same files. Whether it helps a downstream model, and when: docs/augment.md.`,
		Example: `  diffuse augment images --data 'fashion-mnist:train?per-class=10' --per-class 30 --out fm10
  diffuse augment table --data patients.csv --target outcome --minority --out balanced.csv
  diffuse augment text --data fortunes:computers,definitions,science,work --ratio 0.25 --out fortunes-aug`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newAugmentImagesCmd(), newAugmentTableCmd(), newAugmentTextCmd())
	return cmd
}

type augmentImagesSettings struct {
	data, fashionDir, checkpoint, out, sampler string
	raw                                        bool
	guidance                                   float64
	steps, batch, filterSteps                  int
	seed                                       uint64
	req                                        augmentRequest
}

func newAugmentImagesCmd() *cobra.Command {
	var s augmentImagesSettings
	cmd := &cobra.Command{
		Use:   "images",
		Short: "Augment an image folder (one sub-folder per class) or a Fashion-MNIST subset",
		Long: `images reads labelled images: a folder with one sub-folder per class, or
fashion-mnist:train?per-class=N[&seed=S][&classes=0,3] (N images of each class
drawn with seed S), draws synthetic images of each class from --checkpoint
(default: the shipped Fashion-MNIST model) and writes to --out a folder with a
sub-folder per class holding the real images (copied) and the synthetic ones
(syn-CLASS-INDEX.png), labels.csv and manifest.json.

Class folders named 0, 1, … are the model's classes of those numbers; other
names map to the model's classes in sorted order. To augment data the model
was not trained on, train one first: diffuse train --data FOLDER.`,
		Example: `  diffuse augment images --data 'fashion-mnist:train?per-class=10' --per-class 50 --out fm10
  diffuse augment images --data photos/ --checkpoint runs/photos --minority --min-confidence 0.5 --out photos-aug`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAugmentImages(cmd.Context(), s, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.data, "data", "", "labelled images: a folder of class sub-folders, or fashion-mnist:train?per-class=N[&seed=S][&classes=…]")
	f.StringVar(&s.fashionDir, "fashion-dir", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder for fashion-mnist: sources")
	f.StringVar(&s.checkpoint, "checkpoint", "", "class-conditional checkpoint file or run folder (default: the shipped Fashion-MNIST model)")
	f.BoolVar(&s.raw, "raw", false, "use the raw weights instead of the EMA")
	f.StringVar(&s.out, "out", "", "output folder (must be new or empty)")
	f.Float64Var(&s.guidance, "guidance", 3, "classifier-free guidance scale (1 = plain conditional)")
	f.StringVar(&s.sampler, "sampler", "dpmpp2m", "sampler whose images do not depend on their batch: dpmpp2m, euler, heun, ddim")
	f.IntVar(&s.steps, "steps", 20, "sampling steps")
	f.IntVar(&s.batch, "batch", 64, "images per sampling call")
	f.IntVar(&s.filterSteps, "filter-steps", 400, "training steps of the --min-confidence classifier")
	f.Uint64Var(&s.seed, "seed", 1, "random seed")
	s.req.add(cmd)
	return cmd
}

func runAugmentImages(ctx context.Context, s augmentImagesSettings, log io.Writer) error {
	if s.data == "" || s.out == "" {
		return usagef("--data and --out are required")
	}
	req, err := s.req.request()
	if err != nil {
		return err
	}
	if s.steps < 1 {
		return usagef("--steps %d: want ≥ 1", s.steps)
	}
	spec := sampler.Spec{Name: s.sampler, Steps: s.steps}
	if !spec.ItemWise() {
		return usagef("--sampler %q: want one whose images do not depend on their batch (dpmpp2m, euler, heun, ddim), so that the same settings give the same files", s.sampler)
	}
	if err := augment.CheckImageOutput(s.out); err != nil {
		return err
	}
	p, hash, err := jobs.LoadModel(s.checkpoint, s.raw)
	if err != nil {
		return err
	}
	cfg := p.Model.UNet
	var real *augment.Images
	if strings.HasPrefix(s.data, jobs.FashionPrefix) {
		real, err = loadFashionSubset(s.data, s.fashionDir)
	} else {
		real, err = augment.LoadFolder(s.data, cfg.ImageSize, cfg.InChannels)
	}
	if err != nil {
		return err
	}
	modelClass, err := augment.ModelClasses(s.data, real.Classes, cfg.Classes)
	if err != nil {
		return err
	}
	counts, err := req.Counts(real.ClassCounts())
	if err != nil {
		return usagef("%v", err)
	}
	opt := augment.ImageOptions{Guidance: s.guidance, Sampler: spec, Seed: s.seed, Batch: s.batch, ModelClass: modelClass,
		MinConfidence: s.req.minConfidence, Progress: func(msg string) { fmt.Fprintln(log, msg) }}
	filter := ""
	if s.req.minConfidence > 0 {
		fmt.Fprintf(log, "training the filter classifier on %d real images (%d steps)\n", real.Len(), s.filterSteps)
		if opt.Filter, err = augment.TrainFilter(ctx, real, s.filterSteps, s.seed); err != nil {
			return err
		}
		filter = fmt.Sprintf("classifier.CNN trained on the real images, %d steps, seed %d", s.filterSteps, s.seed)
	}
	syn, reports, err := augment.GenerateImages(ctx, p, real.Classes, counts, opt)
	if err != nil {
		return err
	}
	model := "shipped:fashion-mnist"
	if s.checkpoint != "" {
		model = filepath.Base(s.checkpoint)
	}
	m := augment.Manifest{Source: s.data, Model: model, ModelSHA256: hash, Seed: s.seed, Guidance: s.guidance,
		Sampler: s.sampler, Steps: s.steps, Request: req, MinConfidence: s.req.minConfidence, Filter: filter,
		Classes:  augment.NewCounts(real.ClassCounts(), reports),
		Settings: map[string]any{"weights": map[bool]string{true: "raw", false: "ema"}[s.raw], "threshold": true}}
	if err := augment.WriteImages(s.out, real, syn, m); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %d real and %d synthetic images, labels.csv and manifest.json to %s\n", real.Len(), syn.Len(), s.out)
	return nil
}

// loadFashionSubset reads fashion-mnist:train?per-class=N[&seed=S][&classes=…].
func loadFashionSubset(spec, dir string) (*augment.Images, error) {
	bad := func(format string, args ...any) error {
		return usagef("--data %q: %s (want fashion-mnist:train?per-class=N, optionally &seed=S&classes=0,3)", spec, fmt.Sprintf(format, args...))
	}
	split, query, _ := strings.Cut(strings.TrimPrefix(spec, jobs.FashionPrefix), "?")
	if split != "train" && split != "test" {
		return nil, bad("split %q", split)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, bad("%v", err)
	}
	perClass, seed := 0, uint64(0)
	var classes []int
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch key {
		case "per-class":
			if perClass, err = strconv.Atoi(v); err != nil || perClass < 1 {
				return nil, bad("per-class %q: want a count ≥ 1", v)
			}
		case "seed":
			if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
				return nil, bad("seed %q: want a whole number", v)
			}
		case "classes":
			for _, f := range strings.Split(v, ",") {
				c, err := strconv.Atoi(f)
				if err != nil || c < 0 || c > 9 {
					return nil, bad("classes: %q is not a class 0–9", f)
				}
				classes = append(classes, c)
			}
		default:
			return nil, bad("unknown key %q", key)
		}
	}
	if perClass == 0 {
		return nil, bad("per-class missing")
	}
	x, y, err := data.LoadFashionMNIST(dir, split)
	if err != nil {
		return nil, err
	}
	sp, err := augment.SplitFashion(x, y, perClass, 0, seed)
	if err != nil {
		return nil, err
	}
	set := sp.Train
	if classes != nil {
		keep := map[int]int{}
		var names []string
		for _, c := range classes {
			if _, dup := keep[c]; !dup {
				keep[c] = len(names)
				names = append(names, strconv.Itoa(c))
			}
		}
		var idx []int
		for i, l := range set.Labels {
			if _, ok := keep[l]; ok {
				idx = append(idx, i)
			}
		}
		set = set.Subset(idx)
		for i, l := range set.Labels {
			set.Labels[i] = keep[l]
		}
		set.Classes = names
	}
	set.Names = make([]string, set.Len())
	for i := range set.Names {
		set.Names[i] = fmt.Sprintf("real-%06d.png", i)
	}
	return set, nil
}

type augmentTableSettings struct {
	data   tabularData
	model  tabularModel
	reuse  string
	out    string
	sample uint64
	req    augmentRequest
}

func newAugmentTableCmd() *cobra.Command {
	var s augmentTableSettings
	cmd := &cobra.Command{
		Use:   "table",
		Short: "Augment a table with a target column",
		Long: `table reads a CSV or JSON table with a categorical --target column, fits a
class-conditional tabular model to it (or reuses --model, from diffuse tabular
train on the same columns), draws synthetic rows of the asked classes and
writes --out (CSV): the real rows, then the synthetic ones; OUT.manifest.json
says how many of each and how they were made.`,
		Example: `  diffuse augment table --data patients.csv --target outcome --minority --out balanced.csv
  diffuse augment table --data penguins.json --config penguins.config.json --per-class 100 --min-confidence 0.8 --out more.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAugmentTable(cmd.Context(), s, cmd.OutOrStdout())
		},
	}
	s.data.add(cmd)
	s.model.add(cmd)
	s.req.add(cmd)
	cmd.Flags().StringVar(&s.reuse, "model", "", "a tabular model folder to reuse instead of training one")
	cmd.Flags().StringVar(&s.out, "out", "", "output CSV file (must not exist)")
	cmd.Flags().Uint64Var(&s.sample, "sample-seed", 1, "seed of the synthetic rows")
	return cmd
}

func runAugmentTable(ctx context.Context, s augmentTableSettings, log io.Writer) error {
	if s.out == "" {
		return usagef("--out is required")
	}
	req, err := s.req.request()
	if err != nil {
		return err
	}
	if err := s.model.check(); err != nil {
		return err
	}
	if err := augment.CheckTableOutput(s.out); err != nil {
		return err
	}
	f, err := s.data.load()
	if err != nil {
		return err
	}
	target, counts, err := augment.TableTarget(f, s.data.data, f.Schema.Target)
	if err != nil {
		return err
	}
	want, err := req.Counts(counts)
	if err != nil {
		return usagef("%v", err)
	}
	var m *tabular.Model
	modelName := "trained here"
	settings := map[string]any{"iters": s.model.opt.Iters, "batch": s.model.opt.Batch, "lr": s.model.opt.LR,
		"width": s.model.cfg.Width, "layers": s.model.cfg.Layers, "steps": s.model.cfg.Steps, "scaling": s.model.scaling, "train_seed": s.model.opt.Seed}
	if s.reuse != "" {
		if m, err = tabular.Load(s.reuse); err != nil {
			return err
		}
		modelName, settings = s.reuse, nil
	} else {
		fmt.Fprintf(log, "training on %d rows (%d iterations)\n", f.Rows(), s.model.opt.Iters)
		if m, err = tabular.TrainModel(ctx, f, s.model.scaling, s.model.cfg, s.model.opt); err != nil {
			return err
		}
	}
	hash, err := tableModelHash(m)
	if err != nil {
		return err
	}
	syn, reports, err := augment.GenerateRows(ctx, m, f, target, want, augment.TableOptions{Seed: s.sample, MinConfidence: s.req.minConfidence})
	if err != nil {
		return err
	}
	man := augment.Manifest{Source: s.data.data, Model: modelName, ModelSHA256: hash, Seed: s.sample, Request: req,
		MinConfidence: s.req.minConfidence, Target: f.Schema.Target, Settings: settings, Classes: augment.NewCounts(counts, reports)}
	if s.req.minConfidence > 0 {
		man.Filter = "logistic regression fitted to the real rows"
	}
	if err := augment.WriteTable(s.out, f, syn, man); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %d real and %d synthetic rows to %s and %s\n", f.Rows(), syn.Rows(), s.out, augment.ManifestPath(s.out))
	return nil
}

// tableModelHash is the SHA-256 of the model as Save writes it (its
// weights file and its JSON), saved to a temporary folder.
func tableModelHash(m *tabular.Model) (string, error) {
	dir, err := os.MkdirTemp("", "augment-model-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := m.Save(dir); err != nil {
		return "", err
	}
	return augment.HashFiles(filepath.Join(dir, tabular.WeightsFile), filepath.Join(dir, tabular.ConfigFile))
}
