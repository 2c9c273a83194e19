package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/models/unet"
	"sigs.k8s.io/yaml"
)

// runConfig is the configuration of `diffuse train`: read from --config
// (YAML or JSON, unknown keys refused), then overridden by flags. It is
// saved into every checkpoint, so a checkpoint says how it was made.
type runConfig struct {
	Model     modelConfig     `json:"model"`
	Data      dataConfig      `json:"data"`
	Diffusion diffusionConfig `json:"diffusion"`
	Train     trainSettings   `json:"train"`
	Output    outputConfig    `json:"output"`
	Task      taskConfig      `json:"task,omitzero"` // task.go: superres or paired; absent to generate
}

// modelConfig picks the U-Net: a preset, or a whole unet.Config.
type modelConfig struct {
	Preset string       `json:"preset,omitempty"` // tiny, small or bench; ignored when UNet is set
	UNet   *unet.Config `json:"unet,omitempty"`
}

// dataConfig says where training images come from.
type dataConfig struct {
	Source string `json:"source"` // "fashion-mnist" (IDX folder) or "folder" (PNG/JPEG, one sub-folder per class)
	Path   string `json:"path"`
	Limit  int    `json:"limit,omitempty"` // use at most this many training images; 0 = all
	// Classes keeps only the images of these class ids (Fashion-MNIST
	// labels 0–9, or sub-folder positions in name order); empty keeps all.
	// Labels are not renumbered. With [3] a model learns one class, as in
	// one-class anomaly detection.
	Classes []int `json:"classes,omitempty"`
	// ValImages are held out of the training images (chosen by Seed) to
	// measure a validation loss; 0 turns validation off.
	ValImages int  `json:"val_images"`
	Flip      bool `json:"flip,omitempty"` // random horizontal flips (not for Fashion-MNIST's shoes, which face one way)
}

// diffusionConfig is the forward process and the training objective.
type diffusionConfig struct {
	Schedule     schedule.Config     `json:"schedule"`
	Target       diffusion.Target    `json:"target"`
	Weighting    diffusion.Weighting `json:"weighting"`
	Gamma        float64             `json:"gamma,omitempty"`
	LabelDropout float64             `json:"label_dropout"`
}

// trainSettings are the optimiser, its schedule and the budget.
type trainSettings struct {
	Steps       int     `json:"steps"`
	Minutes     float64 `json:"minutes,omitempty"` // wall-clock budget; training stops at whichever of steps or minutes comes first
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	LRSchedule  string  `json:"lr_schedule"`
	Warmup      int     `json:"warmup"`
	WeightDecay float64 `json:"weight_decay"`
	Clip        float64 `json:"clip"`
	EMA         float64 `json:"ema"`
	Seed        uint64  `json:"seed"`
}

// outputConfig is where and how often results are written.
type outputConfig struct {
	Dir             string `json:"dir"`
	LogEvery        int    `json:"log_every"`
	SampleEvery     int    `json:"sample_every"`
	CheckpointEvery int    `json:"checkpoint_every"`
	ValEvery        int    `json:"val_every"`
	Keep            int    `json:"keep"` // checkpoints kept, newest first; 0 keeps all
}

// defaultRunConfig is a small class-conditional model on Fashion-MNIST.
func defaultRunConfig() runConfig {
	return runConfig{
		Model: modelConfig{Preset: "tiny"},
		Data:  dataConfig{Source: "fashion-mnist", Path: "/usr/share/datasets/fashion-mnist", ValImages: 512},
		Diffusion: diffusionConfig{
			Schedule:     schedule.Config{Name: "cosine", Steps: 1000},
			Target:       diffusion.Eps,
			Weighting:    diffusion.Uniform,
			Gamma:        5,
			LabelDropout: 0.1,
		},
		Train: trainSettings{Steps: 2000, Batch: 64, LR: 2e-4, LRSchedule: "linear-warmup", Warmup: 200,
			WeightDecay: 0.01, Clip: 1, EMA: 0.999, Seed: 1},
		Output: outputConfig{Dir: "runs/fashion", LogEvery: 50, SampleEvery: 500, CheckpointEvery: 500,
			ValEvery: 500, Keep: 3},
	}
}

