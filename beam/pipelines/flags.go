package pipelines

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/search"
)

// DefaultFashionDir is where Debian's dataset-fashion-mnist package puts
// the data.
const DefaultFashionDir = "/usr/share/datasets/fashion-mnist"

// Flags are the options of the four pipelines, named and defaulted as the
// diffuse command's flags of the same name. One set serves all four
// (Beam's own options share the process's flag set).
type Flags struct {
	Checkpoint, Out, Data, Images, Val, Samples string
	Raw, Threshold                              bool
	N, Class, Steps, Batch, Shards              int
	Guidance, Eta, Temperature, Quantile        float64
	Sampler, Layers, Sigmas                     string
	Seed                                        uint64
	Limit, T, Grid                              int
	Seeds, ReconSteps, Terms, Chunk             int
	set                                         *flag.FlagSet
}

// Register defines the flags on fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	f.set = fs
	def := search.DefaultOptions()
	fs.StringVar(&f.Checkpoint, "checkpoint", "", "checkpoint file (local or gs://…) or local run folder (default: the shipped Fashion-MNIST model) [sample, index, anomaly]")
	fs.BoolVar(&f.Raw, "raw", false, "use the raw weights instead of the EMA [sample, index, anomaly]")
	fs.StringVar(&f.Out, "out", "", "output: the sample folder, the eval report (JSON), the index file, the anomaly CSV (local or gs://…)")
	fs.IntVar(&f.Shards, "shards", 0, "split the job into this many shards (0: sample one per --batch images, eval and index one per 500 images, anomaly one per --chunk)")
	fs.Uint64Var(&f.Seed, "seed", 1, "random seed (sample: the noise; eval: the real subsets; index: the fixed noise image; anomaly: the noise and ELBO steps)")
	fs.StringVar(&f.Data, "data", DefaultFashionDir, "Fashion-MNIST folder [eval, and fashion-mnist: sources]")
	// sample
	fs.IntVar(&f.N, "n", 16, "number of images [sample]")
	fs.IntVar(&f.Class, "class", -1, "sample: class of every image (-1: cycle through the classes); anomaly: the normal class of a conditional model")
	fs.Float64Var(&f.Guidance, "guidance", 3, "classifier-free guidance scale [sample]")
	fs.StringVar(&f.Sampler, "sampler", "dpmpp2m", "sampler whose images do not depend on their batch: euler, heun, dpmpp2m, ddim with --eta 0 [sample]")
	fs.IntVar(&f.Steps, "steps", 0, "sampling steps (0: the sampler's usual count) [sample]")
	fs.Float64Var(&f.Eta, "eta", 0, "DDIM's eta [sample]")
	fs.Float64Var(&f.Temperature, "temperature", 1, "scale of the initial and injected noise [sample]")
	fs.IntVar(&f.Batch, "batch", 64, "images per network batch [sample]")
	fs.BoolVar(&f.Threshold, "threshold", true, "clip the predicted clean image to [-1, 1] at every step [sample]")
	// eval
	fs.StringVar(&f.Samples, "samples", "", "folder of generated PNG images [eval]")
	// index
	fs.StringVar(&f.Images, "images", "", "image folder or fashion-mnist:SPLIT (anomaly: also ?classes=…&range=FROM:TO) [index, anomaly]")
	fs.IntVar(&f.Limit, "limit", 0, "index only the first N images (0 = all) [index]")
	fs.IntVar(&f.T, "t", def.T, "time step of the noised input [index]")
	fs.StringVar(&f.Layers, "layers", def.Layers, "mid or all [index]")
	fs.IntVar(&f.Grid, "grid", def.Grid, "pool over a grid×grid partition (cut to the bottleneck's side when not given) [index]")
	// anomaly
	fs.StringVar(&f.Val, "val", "", "normal validation images for the thresholds [anomaly]")
	fs.StringVar(&f.Sigmas, "sigmas", "0.3,0.7", "noise levels of the reconstruction score [anomaly]")
	fs.IntVar(&f.Seeds, "seeds", 2, "noise draws per level [anomaly]")
	fs.IntVar(&f.ReconSteps, "recon-steps", 0, "DDPM steps to denoise back (0: one-shot) [anomaly]")
	fs.IntVar(&f.Terms, "elbo-terms", 6, "ELBO diffusion terms evaluated (0: all) [anomaly]")
	fs.Float64Var(&f.Quantile, "quantile", 0.95, "threshold = this quantile of the validation scores [anomaly]")
	fs.IntVar(&f.Chunk, "chunk", 100, "images scored together [anomaly]")
}

