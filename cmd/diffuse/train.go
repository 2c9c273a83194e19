package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

func newTrainCmd() *cobra.Command {
	var (
		configPath, resume string
		preset, dataPath   string
		out                string
		steps, batch       int
		minutes, lr        float64
		seed               uint64
		limit              int
		classes            []int
		cpuProfile         string
		task               taskFlags
		precision          precisionFlag
		text               textTrain
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a class-conditional image diffusion model",
		Long: `train fits a U-Net denoiser to a set of images: Fashion-MNIST (the IDX
files) or a folder of PNG/JPEG images with one sub-folder per class.

Settings come from the defaults, then --config (YAML or JSON; unknown keys
are refused), then the flags below. It prints a progress line every
output.log_every steps, writes a sample grid (samples-STEP.png) and the loss
curve (loss.png) every output.sample_every steps, and a checkpoint
(ckpt-STEP.safetensors and ckpt-STEP.json, written atomically) every
output.checkpoint_every steps, at the end and on Ctrl-C, keeping the last
output.keep. --resume continues a run exactly: the parameters after an
interrupted and resumed run are those of an uninterrupted one.

--task superres --factor 2|4 trains a super-resolution model (the image
shrunk and enlarged back is the condition); --task paired --input DIR
--target DIR learns any image-to-image job from pairs with the same file
names. Apply them with diffuse superres and diffuse translate.

--latent AUTOENCODER trains a prompt-conditioned U-Net on the emoji
pictures (make emoji) in the latent space of that autoencoder (diffuse
autoencoder train), with their names as captions; --text trains the same
in pixel space. The run folder holds the checkpoints, textimage.json and
a copy of the autoencoder, whose SHA-256 the model records; sample it with
diffuse sample --checkpoint DIR --prompt "red apple". Unless given, such
runs use --batch 32 and --lr 5e-4 (cosine, EMA 0.999) and write to
runs/emoji-latent or runs/emoji-pixel.`,
		Example: `  diffuse train --out runs/fashion --steps 2000
  diffuse train --config run.yaml --minutes 45
  diffuse train --out runs/fashion --resume runs/fashion   # the newest checkpoint there
  diffuse train --preset small --data /usr/share/datasets/fashion-mnist --batch 32
  diffuse train --config configs/superres-x2.yaml           # or: --task superres --factor 2 --out out/sr
  diffuse train --task paired --input grey/ --target colour/ --config colour-unet.yaml
  diffuse train --latent runs/emoji-ae --out runs/emoji-latent --minutes 45   # text-to-image in latent space
  diffuse train --text --out runs/emoji-pixel --minutes 45                    # the same in pixel space`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if text.latent != "" || text.text {
				if err := precision.apply(); err != nil {
					return err
				}
				return trainPrompted(cmd, text, configPath, resume, out, steps, batch, minutes, lr, seed, limit)
			}
			cfg := defaultRunConfig()
			if configPath != "" {
				var err error
				if cfg, err = loadRunConfig(configPath); err != nil {
					return err
				}
			}
			if f.Changed("preset") {
				cfg.Model.Preset, cfg.Model.UNet = preset, nil
			}
			if f.Changed("data") {
				cfg.Data.Path = dataPath
			}
			if f.Changed("out") {
				cfg.Output.Dir = out
			}
			if f.Changed("steps") {
				cfg.Train.Steps = steps
			}
			if f.Changed("minutes") {
				cfg.Train.Minutes = minutes
			}
			if f.Changed("batch") {
				cfg.Train.Batch = batch
			}
			if f.Changed("lr") {
				cfg.Train.LR = lr
			}
			if f.Changed("seed") {
				cfg.Train.Seed = seed
			}
			if f.Changed("limit") {
				cfg.Data.Limit = limit
			}
			task.apply(cmd, &cfg)
			if f.Changed("classes") {
				cfg.Data.Classes = classes
			}
			if err := cfg.validate(); err != nil {
				return usagef("%v", err)
			}
			if err := precision.apply(); err != nil {
				return err
			}
			if cpuProfile != "" {
				stopProfile, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stopProfile()
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runTrain(ctx, cfg, resume, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML or JSON file of settings (see the README for the keys)")
	f.StringVar(&resume, "resume", "", "checkpoint file, or a run folder (its newest checkpoint), to continue from")
	f.StringVar(&preset, "preset", "tiny", "U-Net preset: tiny, small or bench")
	f.StringVar(&dataPath, "data", "/usr/share/datasets/fashion-mnist", "data folder")
	f.StringVar(&out, "out", "runs/fashion", "output folder for checkpoints and pictures")
	f.IntVar(&steps, "steps", 2000, "optimiser steps")
	f.Float64Var(&minutes, "minutes", 0, "wall-clock budget in minutes (0 = none); stops at steps or minutes, whichever comes first")
	f.IntVar(&batch, "batch", 64, "images per step")
	f.Float64Var(&lr, "lr", 2e-4, "peak learning rate")
	f.Uint64Var(&seed, "seed", 1, "random seed: data order, noise, dropout")
	f.IntVar(&limit, "limit", 0, "use at most this many training images (0 = all)")
	f.IntSliceVar(&classes, "classes", nil, "train only on these class ids, e.g. 3 or 0,6 (data.classes; default all)")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (read it with go tool pprof)")
	task.add(f)
	precision.add(cmd)
	text.addFlags(f)
	return cmd
}

// runTrain trains as cfg says, resuming from resume when it is not empty.
func runTrain(ctx context.Context, cfg runConfig, resume string, log io.Writer) error {
	ucfg, cond, err := cfg.taskModel()
	if err != nil {
		return err
	}
	trainSet, valX, valY, conditional, err := loadTaskData(cfg, ucfg, cond)
	if err != nil {
		return err
	}
	model := pipeline.Model{UNet: ucfg, Schedule: cfg.Diffusion.Schedule, Target: cfg.Diffusion.Target, Cond: cond}
	p, err := pipeline.New(model, cfg.Train.Seed)
	if err != nil {
		return err
	}
	batches, err := train.NewBatches(trainSet, cfg.Train.Batch, cfg.Train.Seed)
	if err != nil {
		return fmt.Errorf("data %s: %w", cfg.Data.Path, err)
	}
	obj := &train.Objective{Schedule: p.Schedule, Target: cfg.Diffusion.Target, Weighting: cfg.Diffusion.Weighting,
		Gamma: cfg.Diffusion.Gamma, LabelDropout: cfg.Diffusion.LabelDropout, NullLabel: ucfg.Classes,
		Conditional: conditional}
	if cond != nil {
		obj.Cond = cond
	}
	tr, err := train.New(p.Net, obj, batches, train.Options{Steps: cfg.Train.Steps, LR: cfg.Train.LR,
		LRSchedule: cfg.Train.LRSchedule, Warmup: cfg.Train.Warmup, WeightDecay: cfg.Train.WeightDecay,
		ClipNorm: cfg.Train.Clip, EMADecay: cfg.Train.EMA, Seed: cfg.Train.Seed, LogEvery: cfg.Output.LogEvery})
	if err != nil {
		return err
	}
	dir := cfg.Output.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	pictures := func(ctx context.Context, step int) error { return writeTrainingPictures(ctx, tr, p, dir, step) }
	if cond != nil {
		items, err := previewItems(trainSet, valX)
		if err != nil {
			return err
		}
		pictures = func(ctx context.Context, step int) error { return writeTaskPictures(ctx, tr, p, items, dir, step) }
	}
	if resume != "" {
		path, err := jobs.NewestCheckpoint(resume)
		if err != nil {
			return err
		}
		if err := sameModel(path, model); err != nil {
			return err
		}
		if err := resumeInto(tr, path, log); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "train: %s, %d training and %d validation images, batch %d, %d steps\n",
		strings.TrimSpace(p.Net.String()), trainSet.Len(), valImages(valX), cfg.Train.Batch, cfg.Train.Steps)
	tr.Log = log
	meta := model.Meta()
	meta["diffusego.run"] = cfg.marshal()
	save := func(step int) error {
		path := filepath.Join(dir, fmt.Sprintf("ckpt-%06d.safetensors", step))
		if err := tr.Save(path, meta); err != nil {
			return err
		}
		if err := writeRunJSON(strings.TrimSuffix(path, ".safetensors")+".json", cfg, model, step); err != nil {
			return err
		}
		return checkpoint.Prune(dir, cfg.Output.Keep)
	}
	if cfg.Output.CheckpointEvery > 0 {
		tr.Hooks = append(tr.Hooks, train.Hook{Every: cfg.Output.CheckpointEvery, Do: save})
	}
	if cfg.Output.ValEvery > 0 && valX != nil {
		tr.Hooks = append(tr.Hooks, train.Hook{Every: cfg.Output.ValEvery, Do: func(step int) error {
			l, err := validationLoss(p, obj, valX, valY)
			if err != nil {
				return err
			}
			fmt.Fprintf(log, "step %d validation loss %.4f (%d images)\n", step, l, valX.Dim(0))
			return nil
		}})
	}
	if cfg.Output.SampleEvery > 0 {
		tr.Hooks = append(tr.Hooks, train.Hook{Every: cfg.Output.SampleEvery, Do: func(step int) error {
			return pictures(ctx, step)
		}})
	}
	runCtx := ctx
	if cfg.Train.Minutes > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, time.Duration(cfg.Train.Minutes*float64(time.Minute)))
		defer cancel()
	}
	err = tr.Run(runCtx)
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		fmt.Fprintf(log, "time budget of %g minutes reached after step %d\n", cfg.Train.Minutes, tr.Step)
		if err := pictures(context.Background(), tr.Step); err != nil {
			return err
		}
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(log, "interrupted after step %d: saving a checkpoint\n", tr.Step)
		if serr := save(tr.Step); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	default:
		return err
	}
	if last := filepath.Join(dir, fmt.Sprintf("ckpt-%06d.safetensors", tr.Step)); !fileExists(last) {
		if err := save(tr.Step); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "done: %d steps; checkpoint %s\n", tr.Step, filepath.Join(dir, fmt.Sprintf("ckpt-%06d.safetensors", tr.Step)))
	return nil
}

