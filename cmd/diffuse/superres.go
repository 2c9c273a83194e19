package main

import (
	"fmt"
	"github.com/diffusego/diffusego/jobs"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

// translateFlags are the flags superres and translate share.
type translateFlags struct {
	checkpoint, in, out, sampler string
	raw, threshold               bool
	steps, samples               int
	seed                         uint64
}

func (f *translateFlags) add(cmd *cobra.Command, in string) {
	fs := cmd.Flags()
	fs.StringVar(&f.checkpoint, "checkpoint", "", "checkpoint file or run folder of a model trained with diffuse train --task (required)")
	fs.StringVar(&f.in, "in", "", in)
	fs.StringVar(&f.out, "out", "translated", "output folder: one PNG per input, same file names")
	fs.BoolVar(&f.raw, "raw", false, "use the raw weights instead of the EMA")
	fs.BoolVar(&f.threshold, "threshold", true, "clip each step's predicted image to [-1, 1] (static thresholding)")
	fs.StringVar(&f.sampler, "sampler", "dpmpp2m", "sampler name (see diffuse sample --help)")
	fs.IntVar(&f.steps, "steps", 20, "sampler steps")
	fs.IntVar(&f.samples, "samples", 1, "samples averaged per image (more: higher PSNR, smoother)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
}

// load checks the flags, loads the model and checks its task, and reads
// the inputs as side×side images of the given channels; side 0 means the
// model's size.
func (f *translateFlags) load(task string, channels func(*pipeline.Cond) int, side func(*pipeline.Pipeline) int) (*pipeline.Pipeline, []string, *tensor.Tensor, error) {
	switch {
	case f.checkpoint == "":
		return nil, nil, nil, usagef("--checkpoint: want a model trained with diffuse train --task %s", task)
	case f.in == "":
		return nil, nil, nil, usagef("--in: want a PNG image or a folder of them")
	case f.steps < 1 || f.samples < 1:
		return nil, nil, nil, usagef("--steps and --samples: want ≥ 1, got %d and %d", f.steps, f.samples)
	}
	p, _, err := jobs.LoadModel(f.checkpoint, f.raw)
	if err != nil {
		return nil, nil, nil, err
	}
	c := p.Model.Cond
	if c == nil || c.Task != task {
		got := "none: it generates from noise (use diffuse sample)"
		if c != nil {
			got = fmt.Sprintf("%q (use diffuse %s)", c.Task, map[string]string{pipeline.TaskSuperRes: "superres", pipeline.TaskPaired: "translate"}[c.Task])
		}
		return nil, nil, nil, fmt.Errorf("checkpoint %s: want a %q model, got task %s", f.checkpoint, task, got)
	}
	paths, err := jobs.ListPNGs(f.in)
	if err != nil {
		return nil, nil, nil, err
	}
	s, ch := side(p), channels(c)
	x := tensor.New(len(paths), ch, s, s)
	per := x.Len() / len(paths)
	for i, path := range paths {
		if err := jobs.ReadPNG(path, s, ch, x.Data[i*per:(i+1)*per]); err != nil {
			return nil, nil, nil, fmt.Errorf("the %s model takes %d×%d inputs of %d channel(s): %w", task, s, s, ch, err)
		}
	}
	return p, paths, x, nil
}

// run samples the outputs for the conditions and writes them.
func (f *translateFlags) run(cmd *cobra.Command, p *pipeline.Pipeline, paths []string, cond *tensor.Tensor, task string) error {
	opts := pipeline.Options{Sampler: sampler.Spec{Name: f.sampler, Steps: f.steps}, Seed: f.seed, Threshold: f.threshold}
	out, err := p.TranslateMean(cmd.Context(), cond, opts, f.samples)
	if err != nil {
		return err
	}
	return writeRestored(f.out, paths, out, map[string]string{"task": task, "sampler": f.sampler, "steps": fmt.Sprint(f.steps),
		"samples": fmt.Sprint(f.samples), "seed": fmt.Sprint(f.seed), "threshold": fmt.Sprint(f.threshold)}, cmd.OutOrStdout())
}

func newSuperResCmd() *cobra.Command {
	var f translateFlags
	cmd := &cobra.Command{
		Use:   "superres",
		Short: "Enlarge low-resolution images with a super-resolution model",
		Long: `superres enlarges each low-resolution PNG by the factor of a model trained
with diffuse train --task superres: the image is enlarged with the model's
upsampling method (bicubic by default) and the model samples the detail,
conditioned on it (SR3). Inputs must be exactly the model's size divided by
its factor (14×14 for a x2 model of 28×28 images); colour PNGs are made
grey for a grey model. --samples averages several samples.`,
		Example: `  diffuse superres --checkpoint out/superres-x2 --in small/ --out large/
  diffuse superres --checkpoint out/superres-x2/ckpt-000600.safetensors --in shirt14.png --samples 4`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, paths, low, err := f.load(pipeline.TaskSuperRes, func(c *pipeline.Cond) int { return c.Channels },
				func(p *pipeline.Pipeline) int { return p.Model.UNet.ImageSize / p.Model.Cond.Factor })
			if err != nil {
				return err
			}
			cond, err := p.LowResCondition(low)
			if err != nil {
				return err
			}
			return f.run(cmd, p, paths, cond, "superres")
		},
	}
	f.add(cmd, "a low-resolution PNG image or a folder of them (the model's size / factor)")
	return cmd
}

func newTranslateCmd() *cobra.Command {
	var f translateFlags
	cmd := &cobra.Command{
		Use:   "translate",
		Short: "Turn input images into outputs with a paired image-to-image model",
		Long: `translate samples one output per input PNG with a model trained with
diffuse train --task paired (input/ → target/ folders): colourisation,
restoration or any image-to-image job. Inputs must have the model's size.
--samples averages several samples.`,
		Example: `  diffuse translate --checkpoint out/colour --in grey/ --out colour/`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, paths, cond, err := f.load(pipeline.TaskPaired, func(c *pipeline.Cond) int { return c.Channels },
				func(p *pipeline.Pipeline) int { return p.Model.UNet.ImageSize })
			if err != nil {
				return err
			}
			return f.run(cmd, p, paths, cond, "translate")
		},
	}
	f.add(cmd, "an input PNG image or a folder of them, of the model's size")
	return cmd
}
