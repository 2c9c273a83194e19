package main

import (
	"context"
	"fmt"
	"io"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/melgen"
	melmodel "github.com/diffusego/diffusego/audio/melgen/model"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

// taskMel is --task mel of diffuse audio train: diffusion on log-mel
// images with the image U-Net, vocoded by Griffin–Lim.
const taskMel = "mel"

// runAudioMelTrain trains a class-conditional U-Net on the log-mel images
// (melgen.Default) of the training clips, with the image recipe of the
// shipped Fashion-MNIST model (ε target, min-SNR-5 weighting, label dropout
// 0.1 for guidance). The checkpoints carry the image model and the mel
// spec, so that audio sample and the server know it for a mel model.
func runAudioMelTrain(ctx context.Context, f audioTrainFlags, log io.Writer) error {
	spec := melgen.Default()
	model, err := melgen.DefaultModel(spec)
	if err != nil {
		return err
	}
	if f.channels != 0 {
		model.UNet.Channels = f.channels
	}
	if f.tsteps != 0 {
		model.Schedule.Steps = f.tsteps
	}
	if f.layers != 0 || f.patch != 0 || f.cycle != 0 {
		return usagef("audio train: --layers, --patch and --cycle are settings of the waveform model, not of --task mel")
	}
	var resumeFrom string
	if f.resume != "" {
		if resumeFrom, err = jobs.NewestCheckpoint(f.resume); err != nil {
			return err
		}
		meta, err := checkpoint.ReadMeta(resumeFrom)
		if err != nil {
			return err
		}
		s, ok, err := melgen.ParseSpec(meta, resumeFrom)
		if err != nil {
			return err
		}
		if !ok {
			return usagef("audio train: %s is not a mel model: resume it with its own --task", resumeFrom)
		}
		if err := checkpoint.DecodeJSON([]byte(meta[pipeline.ConfigKey]), resumeFrom+": "+pipeline.ConfigKey, &model); err != nil {
			return err
		}
		spec = s
	}
	p, err := pipeline.New(model, f.seed)
	if err != nil {
		return usagef("audio train: %v", err)
	}
	codec, err := melgen.NewCodec(spec)
	if err != nil {
		return err
	}
	x, labels, _, err := digits.Load(f.data, digits.Train, f.limit)
	if err != nil {
		return err
	}
	images, err := codec.Images(x)
	if err != nil {
		return err
	}
	ds, err := data.NewTensorDataset(images, labels)
	if err != nil {
		return err
	}
	batches, err := train.NewBatches(ds, f.batch, f.seed)
	if err != nil {
		return fmt.Errorf("data %s: %w", f.data, err)
	}
	obj := &train.Objective{Schedule: p.Schedule, Target: model.Target, Weighting: diffusion.MinSNR, Gamma: 5,
		LabelDropout: 0.1, NullLabel: model.UNet.Classes, Conditional: true}
	tr, err := train.New(p.Net, obj, batches, f.options(f.seed))
	if err != nil {
		return err
	}
	tr.Unit = "clips"
	if err := resumeInto(tr, resumeFrom, log); err != nil {
		return err
	}
	specMeta, err := spec.Meta()
	if err != nil {
		return fmt.Errorf("audio train: %w", err)
	}
	meta, err := f.startRun(map[string]any{"task": taskMel, "model": model, "mel": spec}, model.Meta(), specMeta)
	if err != nil {
		return err
	}
	n := paramTotal(p.Net.Params())
	fmt.Fprintf(log, "audio train: task mel, %d training clips as %d×%d log-mel images, %d parameters, batch %d\n",
		images.Dim(0), spec.Bands, spec.Frames(), n, f.batch)
	tr.Log = log
	r := taskRun{tr: tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: "training loss (ε-MSE, min-SNR-5)"}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// sampleMel is audio sample for a mel model: images by the U-Net with
// guidance, vocoded by Griffin–Lim, written as audio sample writes. An
// empty file is the shipped digit model (melmodel), which is
// sampling-only: --raw is refused for it.
func sampleMel(cmd *cobra.Command, s *audioSamplerFlags, file string, n, class int) error {
	spec, _ := s.spec("audio sample")
	var g *melgen.Generator
	var sum string
	var err error
	if file == "" {
		g, err = melmodel.Load()
		sum = melmodel.SHA256()
		if err == nil && s.raw {
			err = usagef("audio sample: --raw: the shipped model %s holds only its EMA weights", melmodel.Source)
		}
	} else {
		if g, err = melgen.Load(file, !s.raw); err == nil {
			sum, err = fileSHA256(file)
		}
	}
	if err != nil {
		return err
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = class
		if class < 0 {
			labels[i] = i % 10
		}
	}
	x, _, err := g.Generate(cmd.Context(), labels, melgen.Options{Sampler: spec, Guidance: s.guidanceVal, Seed: s.seed})
	if err != nil {
		return err
	}
	settings := diffwave.SampleSettings(sum, spec, g.Pipe.Model.Schedule.Steps, s.guidanceVal, s.seed)
	settings["model"], settings["vocoder"] = "mel", fmt.Sprintf("griffin-lim %d iterations", g.Codec.Spec.GLIters)
	return writeAudioSamples(s.outDir, x, labels, g.Codec.Spec.Rate, settings, cmd.OutOrStdout())
}

// newAudioExportCmd is diffuse audio export: the sampling-only copy of a
// mel model (melgen.Export), as the shipped model was made.
func newAudioExportCmd() *cobra.Command {
	var from, to string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a sampling-only copy of a mel model (its EMA weights, no training state)",
		Long: `export copies a mel model's checkpoint (diffuse audio train --task mel) with
only its EMA weights and the header entries that describe the model, its
mel spec and its data: a quarter of a training checkpoint. audio sample and
diffuse serve --audio read the copy like the original (without --raw); it
cannot resume training. The shipped model (audio/melgen/model) was made so.`,
		Example: `  diffuse audio export --checkpoint runs/mel --out audio/melgen/model/digits-mel.safetensors`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return usagef("audio export: want --checkpoint and --out")
			}
			file, kind, err := audioCheckpoint(from)
			if err != nil {
				return err
			}
			if kind != kindMel {
				return usagef("audio export: %s is not a mel model (only mel models are exported)", file)
			}
			if err := melgen.Export(file, to); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s from %s\n", to, file)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "checkpoint", "", "mel checkpoint file or run folder (its newest checkpoint)")
	cmd.Flags().StringVar(&to, "out", "", "file to write")
	return cmd
}
