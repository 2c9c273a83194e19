package main

import (
	"fmt"
	"strconv"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/spf13/cobra"
)

// priorSteps is the step count of the prior path when --steps is not
// given: Karras-spaced from the input's noise level down, which needs far
// fewer steps than a full generation run.
const priorSteps = 50

// addPriorFlags registers the settings of the prior path on audio denoise
// and describes the path in its help.
func addPriorFlags(cmd *cobra.Command) {
	cmd.Flags().Float64("noise-level", 0, "prior path only: standard deviation of the white noise in the input, full scale 1 (0: estimate it from the file's quietest frames)")
	cmd.Long += `

Given a waveform generation model (--task generate), denoise uses it
unconditionally (the null class) as the prior, as image denoising does:
every 1-s window is scaled to the model's training peak, taken as the
diffusion state at the time whose σ_t/α_t is the (scaled) noise level,
and the reverse sampler runs from there to 0; --samples draws are
averaged (the posterior mean). --noise-level gives the white noise's
standard deviation; without it the level is estimated from the file's
quietest 20-ms frames. The sampler defaults to ddpm (posterior draws) with
50 steps from the noise level. Mel-spectrogram models cannot be used.`
}

// priorOnly refuses --noise-level for a model that is not a waveform
// generation model.
func priorOnly(cmd *cobra.Command, file string) error {
	if cmd.Flags().Changed("noise-level") {
		return usagef("audio denoise: --noise-level is a setting of the prior path (a waveform generation model); %s is not one", file)
	}
	return nil
}

// denoisePrior is audio denoise with a waveform generation model as the
// unconditional prior (diffwave.PriorDenoiseClip): every input is read and
// checked first, then denoised, then written with the settings (and the
// noise level used) in the INFO chunk.
func denoisePrior(cmd *cobra.Command, s *audioSamplerFlags, spec sampler.Spec, m *diffwave.Model, file, sum, in string, samples int) error {
	level, err := cmd.Flags().GetFloat64("noise-level")
	if err != nil {
		return err
	}
	if level < 0 || level != level {
		return usagef("audio denoise: --noise-level: want ≥ 0 (0: estimate), got %g", level)
	}
	log := cmd.OutOrStdout()
	if !cmd.Flags().Changed("sampler") {
		spec.Name = "ddpm"
	}
	if !cmd.Flags().Changed("steps") {
		spec.Steps = priorSteps
	}
	how := "estimated per file from its quietest frames"
	if level > 0 {
		how = fmt.Sprintf("%g (given)", level)
	}
	fmt.Fprintf(log, "%s is a generation model: denoising with it as the unconditional prior (sampler %s, %d steps from the noise level, mean of %d draws; noise level %s)\n",
		file, spec.Name, spec.StepCount(m.Config.Steps), samples, how)
	return denoiseFiles(log, in, s.outDir, m.Config.Rate, func(x diffwave.Input) ([]float32, map[string]string, error) {
		y, used, err := diffwave.PriorDenoiseClip(cmd.Context(), m, x.Audio.Data[0], level, samples, diffwave.Options{Sampler: spec, Seed: s.seed})
		if err != nil {
			return nil, nil, err
		}
		if level == 0 {
			fmt.Fprintf(log, "%s: estimated noise level %.4g\n", x.Path, used)
		}
		return y, map[string]string{"checkpoint_sha256": sum, "model": "diffwave prior",
			"sampler": spec.Name, "steps": strconv.Itoa(spec.StepCount(m.Config.Steps)), "samples": strconv.Itoa(samples),
			"seed": strconv.FormatUint(s.seed, 10), "noise_level": strconv.FormatFloat(used, 'g', -1, 64)}, nil
	})
}
