package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// taskConfig is the "task" section of a run configuration: what the model
// is conditioned on. The zero value trains a model that generates from
// noise (with or without classes).
type taskConfig struct {
	// Name is "" (generate), "superres" (the condition is the training
	// image shrunk by Factor) or "paired" (Input/<name> → Target/<name>).
	Name     string `json:"name,omitempty"`
	Factor   int    `json:"factor,omitempty"`   // super-resolution factor: 2 or 4
	Upsample string `json:"upsample,omitempty"` // how the low-resolution image is enlarged; "" means bicubic
	Residual bool   `json:"residual,omitempty"` // superres: learn the detail x − enlarged low-resolution image (pipeline.Cond.Residual)
	Input    string `json:"input,omitempty"`    // paired: folder of input images
	Target   string `json:"target,omitempty"`   // paired: folder of target images, same file names
}

// validate checks the section and names the key that is wrong.
func (t taskConfig) validate() error {
	bad := func(key, want string, got any) error {
		return fmt.Errorf("config: task.%s: want %s, got %v", key, want, got)
	}
	switch t.Name {
	case "":
		if t.Factor != 0 || t.Residual || t.Input != "" || t.Target != "" {
			return bad("name", `"superres" or "paired" when factor, input or target is set`, `""`)
		}
	case pipeline.TaskSuperRes:
		if t.Factor != 2 && t.Factor != 4 {
			return bad("factor", "2 or 4", t.Factor)
		}
		if t.Input != "" || t.Target != "" {
			return bad("input/target", "none for superres (the low-resolution images are made from data.path)", t.Input+" "+t.Target)
		}
	case pipeline.TaskPaired:
		if t.Input == "" || t.Target == "" {
			return bad("input and task.target", "two folders with the same file names", fmt.Sprintf("%q and %q", t.Input, t.Target))
		}
		if t.Factor != 0 || t.Residual {
			return bad("factor and task.residual", "unset for paired (they are for superres)", fmt.Sprint(t.Factor, " ", t.Residual))
		}
	default:
		return bad("name", `"", "superres" or "paired"`, fmt.Sprintf("%q", t.Name))
	}
	switch t.Upsample {
	case "", "nearest", "bilinear", "bicubic":
	default:
		return bad("upsample", "nearest, bilinear or bicubic", fmt.Sprintf("%q", t.Upsample))
	}
	return nil
}

// taskModel returns the U-Net and the image condition of the run's task.
// With a preset, the U-Net is made unconditional (the condition is an
// image, not a class) and takes the image's channels plus the
// condition's; a full model.unet must already have in_channels =
// out_channels + condition channels and classes 0.
func (c runConfig) taskModel() (unet.Config, *pipeline.Cond, error) {
	ucfg, err := c.unetConfig()
	if err != nil || c.Task.Name == "" {
		return ucfg, nil, err
	}
	cond := &pipeline.Cond{Task: c.Task.Name, Factor: c.Task.Factor, Upsample: c.Task.Upsample, Residual: c.Task.Residual}
	if cond.Task == pipeline.TaskSuperRes && cond.Upsample == "" {
		cond.Upsample = "bicubic"
	}
	if c.Model.UNet == nil {
		ucfg.Classes, ucfg.OutChannels, ucfg.InChannels = 0, ucfg.InChannels, 2*ucfg.InChannels
	} else if ucfg.Classes != 0 {
		return ucfg, nil, fmt.Errorf("config: model.unet.classes: want 0 for task %q (the condition is an image), got %d", cond.Task, ucfg.Classes)
	}
	cond.Channels = ucfg.InChannels - ucfg.OutChannels
	if err := cond.Validate(ucfg.InChannels, ucfg.OutChannels, ucfg.ImageSize); err != nil {
		return ucfg, nil, fmt.Errorf("config: model.unet: %w", err)
	}
	return ucfg, cond, nil
}

// loadTaskData is loadTrainData for a conditioned model: super-resolution
// reads the images of data.path as an unconditional model of the target's
// channels would; paired reads task.input and task.target.
func loadTaskData(cfg runConfig, ucfg unet.Config, cond *pipeline.Cond) (data.Dataset, *tensor.Tensor, []int, bool, error) {
	if cond == nil {
		return loadTrainData(cfg, ucfg)
	}
	img := ucfg
	img.InChannels, img.Classes = ucfg.OutChannels, 0
	if cond.Task == pipeline.TaskSuperRes {
		return loadTrainData(cfg, img)
	}
	dir, err := data.OpenPairedDir(cfg.Task.Input, cfg.Task.Target, data.PairedOptions{Size: ucfg.ImageSize,
		InputChannels: cond.Channels, TargetChannels: ucfg.OutChannels})
	if err != nil {
		return nil, nil, nil, false, err
	}
	var all data.Dataset = dir
	if n := cfg.Data.Limit; n > 0 && n < dir.Len() {
		all = &data.Subset{Data: dir, Index: data.Shuffle(dir.Len(), cfg.Train.Seed)[:n]}
	}
	nVal := min(cfg.Data.ValImages, all.Len()/2)
	split, err := data.SplitIndices(all.Len(), float64(nVal)/float64(all.Len()), 0, cfg.Train.Seed)
	if err != nil {
		return nil, nil, nil, false, fmt.Errorf("data %s: %w", cfg.Task.Target, err)
	}
	var valX *tensor.Tensor
	if len(split.Val) > 0 {
		if valX, _, err = (&data.Subset{Data: all, Index: split.Val}).Batch(indices(len(split.Val)), nil); err != nil {
			return nil, nil, nil, false, err
		}
	}
	return &data.Subset{Data: all, Index: split.Train}, valX, nil, false, nil
}

