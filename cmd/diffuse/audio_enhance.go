package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/audio/specenh"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/spf13/cobra"
)

// taskEnhance is --task enhance of diffuse audio train: score-based
// speech enhancement on the compressed STFT magnitude with the image
// U-Net (audio/specenh).
const taskEnhance = "enhance"

// runAudioEnhanceTrain trains a spectrogram enhancer (specenh.DefaultModel)
// on the training clips with noise mixed afresh at every step. The
// checkpoints carry the image model and the spec, so that audio denoise
// knows it for an enhancer.
func runAudioEnhanceTrain(ctx context.Context, f audioTrainFlags, log io.Writer) error {
	if f.layers != 0 || f.patch != 0 || f.cycle != 0 {
		return usagef("audio train: --layers, --patch and --cycle are settings of the waveform model, not of --task enhance")
	}
	spec := specenh.Default()
	model := specenh.DefaultModel(spec)
	if f.channels != 0 {
		model.UNet.Channels = f.channels
	}
	if f.tsteps != 0 {
		model.Schedule.Steps = f.tsteps
	}
	var resumeFrom string
	if f.resume != "" {
		var err error
		if resumeFrom, err = jobs.NewestCheckpoint(f.resume); err != nil {
			return err
		}
		meta, err := checkpoint.ReadMeta(resumeFrom)
		if err != nil {
			return err
		}
		s, ok, err := specenh.ParseSpec(meta, resumeFrom)
		if err != nil {
			return err
		}
		if !ok {
			return usagef("audio train: %s is not a spectrogram enhancement model: resume it with its own --task", resumeFrom)
		}
		if err := checkpoint.DecodeJSON([]byte(meta[pipeline.ConfigKey]), resumeFrom+": "+pipeline.ConfigKey, &model); err != nil {
			return err
		}
		spec = s
	}
	e, err := specenh.New(model, spec, f.seed)
	if err != nil {
		return usagef("audio train: %v", err)
	}
	tr, clips, err := specenh.NewTrainer(e, f.data, f.limit, f.batch, f.options(f.seed))
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
	meta, err := f.startRun(map[string]any{"task": taskEnhance, "model": model, "spec": spec}, model.Meta(), specMeta)
	if err != nil {
		return err
	}
	n := paramTotal(e.Pipe.Net.Params())
	fmt.Fprintf(log, "audio train: task enhance, %d training clips as 2×%d×%d compressed STFT magnitudes, %d parameters, batch %d\n",
		clips, spec.Size(), spec.Size(), n, f.batch)
	tr.Log = log
	r := taskRun{tr: tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: "training loss (x₀-MSE on the compressed magnitude)"}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// Kinds of audio checkpoint, as audioCheckpoint tells them apart.
const (
	kindWaveform = "waveform" // audio/diffwave: generation or denoising
	kindMel      = "mel"      // audio/melgen
	kindEnhance  = "enhance"  // audio/specenh
)

// audioCheckpoint returns the newest checkpoint of path and its kind, read
// from its header entries (melgen.MetaKey, specenh.MetaKey; anything else
// is taken for a waveform model, which its loader then checks).
func audioCheckpoint(path string) (file, kind string, err error) {
	if path == "" {
		return "", "", usagef("--checkpoint is required (a checkpoint file or a run folder)")
	}
	if file, err = jobs.NewestCheckpoint(path); err != nil {
		return "", "", err
	}
	meta, err := checkpoint.ReadMeta(file)
	if err != nil {
		return "", "", err
	}
	switch {
	case meta[melgen.MetaKey] != "":
		return file, kindMel, nil
	case meta[specenh.MetaKey] != "":
		return file, kindEnhance, nil
	}
	return file, kindWaveform, nil
}

// denoiseEnhance is audio denoise for a spectrogram enhancer: every input
// is read and checked first, then enhanced in 1-s windows and written as
// 16-bit PCM with the settings in the INFO chunk.
func denoiseEnhance(cmd *cobra.Command, s *audioSamplerFlags, spec sampler.Spec, file, in string, samples int) error {
	e, err := specenh.Load(file, !s.raw)
	if err != nil {
		return err
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return err
	}
	o := specenh.Options{Sampler: spec, Samples: samples, Seed: s.seed}
	settings := map[string]string{"checkpoint_sha256": sum, "model": "specenh", "sampler": spec.Name,
		"steps": strconv.Itoa(spec.StepCount(e.Pipe.Model.Schedule.Steps)), "samples": strconv.Itoa(samples),
		"seed": strconv.FormatUint(s.seed, 10)}
	return denoiseFiles(cmd.OutOrStdout(), in, s.outDir, e.Codec.Spec.Rate, func(x diffwave.Input) ([]float32, map[string]string, error) {
		y, err := e.EnhanceLong(cmd.Context(), x.Audio.Data[0], o)
		if err != nil {
			return nil, nil, err
		}
		out := make([]float32, len(y))
		for j, v := range y {
			out[j] = float32(v)
		}
		return out, settings, nil
	})
}