// loadRunConfig reads a YAML or JSON file over the defaults. Unknown keys
// and values of the wrong type are refused with the file, line and key.
func loadRunConfig(path string) (runConfig, error) {
	cfg := defaultRunConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
		if b, err = yaml.YAMLToJSON(b); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := checkpoint.DecodeJSON(b, path, &cfg); err != nil {
		return cfg, strip(err)
	}
	return cfg, nil
}

// strip drops the "checkpoint " prefix that DecodeJSON puts on its errors:
// a config file is not a checkpoint.
func strip(err error) error {
	if s, ok := strings.CutPrefix(err.Error(), "checkpoint "); ok {
		return fmt.Errorf("config %s", s)
	}
	return err
}

// unetConfig returns the U-Net the run trains.
func (c runConfig) unetConfig() (unet.Config, error) {
	if c.Model.UNet != nil {
		return *c.Model.UNet, c.Model.UNet.Validate()
	}
	return unet.Preset(c.Model.Preset)
}

// validate checks every value a flag or file can get wrong and names the
// key and what it should be.
func (c runConfig) validate() error {
	bad := func(key, want string, got any) error {
		return fmt.Errorf("config: %s: want %s, got %v", key, want, got)
	}
	if _, err := c.unetConfig(); err != nil {
		return fmt.Errorf("config: model: %w", err)
	}
	if err := c.Task.validate(); err != nil {
		return err
	}
	if _, _, err := c.taskModel(); err != nil {
		return err
	}
	switch {
	case c.Data.Source != "fashion-mnist" && c.Data.Source != "folder":
		return bad("data.source", `"fashion-mnist" or "folder"`, fmt.Sprintf("%q", c.Data.Source))
	case c.Data.Path == "":
		return bad("data.path", "a folder", `""`)
	case c.Data.Limit < 0:
		return bad("data.limit", "≥ 0", c.Data.Limit)
	case c.Data.ValImages < 0:
		return bad("data.val_images", "≥ 0", c.Data.ValImages)
	case c.Diffusion.LabelDropout < 0 || c.Diffusion.LabelDropout >= 1:
		return bad("diffusion.label_dropout", "in [0, 1)", c.Diffusion.LabelDropout)
	case c.Train.Steps < 1:
		return bad("train.steps", "≥ 1", c.Train.Steps)
	case c.Train.Minutes < 0:
		return bad("train.minutes", "≥ 0 (0 = no time limit)", c.Train.Minutes)
	case c.Train.Batch < 1:
		return bad("train.batch", "≥ 1", c.Train.Batch)
	case !(c.Train.LR > 0) || c.Train.LR > 1:
		return bad("train.lr", "in (0, 1]", c.Train.LR)
	case c.Train.Warmup < 0:
		return bad("train.warmup", "≥ 0", c.Train.Warmup)
	case c.Train.WeightDecay < 0:
		return bad("train.weight_decay", "≥ 0", c.Train.WeightDecay)
	case c.Train.Clip < 0:
		return bad("train.clip", "≥ 0 (0 = off)", c.Train.Clip)
	case c.Train.EMA < 0 || c.Train.EMA >= 1:
		return bad("train.ema", "in [0, 1) (0 = off)", c.Train.EMA)
	case c.Output.Dir == "":
		return bad("output.dir", "a folder", `""`)
	case c.Output.Keep < 0:
		return bad("output.keep", "≥ 0 (0 = keep all)", c.Output.Keep)
	case c.Output.LogEvery < 0 || c.Output.SampleEvery < 0 || c.Output.CheckpointEvery < 0 || c.Output.ValEvery < 0:
		return bad("output.*_every", "≥ 0 (0 = never)", fmt.Sprint(c.Output.LogEvery, c.Output.SampleEvery, c.Output.CheckpointEvery, c.Output.ValEvery))
	}
	if _, err := c.Diffusion.Schedule.Build(); err != nil {
		return fmt.Errorf("config: diffusion.schedule: %w", err)
	}
	if _, err := diffusion.LossWeights(c.Diffusion.Weighting, c.Diffusion.Target, c.Diffusion.Gamma, []float64{1}); err != nil {
		return fmt.Errorf("config: diffusion: %w", err)
	}
	return nil
}

// marshal returns the configuration as indented JSON.
func (c runConfig) marshal() string {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		panic(err) // plain data always marshals
	}
	return string(b)
}