// taskFlags are the train flags of the task section.
type taskFlags struct {
	name, upsample, input, target string
	factor                        int
	residual                      bool
}

func (t *taskFlags) add(f *pflag.FlagSet) {
	f.StringVar(&t.name, "task", "", `what the model is conditioned on: "" (generate from noise), superres or paired`)
	f.IntVar(&t.factor, "factor", 0, "superres: the factor, 2 or 4")
	f.StringVar(&t.upsample, "upsample", "", "superres: how the low-resolution image is enlarged: nearest, bilinear or bicubic (default)")
	f.BoolVar(&t.residual, "residual", false, "superres: learn the detail the enlarged low-resolution image lacks (SRDiff) instead of the whole image")
	f.StringVar(&t.input, "input", "", "paired: folder of input images")
	f.StringVar(&t.target, "target", "", "paired: folder of target images with the same file names")
}

// apply copies the flags that were given into cfg.
func (t *taskFlags) apply(cmd *cobra.Command, cfg *runConfig) {
	f := cmd.Flags()
	for name, set := range map[string]func(){
		"task":     func() { cfg.Task.Name = t.name },
		"factor":   func() { cfg.Task.Factor = t.factor },
		"upsample": func() { cfg.Task.Upsample = t.upsample },
		"input":    func() { cfg.Task.Input = t.input },
		"target":   func() { cfg.Task.Target = t.target },
		"residual": func() { cfg.Task.Residual = t.residual },
	} {
		if f.Changed(name) {
			set()
		}
	}
}

// previewCount is the number of images in a conditioned run's preview.
const previewCount = 8

// previewItems returns up to previewCount items (training-batch format)
// for the pictures of a conditioned run: validation images when there are
// any, else the first training items.
func previewItems(trainSet data.Dataset, valX *tensor.Tensor) (*tensor.Tensor, error) {
	if valX != nil {
		n := min(previewCount, valX.Dim(0))
		per := valX.Len() / valX.Dim(0)
		return tensor.FromData(valX.Data[:n*per], append([]int{n}, valX.Shape[1:]...)...), nil
	}
	x, _, err := trainSet.Batch(indices(min(previewCount, trainSet.Len())), nil)
	return x, err
}

// writeTaskPictures writes translations-STEP.png for a conditioned run:
// rows of conditions, samples (EMA weights) and targets, one column per
// preview item, and the loss curve as writeTrainingPictures does.
func writeTaskPictures(ctx context.Context, tr *train.Trainer, p *pipeline.Pipeline, items *tensor.Tensor, dir string, step int) error {
	x0, cond, err := p.Model.Cond.Split(items)
	if err != nil {
		return err
	}
	if tr.EMA != nil {
		tr.EMA.Swap()
	}
	out, err := p.Translate(ctx, cond, pipeline.Options{Sampler: previewSampler, Seed: 1, Threshold: true})
	if tr.EMA != nil {
		tr.EMA.Swap()
	}
	if err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	rows := []*tensor.Tensor{out, x0}
	if cond.Dim(1) == x0.Dim(1) {
		rows = []*tensor.Tensor{cond, out, x0}
	}
	img, err := pngout.Grid(stackRows(rows), x0.Dim(0), 2)
	if err != nil {
		return err
	}
	meta := map[string]string{"step": fmt.Sprint(step), "sampler": previewSampler.Name, "steps": fmt.Sprint(previewSampler.Steps),
		"seed": "1", "weights": "ema", "rows": "condition, sample, target"}
	if err := pngout.WriteFile(filepath.Join(dir, fmt.Sprintf("translations-%06d.png", step)), img, meta); err != nil {
		return err
	}
	return writeLossCurve(tr, dir)
}

// stackRows joins batches of the same item shape along N.
func stackRows(rows []*tensor.Tensor) *tensor.Tensor {
	n := 0
	for _, r := range rows {
		n += r.Dim(0)
	}
	out := tensor.New(append([]int{n}, rows[0].Shape[1:]...)...)
	off := 0
	for _, r := range rows {
		off += copy(out.Data[off:], r.Data)
	}
	return out
}
