package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/specenh"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/spf13/cobra"
)

// priorSteps is the step count of the prior path when --steps is not
// given: Karras-spaced from the input's noise level down, which needs far
// fewer steps than a full generation run.
const priorSteps = 50

func newAudioDenoiseCmd() *cobra.Command {
	var s audioSamplerFlags
	var in string
	var samples int
	var level float64
	cmd := &cobra.Command{
		Use:   "denoise",
		Short: "Remove noise from WAV recordings with a trained denoising model",
		Long: `denoise reads every .wav file of --in, converts it to the model's rate and
mono (saying so), cuts it into the model's 1-s windows (the last padded),
draws --samples posterior samples of the clean speech per window given the
noisy one, averages them, and writes --out/NAME.wav (16-bit PCM, settings in
the INFO chunk). Every input is read and checked before anything is written:
a bad file is named and nothing is written.

Given a waveform generation model (--task generate), denoise uses it
unconditionally (the null class) as the prior, as image denoising does:
every 1-s window is scaled to the model's training peak, taken as the
diffusion state at the time whose σ_t/α_t is the (scaled) noise level,
and the reverse sampler runs from there to 0; --samples draws are
averaged (the posterior mean). --noise-level gives the white noise's
standard deviation; without it the level is estimated from the file's
quietest 20-ms frames. The sampler defaults to ddpm (posterior draws) with
50 steps from the noise level. Mel-spectrogram models cannot be used.`,
		Example: `  diffuse audio denoise --checkpoint runs/den --in noisy/ --out clean/
  diffuse audio denoise --checkpoint runs/den --in noisy/ --out clean/ --samples 4 --sampler heun`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := s.spec("audio denoise")
			if err != nil {
				return err
			}
			if in == "" {
				return usagef("audio denoise: --in is required (a folder of .wav files)")
			}
			if samples < 1 {
				return usagef("audio denoise: --samples: want ≥ 1, got %d", samples)
			}
			file, kind, err := audioCheckpoint(s.checkpoint)
			if err != nil {
				return err
			}
			if kind == kindMel {
				return usagef("audio denoise: %s is a mel-spectrogram generation model: it cannot be a denoising prior (the prior path needs a waveform model, --task generate); use audio sample", file)
			}
			var m *diffwave.Model
			var sum string
			if kind == kindWaveform {
				if m, _, sum, err = loadAudioModel(file, s.raw); err != nil { // the file whose kind was read
					return err
				}
			}
			prior := m != nil && m.Config.Task == diffwave.TaskGenerate
			if !prior && cmd.Flags().Changed("noise-level") {
				return usagef("audio denoise: --noise-level is a setting of the prior path (a waveform generation model); %s is not one", file)
			}
			if prior {
				if !cmd.Flags().Changed("sampler") {
					spec.Name = "ddpm"
				}
				if !cmd.Flags().Changed("steps") {
					spec.Steps = priorSteps
				}
			}
			j := denoiseJob{ctx: cmd.Context(), spec: spec, samples: samples, seed: s.seed, log: cmd.OutOrStdout()}
			var d audioDenoiser
			switch {
			case kind == kindEnhance:
				d, err = j.enhancer(file, s.raw)
			case prior:
				d, err = j.prior(m, file, sum, level)
			case m.Config.Task != diffwave.TaskDenoise:
				err = usagef("audio denoise: %s is a %q model: use audio sample", file, m.Config.Task)
			default:
				d = j.conditional(m, sum)
			}
			if err != nil {
				return err
			}
			return denoiseFiles(j.log, in, s.outDir, d.rate, d.clean)
		},
	}
	s.register(cmd, "dpmpp2m")
	cmd.Flags().StringVar(&in, "in", "", "folder of noisy .wav files")
	cmd.Flags().IntVar(&samples, "samples", 1, "posterior samples averaged per clip")
	cmd.Flags().Float64Var(&level, "noise-level", 0, "prior path only: standard deviation of the white noise in the input, full scale 1 (0: estimate it from the file's quietest frames)")
	return cmd
}

// audioDenoiser is a model as audio denoise applies it: the rate it works
// at, and clean, which returns the estimate of one input's clean speech
// and the settings its file carries.
type audioDenoiser struct {
	rate  int
	clean func(x diffwave.Input) ([]float32, map[string]string, error)
}

// denoiseJob is what one audio denoise run asks of any model: the
// sampler, the posterior samples averaged per window, the seed, and where
// to say what it does.
type denoiseJob struct {
	ctx     context.Context
	spec    sampler.Spec
	samples int
	seed    uint64
	log     io.Writer
}

