package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
	"github.com/spf13/cobra"
)

// sampleSettings are the flags of `diffuse sample`.
type sampleSettings struct {
	checkpoint  string
	out         string
	n           int
	class       int
	guidance    float64
	sampler     string
	steps       int
	eta         float64
	sigmaMax    float64
	seed        uint64
	temperature float64
	raw         bool
	trajectory  bool
	npy         bool
	batch       int
	threshold   bool
	shard       shardFlags
	part        shard // set by --shard/--shards
	sharded     bool
	prompts     []string // text-to-image models only
	negative    string
	autoencoder string
}

func newSampleCmd() *cobra.Command {
	var s sampleSettings
	var precision precisionFlag
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate images from a trained model",
		Long: `sample draws images from a checkpoint (by default the Fashion-MNIST model
shipped with diffuse) and writes one PNG per image, named INDEX_cCLASS.png
(the _cCLASS part only for class-conditional models), and grid.png.

Each PNG carries its generation settings in text chunks (checkpoint hash,
sampler, steps, seed, class, guidance, temperature, and batch for samplers
whose batch shares noise), so any image
can be made again: the same settings give the same bytes.

Without --class, a conditional model cycles through the classes
(image i has class i mod classes).

A student made by diffuse distill samples with its own schedule: DDIM on
the grid of the steps it was distilled for, one network call per step,
with its guidance already inside. --sampler is not used for it, and
--steps and --guidance must be left out or equal the student's.

Image i's noise derives from (seed, i) alone, so with --shard I --shards N
(or JOB_COMPLETION_INDEX for I) a process draws only images
[I·n/N, (I+1)·n/N), and the N runs' PNGs together are byte for byte those
of one unsharded run. Sharded runs write no grid.png; they need a sampler
whose images do not depend on their batch (euler, heun, dpmpp2m, ddim with
--eta 0).

A text-to-image model (diffuse train --latent or --text, or an export of
one; with --prompt and no --checkpoint, the shipped emoji model) takes --prompt
(repeatable; --n images per prompt, a row each in grid.png) and
--negative-prompt instead of --class; a latent model decodes its samples
(and its --trajectory) with the autoencoder it was trained with, the copy
in its folder unless --autoencoder names another with the same SHA-256.
Prompts use the characters of the training captions: upper case is read
as lower case, any other unknown character is refused, and prompts longer
than the model's maximum are refused, not cut.`,
		Example: `  diffuse sample --out samples --n 20
  diffuse sample --checkpoint runs/fashion/ckpt-002000.safetensors --class 7 --guidance 3 --n 16 --out boots
  diffuse sample --sampler ddpm --steps 1000 --seed 3 --trajectory --npy --out ddpm
  diffuse sample --n 100000 --shard 3 --shards 16 --out big
  diffuse sample --checkpoint runs/emoji-latent --prompt "red apple" --prompt "cactus" --guidance 4 --n 4 --out emoji`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if s.n < 1 {
				return usagef("--n: want ≥ 1, got %d", s.n)
			}
			if s.batch < 1 {
				return usagef("--batch: want ≥ 1, got %d", s.batch)
			}
			if s.temperature <= 0 {
				return usagef("--temperature: want > 0, got %g", s.temperature)
			}
			if s.guidance < 0 {
				return usagef("--guidance: want ≥ 0, got %g", s.guidance)
			}
			if s.steps < 0 {
				return usagef("--steps: want ≥ 1 (or 0 for the sampler's usual count), got %d", s.steps)
			}
			spec := sampler.Spec{Name: s.sampler, Eta: s.eta}
			if _, err := spec.Build(); err != nil {
				return usagef("--sampler: %v", err)
			}
			var err error
			if s.part, s.sharded, err = s.shard.resolve(cmd); err != nil {
				return err
			}
			if s.sharded {
				if !spec.ItemWise() {
					return usagef("--shards: --sampler %s (eta %g) draws noise shared by a batch, so its images depend on how the run is split; use euler, heun, dpmpp2m or ddim with --eta 0", s.sampler, s.eta)
				}
				if s.trajectory || s.npy {
					return usagef("--shards: --trajectory and --npy need the whole run; leave them out of sharded runs")
				}
			}
			if err := precision.apply(); err != nil {
				return err
			}
			return runSample(cmd.Context(), s, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.checkpoint, "checkpoint", "", "checkpoint file, or a run folder for its newest checkpoint (default: the shipped Fashion-MNIST model; with --prompt, the shipped emoji text-to-image model)")
	f.StringVar(&s.out, "out", "samples", "output folder")
	f.IntVar(&s.n, "n", 16, "number of images")
	f.IntVar(&s.class, "class", -1, "class of every image (-1: cycle through the classes)")
	f.Float64Var(&s.guidance, "guidance", 3, "classifier-free guidance scale (1 = plain conditional, 0 = the unconditional model)")
	f.StringVar(&s.sampler, "sampler", "dpmpp2m", "sampler: "+strings.Join(sampler.Names(), ", "))
	f.IntVar(&s.steps, "steps", 0, "sampling steps (0: the sampler's usual count)")
	f.Float64Var(&s.eta, "eta", 0, "DDIM's eta (0 deterministic, 1 ancestral)")
	f.Float64Var(&s.sigmaMax, "sigma-max", 0, "noise level sampling starts from (0: the schedule's largest for class models, 80 for text-to-image models)")
	f.Uint64Var(&s.seed, "seed", 1, "random seed")
	f.Float64Var(&s.temperature, "temperature", 1, "scale of the initial and injected noise")
	f.BoolVar(&s.raw, "raw", false, "use the raw weights instead of the EMA")
	f.BoolVar(&s.trajectory, "trajectory", false, "also write trajectory.png: the denoising steps of the first images")
	f.BoolVar(&s.npy, "npy", false, "also write samples.npy: the images as a float32 NumPy array (N, C, H, W) in [-1, 1]")
	f.IntVar(&s.batch, "batch", 64, "images per sampling batch")
	f.BoolVar(&s.threshold, "threshold", true, "clip the predicted clean image to [-1, 1] at every step")
	f.StringArrayVar(&s.prompts, "prompt", nil, "text-to-image models: a prompt (repeat for several; --n images each)")
	f.StringVar(&s.negative, "negative-prompt", "", "text-to-image models: the prompt guidance pushes away from (default: the unconditional one)")
	f.StringVar(&s.autoencoder, "autoencoder", "", "latent models: the autoencoder folder (default: the model folder's copy; its SHA-256 must match)")
	s.shard.add(cmd)
	precision.add(cmd)
	return cmd
}

