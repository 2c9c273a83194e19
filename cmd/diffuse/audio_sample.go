package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/melgen"
	melmodel "github.com/diffusego/diffusego/audio/melgen/model"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

func newAudioSampleCmd() *cobra.Command {
	var s audioSamplerFlags
	var n, class int
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Generate spoken digits with a trained generation model",
		Long: `sample draws --n clips from a generation model: all of --class, or (with
--class -1) the digits in turn. A waveform model (--task generate) samples
clips directly; a mel model (--task mel) samples 32×32 log-mel images and
vocodes them with Griffin–Lim (the checkpoint says which). Without
--checkpoint it samples the shipped mel model (audio/melgen/model), built
into the binary. Files: NNNNNN_cK.wav (16-bit PCM, the
settings and the checkpoint's SHA-256 as JSON in the LIST/INFO chunk),
settings.json and grid.png (their spectrograms). The same settings give the
same bytes.`,
		Example: `  diffuse audio sample --n 20 --guidance 5 --out samples   # the shipped mel model
  diffuse audio sample --checkpoint runs/gen --n 20 --out samples
  diffuse audio sample --checkpoint runs/gen --class 7 --n 4 --guidance 3 --sampler heun --out sevens`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := s.spec("audio sample")
			if err != nil {
				return err
			}
			if n < 1 {
				return usagef("audio sample: --n: want ≥ 1, got %d", n)
			}
			if class < -1 || class > 9 {
				return usagef("audio sample: --class: want a digit 0–9 or -1 for all, got %d", class)
			}
			if s.guidanceVal < 0 {
				return usagef("audio sample: --guidance: want ≥ 0, got %g", s.guidanceVal)
			}
			g, err := openAudioGenerator(s.checkpoint, s.raw)
			if err != nil {
				return err
			}
			labels := diffwave.Labels(n, class, g.classes)
			x, err := g.generate(cmd.Context(), labels, diffwave.Options{Sampler: spec, Guidance: s.guidanceVal, Seed: s.seed})
			if err != nil {
				return err
			}
			settings := diffwave.SampleSettings(g.sum, spec, g.steps, s.guidanceVal, s.seed)
			maps.Copy(settings, g.settings)
			return writeAudioSamples(s.outDir, x, labels, g.rate, settings, cmd.OutOrStdout())
		},
	}
	s.register(cmd, "dpmpp2m")
	cmd.Flags().Lookup("checkpoint").Usage = "checkpoint file or run folder (its newest checkpoint); empty: the shipped mel model"
	cmd.Flags().IntVar(&n, "n", 10, "number of clips")
	cmd.Flags().IntVar(&class, "class", -1, "digit to say (-1: 0…9 in turn)")
	cmd.Flags().Float64Var(&s.guidanceVal, "guidance", 3, "classifier-free guidance weight w (1 = conditional)")
	return cmd
}

// audioGenerator is a generation model as audio sample uses it, whatever
// its kind: how to draw clips (N, 1, Samples) for labels, and what the
// clips' settings say of it.
type audioGenerator struct {
	sum      string            // the checkpoint's SHA-256
	classes  int               // the digits it says
	steps    int               // T, the training steps of its schedule
	rate     int               // its clips' sample rate
	settings map[string]string // settings beyond diffwave.SampleSettings
	generate func(ctx context.Context, labels []int, o diffwave.Options) (*tensor.Tensor, error)
}

// openAudioGenerator loads the generation model of path, a checkpoint
// file or run folder (its newest checkpoint; empty: the shipped mel
// model): a waveform model (--task generate) or a mel model, its EMA
// weights unless raw. Denoising and enhancement models are refused.
func openAudioGenerator(path string, raw bool) (audioGenerator, error) {
	if path == "" {
		return melGenerator("", raw) // the shipped mel model
	}
	file, kind, err := audioCheckpoint(path)
	switch {
	case err != nil:
		return audioGenerator{}, err
	case kind == kindMel:
		return melGenerator(file, raw)
	case kind == kindEnhance:
		return audioGenerator{}, usagef("audio sample: %s is a speech enhancement model: use audio denoise", file)
	}
	m, _, sum, err := loadAudioModel(file, raw) // the file whose kind was read
	if err != nil {
		return audioGenerator{}, err
	}
	if m.Config.Task != diffwave.TaskGenerate {
		return audioGenerator{}, usagef("audio sample: %s is a %q model: use audio denoise", file, m.Config.Task)
	}
	return audioGenerator{sum: sum, classes: m.Config.Classes, steps: m.Config.Steps, rate: m.Config.Rate,
		generate: func(ctx context.Context, labels []int, o diffwave.Options) (*tensor.Tensor, error) {
			return diffwave.Generate(ctx, m, labels, o)
		}}, nil
}

// melGenerator loads the mel model of file: images by the U-Net with
// guidance, vocoded by Griffin–Lim. An empty file is the shipped digit
// model (melmodel), which is sampling-only: raw is refused for it.
func melGenerator(file string, raw bool) (audioGenerator, error) {
	var g *melgen.Generator
	var sum string
	var err error
	if file == "" {
		g, err = melmodel.Load()
		sum = melmodel.SHA256()
		if err == nil && raw {
			err = usagef("audio sample: --raw: the shipped model %s holds only its EMA weights", melmodel.Source)
		}
	} else if g, err = melgen.Load(file, !raw); err == nil {
		sum, err = fileSHA256(file)
	}
	if err != nil {
		return audioGenerator{}, err
	}
	return audioGenerator{sum: sum, classes: g.Pipe.Model.UNet.Classes, steps: g.Pipe.Model.Schedule.Steps, rate: g.Codec.Spec.Rate,
		settings: map[string]string{"model": "mel", "vocoder": fmt.Sprintf("griffin-lim %d iterations", g.Codec.Spec.GLIters)},
		generate: func(ctx context.Context, labels []int, o diffwave.Options) (*tensor.Tensor, error) {
			x, _, err := g.Generate(ctx, labels, melgen.Options{Sampler: o.Sampler, Guidance: o.Guidance, Seed: o.Seed})
			return x, err
		}}, nil
}

// writeAudioSamples writes x's clips as NNNNNN_cK.wav, settings.json and
// grid.png (diffwave.SampleFiles), each atomically.
func writeAudioSamples(dir string, x *tensor.Tensor, labels []int, rate int, settings map[string]string, log io.Writer) error {
	files, err := diffwave.SampleFiles(x, labels, rate, settings)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	for _, f := range files {
		if err := checkpoint.WriteAtomic(filepath.Join(dir, f.Name), func(w io.Writer) error { _, err := w.Write(f.Data); return err }); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "wrote %d clips, settings.json and grid.png to %s\n", len(labels), dir)
	return nil
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