// settings are the settings of a denoised file: the checkpoint's SHA-256,
// the model (when named), the sampler and its step count for a model of T
// training steps, the posterior samples averaged and the seed.
func (j denoiseJob) settings(sum, model string, T int) map[string]string {
	st := map[string]string{"checkpoint_sha256": sum, "sampler": j.spec.Name, "steps": strconv.Itoa(j.spec.StepCount(T)),
		"samples": strconv.Itoa(j.samples), "seed": strconv.FormatUint(j.seed, 10)}
	if model != "" {
		st["model"] = model
	}
	return st
}

// conditional is a waveform denoising model (--task denoise), the noisy
// window its condition (diffwave.DenoiseClip).
func (j denoiseJob) conditional(m *diffwave.Model, sum string) audioDenoiser {
	st := j.settings(sum, "", m.Config.Steps)
	return audioDenoiser{rate: m.Config.Rate, clean: func(x diffwave.Input) ([]float32, map[string]string, error) {
		y, err := diffwave.DenoiseClip(j.ctx, m, x.Audio.Data[0], j.samples, diffwave.Options{Sampler: j.spec, Seed: j.seed})
		return y, st, err
	}}
}

// enhancer is the spectrogram enhancer of file (specenh; its EMA weights
// unless raw), every input enhanced in 1-s windows (EnhanceLong).
func (j denoiseJob) enhancer(file string, raw bool) (audioDenoiser, error) {
	e, err := specenh.Load(file, !raw)
	if err != nil {
		return audioDenoiser{}, err
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return audioDenoiser{}, err
	}
	o := specenh.Options{Sampler: j.spec, Samples: j.samples, Seed: j.seed}
	st := j.settings(sum, "specenh", e.Pipe.Model.Schedule.Steps)
	return audioDenoiser{rate: e.Codec.Spec.Rate, clean: func(x diffwave.Input) ([]float32, map[string]string, error) {
		y, err := e.EnhanceLong(j.ctx, x.Audio.Data[0], o)
		if err != nil {
			return nil, nil, err
		}
		out := make([]float32, len(y))
		for i, v := range y {
			out[i] = float32(v)
		}
		return out, st, nil
	}}, nil
}

// prior is a waveform generation model as the unconditional prior
// (diffwave.PriorDenoiseClip) at the white-noise level level (0: estimated
// per file, and said); it says how it denoises first.
func (j denoiseJob) prior(m *diffwave.Model, file, sum string, level float64) (audioDenoiser, error) {
	if level < 0 || math.IsNaN(level) {
		return audioDenoiser{}, usagef("audio denoise: --noise-level: want ≥ 0 (0: estimate), got %g", level)
	}
	how := "estimated per file from its quietest frames"
	if level > 0 {
		how = fmt.Sprintf("%g (given)", level)
	}
	fmt.Fprintf(j.log, "%s is a generation model: denoising with it as the unconditional prior (sampler %s, %d steps from the noise level, mean of %d draws; noise level %s)\n",
		file, j.spec.Name, j.spec.StepCount(m.Config.Steps), j.samples, how)
	return audioDenoiser{rate: m.Config.Rate, clean: func(x diffwave.Input) ([]float32, map[string]string, error) {
		y, used, err := diffwave.PriorDenoiseClip(j.ctx, m, x.Audio.Data[0], level, j.samples, diffwave.Options{Sampler: j.spec, Seed: j.seed})
		if err != nil {
			return nil, nil, err
		}
		if level == 0 {
			fmt.Fprintf(j.log, "%s: estimated noise level %.4g\n", x.Path, used)
		}
		st := j.settings(sum, "diffwave prior", m.Config.Steps)
		st["noise_level"] = strconv.FormatFloat(used, 'g', -1, 64)
		return y, st, nil
	}}, nil
}

// denoiseFiles is the file handling of audio denoise, whatever the model:
// it reads every .wav of in at rate (all of them checked, and what was
// converted said, before any is denoised), denoises each with clean, which
// returns the clip and its settings, and only then writes them to outDir
// under their input names (16-bit PCM, the settings and the input's name
// in the INFO chunk).
func denoiseFiles(log io.Writer, in, outDir string, rate int, clean func(x diffwave.Input) ([]float32, map[string]string, error)) error {
	inputs, err := diffwave.ReadDir(in, rate)
	if err != nil {
		return err
	}
	for _, x := range inputs {
		if x.Note != "" {
			fmt.Fprintf(log, "%s: %s\n", x.Path, x.Note)
		}
	}
	outs := make([][]float32, len(inputs))
	settings := make([]map[string]string, len(inputs))
	for i, x := range inputs {
		y, st, err := clean(x)
		if err != nil {
			return fmt.Errorf("%s: %w", x.Path, err)
		}
		outs[i], settings[i] = y, st
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	for i, x := range inputs {
		st := maps.Clone(settings[i])
		st["input"] = filepath.Base(x.Path)
		if err := diffwave.WriteClip(filepath.Join(outDir, filepath.Base(x.Path)), outs[i], rate, st); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "denoised %d files into %s\n", len(inputs), outDir)
	return nil
}