func runSample(ctx context.Context, s sampleSettings, log io.Writer) error {
	if textimage.IsModel(s.checkpoint) || (s.checkpoint == "" && len(s.prompts) > 0) {
		return runPromptSample(ctx, s, log) // with no --checkpoint, the shipped text-to-image model
	}
	if len(s.prompts) > 0 || s.negative != "" || s.autoencoder != "" {
		name := s.checkpoint
		if name == "" {
			name = "the shipped Fashion-MNIST model"
		}
		return usagef("--prompt, --negative-prompt, --autoencoder: %s is a pixel model with class labels, not a text-to-image model: it takes --class", name)
	}
	p, hash, err := jobs.LoadModel(s.checkpoint, s.raw)
	if err != nil {
		return err
	}
	job, err := jobs.SampleSpec{Checkpoint: s.checkpoint, Hash: hash, N: s.n, Class: s.class, Guidance: s.guidance,
		Sampler: s.sampler, Steps: s.steps, Eta: s.eta, SigmaMax: s.sigmaMax, Seed: s.seed, Temperature: s.temperature, Raw: s.raw,
		Threshold: s.threshold, Batch: s.batch}.Prepare(p)
	if err != nil {
		return asUsage(err)
	}
	spec := job.SamplerSpec()
	if err := os.MkdirAll(s.out, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	first, last := 0, s.n // the global indices this run draws
	if s.sharded {
		first, last = s.part.Span(s.n)
	}
	all := tensor.New(last-first, p.Model.UNet.InChannels, p.Model.UNet.ImageSize, p.Model.UNet.ImageSize)
	per := all.Len() / max(last-first, 1)
	var traj []*tensor.Tensor
	for lo := first; lo < last; lo += s.batch {
		hi := min(lo+s.batch, last)
		var visit func(int, *tensor.Tensor)
		if s.trajectory && lo == first {
			sigmas, err := spec.Sigmas(p.Schedule)
			if err != nil {
				return err
			}
			show := min(hi-lo, 8)
			keep := trajectorySteps(sigmas, 10)
			visit = func(i int, x *tensor.Tensor) {
				if keep[i] {
					traj = append(traj, pipeline.DisplayScale(x, sigmas[i+1], show))
				}
			}
		}
		x, err := job.Generate(ctx, lo, hi, visit)
		if err != nil {
			return err
		}
		copy(all.Data[(lo-first)*per:(hi-first)*per], x.Data)
		fmt.Fprintf(log, "sampled %d/%d images\n", hi-first, last-first)
	}
	for i := first; i < last; i++ {
		one := tensor.FromData(all.Data[(i-first)*per:(i-first+1)*per], append([]int{1}, all.Shape[1:]...)...)
		err := checkpoint.WriteAtomic(filepath.Join(s.out, job.Name(i)), func(w io.Writer) error { return job.Encode(w, one, i) })
		if err != nil {
			return err
		}
	}
	if s.sharded {
		if first == last {
			fmt.Fprintf(log, "%s gets none of the %d images: nothing to write\n", s.part, s.n)
		} else {
			fmt.Fprintf(log, "wrote images %d..%d of %d (%s) to %s\n", first, last-1, s.n, s.part, s.out)
		}
		return nil
	}
	classes := p.Model.UNet.Classes
	cols := int(math.Ceil(math.Sqrt(float64(s.n))))
	if classes > 0 && s.class < 0 && s.n >= classes {
		cols = classes
	}
	grid, err := pngout.Grid(all, cols, 2)
	if err != nil {
		return err
	}
	if err := pngout.WriteFile(filepath.Join(s.out, "grid.png"), grid, job.Meta(-1)); err != nil {
		return err
	}
	if traj != nil {
		img, err := pngout.Trajectory(traj, 1)
		if err != nil {
			return err
		}
		if err := pngout.WriteFile(filepath.Join(s.out, "trajectory.png"), img, job.Meta(-1)); err != nil {
			return err
		}
	}
	if s.npy {
		if err := writeNPY(filepath.Join(s.out, "samples.npy"), all); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "wrote %d images and grid.png to %s\n", s.n, s.out)
	return nil
}

// trajectorySteps marks about want of the steps, spread evenly in log σ
// between the first and the last non-zero noise level (so that the strip
// shows the image forming rather than mostly noise), always including the
// last step. Step i ends at sigmas[i+1].
func trajectorySteps(sigmas []float64, want int) map[int]bool {
	n := len(sigmas) - 1
	keep := map[int]bool{n - 1: true}
	if n < 2 {
		return keep
	}
	hi, lo := math.Log(sigmas[1]), math.Log(sigmas[n-1])
	for j := range want - 1 {
		target := hi + float64(j)/float64(max(want-2, 1))*(lo-hi)
		best := 0
		for i := range n - 1 {
			if math.Abs(math.Log(sigmas[i+1])-target) < math.Abs(math.Log(sigmas[best+1])-target) {
				best = i
			}
		}
		keep[best] = true
	}
	return keep
}
