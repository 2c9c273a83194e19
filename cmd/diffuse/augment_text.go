package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/diffusego/diffusego/augment"
	"github.com/diffusego/diffusego/text"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

// augmentTextSettings are the flags of diffuse augment text.
type augmentTextSettings struct {
	data, checkpoint, saveModel, out, preset string
	maxChars, context, batch, trainSteps     int
	steps                                    int
	lr, temperature, topP                    float64
	seed                                     uint64
	req                                      augmentRequest
}

func newAugmentTextCmd() *cobra.Command {
	var s augmentTextSettings
	cmd := &cobra.Command{
		Use:   "text",
		Short: "Augment labelled text (fortune files or a folder with one file per class)",
		Long: `text reads labelled text: fortunes:FILE,FILE,… (those Debian fortune files,
each a class) or a folder holding one corpus file per class (plain text with
one document per line, a fortune file, or a JSON array of strings; the class
is the file name without its extension). It trains a character-level masked
diffusion model (MDLM, as diffuse text train) on the documents "CLASS: TEXT"
(or reuses --checkpoint, a model saved by --save-model), draws texts of each
class by completing the prompt "CLASS: ", and writes to --out a folder with
CLASS.json (the real texts, then the synthetic ones), labels.jsonl and
manifest.json. Texts longer than --max-chars are left out (default: what fits
the context beside the longest prompt).`,
		Example: `  diffuse augment text --data fortunes:computers,definitions,science,work --ratio 0.25 --out fortunes-aug
  diffuse augment text --data reviews/ --train-steps 2000 --save-model reviews.safetensors --per-class 100 --out reviews-aug
  diffuse augment text --data reviews/ --checkpoint reviews.safetensors --minority --min-confidence 0.5 --out balanced`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAugmentText(cmd.Context(), s, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.data, "data", "", "labelled text: fortunes:FILE,FILE,… or a folder with one corpus file per class")
	f.IntVar(&s.maxChars, "max-chars", 0, "leave out texts longer than this (0: what fits the context beside the longest label prompt)")
	f.StringVar(&s.checkpoint, "checkpoint", "", "a label-conditioned text model saved by --save-model (default: train one here)")
	f.StringVar(&s.saveModel, "save-model", "", "file to save the model trained here to (reuse it with --checkpoint)")
	f.StringVar(&s.preset, "preset", "tiny", "network size of the model trained here: tiny, small or bench")
	f.IntVar(&s.context, "context", 128, "characters per sequence of the model trained here")
	f.IntVar(&s.batch, "batch", 16, "sequences per training step")
	f.IntVar(&s.trainSteps, "train-steps", 1000, "training steps of the model trained here")
	f.Float64Var(&s.lr, "lr", 1e-3, "peak learning rate (cosine schedule, AdamW, EMA 0.999)")
	f.IntVar(&s.steps, "steps", 64, "denoising steps per text")
	f.Float64Var(&s.temperature, "temperature", 1, "sampling temperature")
	f.Float64Var(&s.topP, "top-p", 0, "nucleus sampling (0 or 1: every token)")
	f.Uint64Var(&s.seed, "seed", 1, "random seed of training and sampling")
	f.StringVar(&s.out, "out", "", "output folder (must be new or empty)")
	s.req.add(cmd)
	return cmd
}

func runAugmentText(ctx context.Context, s augmentTextSettings, log io.Writer) error {
	if s.data == "" || s.out == "" {
		return usagef("--data and --out are required")
	}
	req, err := s.req.request()
	if err != nil {
		return err
	}
	switch {
	case s.steps < 1:
		return usagef("--steps %d: want ≥ 1", s.steps)
	case s.maxChars < 0:
		return usagef("--max-chars %d: want ≥ 0", s.maxChars)
	case s.temperature <= 0:
		return usagef("--temperature %g: want > 0", s.temperature)
	case s.topP < 0 || s.topP > 1:
		return usagef("--top-p %g: want a share in [0, 1]", s.topP)
	case s.checkpoint == "" && (s.trainSteps < 1 || s.batch < 1 || s.context < 8 || !(s.lr > 0)):
		return usagef("--train-steps %d, --batch %d, --context %d, --lr %g: want steps and batch ≥ 1, context ≥ 8 and lr > 0", s.trainSteps, s.batch, s.context, s.lr)
	case s.checkpoint != "" && s.saveModel != "":
		return usagef("--save-model: the model comes from --checkpoint; nothing is trained to save")
	}
	if err := augment.CheckTextOutput(s.out); err != nil {
		return err
	}
	if s.saveModel != "" {
		if _, err := os.Stat(s.saveModel); err == nil {
			return usagef("--save-model %s exists: choose a new file", s.saveModel)
		}
	}
	var m *text.Model
	var modelClasses []string
	window := s.context
	if s.checkpoint != "" {
		if m, modelClasses, err = augment.LoadTextModel(s.checkpoint); err != nil {
			return err
		}
		window = m.Config.Context
	}
	// Probe the classes first (the file names) to size the texts.
	probe, _, err := augment.LoadTexts(s.data, 0)
	if err != nil {
		return err
	}
	maxChars := s.maxChars
	if maxChars == 0 {
		longest := 0
		for _, c := range probe.Classes {
			longest = max(longest, utf8.RuneCountInString(augment.LabelPrompt(c)))
		}
		if maxChars = window - longest - 1; maxChars < 1 {
			return usagef("context %d: the longest label prompt takes %d characters: want a longer context (--context, or a model trained with one)", window, longest)
		}
	}
	real, dropped, err := augment.LoadTexts(s.data, maxChars)
	if err != nil {
		return err
	}
	if modelClasses != nil {
		if err := augment.CheckTextClasses(s.data, real.Classes, modelClasses); err != nil {
			return err
		}
	}
	counts, err := req.Counts(real.ClassCounts())
	if err != nil {
		return usagef("%v", err)
	}
	fmt.Fprintf(log, "%s: %d texts of at most %d characters in %d classes %v (%d longer left out)\n", s.data, real.Len(), maxChars, len(real.Classes), real.Classes, dropped)
	model := s.checkpoint
	settings := map[string]any{"max_chars": maxChars, "temperature": s.temperature, "top_p": s.topP}
	if m == nil {
		opt := augment.TextModelOptions{Preset: s.preset, Context: s.context, Batch: s.batch, Log: log,
			Train: train.Options{Steps: s.trainSteps, LR: s.lr, LRSchedule: "cosine", Warmup: min(200, s.trainSteps/10), WeightDecay: 0.01, ClipNorm: 1, EMADecay: 0.999, Seed: s.seed, LogEvery: 100}}
		fmt.Fprintf(log, "training an MDLM model (%s, context %d) on %d labelled texts, %d steps\n", s.preset, s.context, real.Len(), s.trainSteps)
		if m, err = augment.TrainTextModel(ctx, real, opt); err != nil {
			return err
		}
		modelClasses, model = real.Classes, "trained here"
		settings["train"] = map[string]any{"preset": s.preset, "context": s.context, "batch": s.batch, "steps": s.trainSteps, "lr": s.lr,
			"schedule": "cosine", "warmup": opt.Train.Warmup, "weight_decay": 0.01, "clip": 1, "ema": 0.999, "seed": s.seed}
	}
	// The model's hash is that of its file as SaveTextModel writes it.
	path := s.saveModel
	if path == "" {
		path = s.checkpoint
	}
	if s.checkpoint == "" {
		if path == "" {
			dir, err := os.MkdirTemp("", "augment-text-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "model.safetensors")
		}
		if err := augment.SaveTextModel(path, m, modelClasses); err != nil {
			return err
		}
	}
	hash, err := augment.HashFiles(path)
	if err != nil {
		return err
	}
	opt := augment.TextOptions{Seed: s.seed, Steps: s.steps, Temperature: s.temperature, TopP: s.topP, MinConfidence: s.req.minConfidence}
	filter := ""
	if s.req.minConfidence > 0 {
		if opt.Filter, err = augment.FitCharClassifier(real.Texts, real.Labels, len(real.Classes), augment.CharOptions{}); err != nil {
			return err
		}
		filter = "character n-gram logistic regression fitted to the real texts"
	}
	syn, reports, err := augment.GenerateTexts(ctx, m, modelClasses, real.Classes, counts, opt)
	if err != nil {
		return err
	}
	man := augment.Manifest{Source: s.data, Model: model, ModelSHA256: hash, Seed: s.seed, Sampler: "mdlm", Steps: s.steps, Request: req,
		MinConfidence: s.req.minConfidence, Filter: filter, Settings: settings, Classes: augment.NewCounts(real.ClassCounts(), reports)}
	if err := augment.WriteTexts(s.out, real, syn, man); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %d real and %d synthetic texts, labels.jsonl and manifest.json to %s\n", real.Len(), syn.Len(), s.out)
	if s.saveModel != "" {
		fmt.Fprintf(log, "model saved to %s\n", s.saveModel)
	}
	return nil
}