// changed reports whether the flag was given.
func (f *Flags) changed(name string) bool {
	set := false
	f.set.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// Pipelines are the pipelines diffuse-beam builds.
var Pipelines = []string{"sample", "eval", "index", "anomaly"}

// Build builds the named pipeline from the flags.
func (f *Flags) Build(ctx context.Context, name string) (*beam.Pipeline, error) {
	if f.Out == "" {
		return nil, fmt.Errorf("--out: want the output (a folder for sample, a file for eval, index and anomaly)")
	}
	if f.Shards < 0 {
		return nil, fmt.Errorf("--shards: want ≥ 0 (0: automatic), got %d", f.Shards)
	}
	p, s := beam.NewPipelineWithRoot()
	switch name {
	case "sample":
		m, pl, err := ResolveModel(ctx, f.Checkpoint, f.Raw)
		if err != nil {
			return nil, err
		}
		if f.Temperature <= 0 || f.Guidance < 0 || f.Steps < 0 {
			return nil, fmt.Errorf("--temperature > 0, --guidance ≥ 0, --steps ≥ 0: got %g, %g, %d", f.Temperature, f.Guidance, f.Steps)
		}
		spec := jobs.SampleSpec{Checkpoint: f.Checkpoint, Hash: m.Hash, N: f.N, Class: f.Class, Guidance: f.Guidance,
			Sampler: f.Sampler, Steps: f.Steps, Eta: f.Eta, Seed: f.Seed, Temperature: f.Temperature, Raw: f.Raw,
			Threshold: f.Threshold, Batch: f.Batch}
		if _, err := spec.Prepare(pl); err != nil {
			return nil, err
		}
		if _, err := Sample(s, SampleConfig{Model: m, Spec: spec, Out: f.Out, Shards: f.Shards}); err != nil {
			return nil, err
		}
	case "eval":
		if f.Samples == "" {
			return nil, fmt.Errorf("--samples: want a folder of PNG images")
		}
		if err := Eval(s, EvalConfig{Samples: f.Samples, Data: f.Data, Seed: f.Seed, Out: f.Out, Shards: f.Shards}); err != nil {
			return nil, err
		}
	case "index":
		if f.Images == "" || f.Limit < 0 {
			return nil, fmt.Errorf("--images, --limit: want a folder (or fashion-mnist:test) and a limit ≥ 0")
		}
		m, pl, err := ResolveModel(ctx, f.Checkpoint, f.Raw)
		if err != nil {
			return nil, err
		}
		grid := f.Grid
		if !f.changed("grid") {
			grid = jobs.BottleneckGrid(pl, grid)
		}
		spec := jobs.IndexSpec{Images: f.Images, Data: f.Data, Limit: f.Limit, Raw: f.Raw,
			Options: search.Options{T: f.T, Seed: f.Seed, Layers: f.Layers, Grid: grid}}
		if err := Index(s, pl, IndexConfig{Model: m, Spec: spec, Out: f.Out, Shards: f.Shards}); err != nil {
			return nil, err
		}
	case "anomaly":
		switch {
		case f.Images == "" || f.Val == "":
			return nil, fmt.Errorf("--images and --val: want the images to score and normal validation images")
		case f.Seeds < 1 || f.ReconSteps < 0 || f.Terms < 0 || f.Chunk < 1:
			return nil, fmt.Errorf("--seeds ≥ 1, --recon-steps ≥ 0, --elbo-terms ≥ 0, --chunk ≥ 1: got %d, %d, %d, %d", f.Seeds, f.ReconSteps, f.Terms, f.Chunk)
		case !(f.Quantile > 0 && f.Quantile < 1):
			return nil, fmt.Errorf("--quantile: want a number in (0, 1), got %g", f.Quantile)
		}
		sigmas, err := ParseSigmas(f.Sigmas)
		if err != nil {
			return nil, err
		}
		m, pl, err := ResolveModel(ctx, f.Checkpoint, f.Raw)
		if err != nil {
			return nil, err
		}
		spec := jobs.AnomalySpec{Class: f.Class, Sigmas: sigmas, Seeds: f.Seeds, ReconSteps: f.ReconSteps, Terms: f.Terms,
			Quantile: f.Quantile, Seed: f.Seed, Chunk: f.Chunk}
		if err := Anomaly(s, pl, AnomalyConfig{Model: m, Spec: spec, Images: f.Images, Val: f.Val, Data: f.Data, Out: f.Out, Shards: f.Shards}); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown pipeline %q: want one of %s", name, strings.Join(Pipelines, ", "))
	}
	return p, nil
}

// ParseSigmas reads a comma-separated list of positive noise levels.
func ParseSigmas(list string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("--sigmas: %q is not a positive number", f)
		}
		out = append(out, v)
	}
	return out, nil
}