func valImages(x *tensor.Tensor) int {
	if x == nil {
		return 0
	}
	return x.Dim(0)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// loadTrainData returns the training set, the held-out validation images
// and labels (nil when val_images is 0), and whether the model is given
// the labels. Fashion-MNIST is loaded whole; a folder is indexed and its
// training images are streamed batch by batch.
func loadTrainData(cfg runConfig, ucfg unet.Config) (data.Dataset, *tensor.Tensor, []int, bool, error) {
	conditional := ucfg.Classes > 0
	checkLabels := func(labels []int, classes int) error {
		if conditional && classes > ucfg.Classes {
			return fmt.Errorf("data %s: %d classes, but the model has %d", cfg.Data.Path, classes, ucfg.Classes)
		}
		for _, c := range labels {
			if conditional && (c < 0 || c >= ucfg.Classes) {
				return fmt.Errorf("data %s: class %d: the model has %d classes", cfg.Data.Path, c, ucfg.Classes)
			}
		}
		return nil
	}
	switch cfg.Data.Source {
	case "fashion-mnist":
		images, labels, err := data.LoadFashionMNIST(cfg.Data.Path, "train")
		if err != nil {
			return nil, nil, nil, false, err
		}
		if err := checkClasses(cfg.Data.Classes, 10, "fashion-mnist"); err != nil {
			return nil, nil, nil, false, err
		}
		if len(cfg.Data.Classes) > 0 {
			images, labels = jobs.TakeRows(images, labels, jobs.KeepClasses(labels, cfg.Data.Classes))
		}
		if n := cfg.Data.Limit; n > 0 && n < images.Dim(0) {
			per := images.Len() / images.Dim(0)
			images = tensor.FromData(images.Data[:n*per], append([]int{n}, images.Shape[1:]...)...)
			labels = labels[:n]
		}
		if images.Dim(1) != ucfg.InChannels || images.Dim(2) != ucfg.ImageSize || images.Dim(3) != ucfg.ImageSize {
			return nil, nil, nil, false, fmt.Errorf("data %s: images are %s but the model takes (N, %d, %d, %d)", cfg.Data.Path,
				tensor.FormatShape(images.Shape), ucfg.InChannels, ucfg.ImageSize, ucfg.ImageSize)
		}
		if err := checkLabels(labels, 10); err != nil {
			return nil, nil, nil, false, err
		}
		trainX, trainY, valX, valY := holdOut(images, labels, cfg.Data.ValImages, cfg.Train.Seed)
		ds, err := data.NewTensorDataset(trainX, trainY)
		if err != nil {
			return nil, nil, nil, false, err
		}
		return ds, valX, valY, conditional, nil
	case "folder":
		dir, err := data.OpenImageDir(cfg.Data.Path, data.ImageDirOptions{Size: ucfg.ImageSize,
			Channels: ucfg.InChannels, Flip: cfg.Data.Flip})
		if err != nil {
			return nil, nil, nil, false, err
		}
		if err := checkLabels(dir.Labels, len(dir.Classes)); err != nil {
			return nil, nil, nil, false, err
		}
		if err := checkClasses(cfg.Data.Classes, len(dir.Classes), cfg.Data.Path); err != nil {
			return nil, nil, nil, false, err
		}
		var all data.Dataset = dir
		if len(cfg.Data.Classes) > 0 {
			all = &data.Subset{Data: dir, Index: jobs.KeepClasses(dir.Labels, cfg.Data.Classes)}
		}
		if n := cfg.Data.Limit; n > 0 && n < all.Len() {
			all = &data.Subset{Data: all, Index: data.Shuffle(all.Len(), cfg.Train.Seed)[:n]}
		}
		nVal := min(cfg.Data.ValImages, all.Len()/2)
		split, err := data.SplitIndices(all.Len(), float64(nVal)/float64(all.Len()), 0, cfg.Train.Seed)
		if err != nil {
			return nil, nil, nil, false, fmt.Errorf("data %s: %w", cfg.Data.Path, err)
		}
		var valX *tensor.Tensor
		var valY []int
		if len(split.Val) > 0 {
			// Validation images are read once, without flips.
			if valX, valY, err = (&data.Subset{Data: all, Index: split.Val}).Batch(indices(len(split.Val)), nil); err != nil {
				return nil, nil, nil, false, err
			}
		}
		return &data.Subset{Data: all, Index: split.Train}, valX, valY, conditional, nil
	}
	return nil, nil, nil, false, fmt.Errorf("data: source %q: want fashion-mnist or folder", cfg.Data.Source)
}

// indices returns 0, 1, …, n−1.
func indices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// holdOut splits off n images, chosen by seed, for the validation loss.
func holdOut(x *tensor.Tensor, y []int, n int, seed uint64) (trainX *tensor.Tensor, trainY []int, valX *tensor.Tensor, valY []int) {
	total := x.Dim(0)
	if n <= 0 || n >= total {
		return x, y, nil, nil
	}
	perm := tensor.NewRNG(seed).Split(1 << 32).Perm(total)
	val := perm[:n]
	slices.Sort(val)
	isVal := make([]bool, total)
	for _, i := range val {
		isVal[i] = true
	}
	per := x.Len() / total
	take := func(keep bool, count int) (*tensor.Tensor, []int) {
		out := tensor.New(append([]int{count}, x.Shape[1:]...)...)
		var labels []int
		k := 0
		for i := range total {
			if isVal[i] != keep {
				continue
			}
			copy(out.Data[k*per:(k+1)*per], x.Data[i*per:(i+1)*per])
			if y != nil {
				labels = append(labels, y[i])
			}
			k++
		}
		return out, labels
	}
	trainX, trainY = take(false, total-n)
	valX, valY = take(true, n)
	return trainX, trainY, valX, valY
}

// validationLoss is the objective on the held-out images with fixed noise
// (seed 0), so that values at different steps compare.
func validationLoss(p *pipeline.Pipeline, obj *train.Objective, x *tensor.Tensor, y []int) (float64, error) {
	o := *obj
	o.LabelDropout = 0
	if !o.Conditional {
		y = nil
	}
	rng := tensor.NewRNG(0)
	total, count := 0.0, 0
	const chunk = 128
	per := x.Len() / x.Dim(0)
	for lo := 0; lo < x.Dim(0); lo += chunk {
		hi := min(lo+chunk, x.Dim(0))
		part := tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, x.Shape[1:]...)...)
		var yy []int
		if y != nil {
			yy = y[lo:hi]
		}
		l, err := o.Loss(autograd.NoGrad(), p.Net, part, yy, rng.Split(uint64(lo)))
		if err != nil {
			return 0, err
		}
		total += float64(l.Value.Data[0]) * float64(hi-lo)
		count += hi - lo
	}
	return total / float64(count), nil
}

// runRecord is the JSON file written beside each checkpoint.
type runRecord struct {
	Step  int            `json:"step"`
	Model pipeline.Model `json:"model"`
	Run   runConfig      `json:"run"`
}

func writeRunJSON(path string, cfg runConfig, m pipeline.Model, step int) error {
	return checkpoint.WriteJSON(path, runRecord{Step: step, Model: m, Run: cfg})
}

// previewSampler is what the training-time sample grids use.
var previewSampler = sampler.Spec{Name: "dpmpp2m", Steps: 20}

// sameModel refuses to resume from a checkpoint made for another model
// configuration, showing both, before any tensor is compared.
func sameModel(path string, m pipeline.Model) error {
	meta, err := checkpoint.ReadMeta(path)
	if err != nil {
		return err
	}
	want := m.Meta()[pipeline.ConfigKey]
	got, ok := meta[pipeline.ConfigKey]
	if !ok {
		return fmt.Errorf("checkpoint %s: no %q entry: not a diffusego image model", path, pipeline.ConfigKey)
	}
	if got != want {
		return fmt.Errorf("checkpoint %s was made for another model:\n  checkpoint: %s\n  this run:   %s", path, got, want)
	}
	return nil
}
