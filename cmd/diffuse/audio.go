package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/diffusego/diffusego/jobs"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/audio"
	"github.com/diffusego/diffusego/audio/classifier"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/digits"
	"github.com/diffusego/diffusego/audio/dsp"
	"github.com/diffusego/diffusego/audio/quality"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/spf13/cobra"
)

func newAudioCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audio",
		Short: "Train, sample, denoise and evaluate audio diffusion models (spoken digits)",
		Long: `audio trains DiffWave-style waveform diffusion models on the spoken-digit data
set (make digits): class-conditional generation with classifier-free
guidance, and speech denoising conditioned on the noisy recording. See
docs/audio.md.`,
	}
	cmd.AddCommand(newAudioTrainCmd(), newAudioSampleCmd(), newAudioDenoiseCmd(), newAudioEvalCmd(), newAudioExportCmd())
	return cmd
}

// audioTrainFlags are the settings of diffuse audio train.
type audioTrainFlags struct {
	task, data                             string
	batch, limit                           int
	channels, layers, patch, cycle, tsteps int
	seed                                   uint64
	runFlags
}

func newAudioTrainCmd() *cobra.Command {
	var f audioTrainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a generation or denoising model on the spoken digits",
		Long: `train fits a model to the training voices of the spoken-digit data set:
--task generate (a DiffWave-style waveform model, class-conditional, label
dropout for guidance), --task mel (the image U-Net on 32×32 log-mel images
of the clips, class-conditional with label dropout; audio sample vocodes
its images with Griffin–Lim), --task denoise (a waveform model; noise of
a random kind and SNR mixed into every clip at every step; the noisy clip
is the condition) or --task enhance (score-based enhancement on the
compressed STFT magnitude with the image U-Net, the noisy spectrogram as
the condition, noise mixed as for denoise; the better denoiser, see
docs/audio.md). Checkpoints
(ckpt-STEP.safetensors with the model configuration as JSON in the header,
written atomically) and loss.png come every --checkpoint-every steps, at
the end, at --minutes and on Ctrl-C; --resume continues a run exactly.`,
		Example: `  diffuse audio train --task generate --data out/digits --out runs/gen --minutes 30
  diffuse audio train --task denoise --data out/digits --out runs/den --steps 2000
  diffuse audio train --task generate --data out/digits --out runs/gen --resume runs/gen`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.data == "" || f.out == "" {
				return usagef("audio train: --data and --out are required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			return runAudioTrain(ctx, f, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.task, "task", diffwave.TaskGenerate, "generate, mel, denoise or enhance")
	fl.StringVar(&f.data, "data", "", "spoken-digit data set folder (with manifest.csv)")
	f.runFlags.add(fl, runDefaults{steps: 2000, warmup: 100, checkpointEvery: 250, lr: 1e-3, decay: 0})
	fl.Uint64Var(&f.seed, "seed", 1, "random seed: weights, batches, noise")
	fl.IntVar(&f.batch, "batch", 8, "clips per step")
	fl.IntVar(&f.limit, "limit", 0, "use only the first N training clips (0 = all)")
	fl.IntVar(&f.channels, "channels", 0, "residual channels, or the U-Net's base width with --task mel (0 = the default model)")
	fl.IntVar(&f.layers, "layers", 0, "residual layers (0 = default)")
	fl.IntVar(&f.patch, "patch", 0, "samples folded into channels (0 = default)")
	fl.IntVar(&f.cycle, "cycle", 0, "dilation cycle: layer i has dilation 2^(i mod cycle) (0 = default)")
	fl.IntVar(&f.tsteps, "diffusion-steps", 0, "training steps T of the noise schedule (0 = default)")
	return cmd
}

func runAudioTrain(ctx context.Context, f audioTrainFlags, log io.Writer) error {
	if f.task == taskMel {
		return runAudioMelTrain(ctx, f, log)
	}
	if f.task == taskEnhance {
		return runAudioEnhanceTrain(ctx, f, log)
	}
	if f.task != diffwave.TaskGenerate && f.task != diffwave.TaskDenoise {
		return usagef("audio train: --task %q: want generate, mel, denoise or enhance", f.task)
	}
	cfg := diffwave.DefaultConfig(f.task)
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
		if cfg, err = diffwave.ParseConfig(meta, resumeFrom); err != nil {
			return err
		}
		if cfg.Task != f.task {
			return usagef("audio train: %s is a %q model: resume with --task %s", resumeFrom, cfg.Task, cfg.Task)
		}
	} else {
		for _, o := range []struct {
			v   int
			dst *int
		}{{f.channels, &cfg.Channels}, {f.layers, &cfg.Layers}, {f.patch, &cfg.Patch}, {f.cycle, &cfg.Cycle}, {f.tsteps, &cfg.Steps}} {
			if o.v != 0 {
				*o.dst = o.v
			}
		}
	}
	m, err := diffwave.New(cfg, tensor.NewRNG(f.seed))
	if err != nil {
		return usagef("audio train: %v", err)
	}
	tr, clips, err := diffwave.NewTrainer(m, f.data, f.limit, f.batch, f.options(f.seed))
	if err != nil {
		return err
	}
	tr.Unit = "clips"
	if err := resumeInto(tr, resumeFrom, log); err != nil {
		return err
	}
	cfgMeta, err := cfg.Meta()
	if err != nil {
		return err
	}
	meta, err := f.startRun(map[string]any{"model": cfg}, cfgMeta)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "audio train: task %s, %d training clips, %d parameters, batch %d\n",
		cfg.Task, clips, paramTotal(m.Params()), f.batch)
	tr.Log = log
	r := taskRun{tr: tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: "training loss (v-MSE)"}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// startRun makes the run folder and writes its config.json: the flags'
// settings plus extra. It returns the checkpoint metadata: every entry of
// metas and the data folder (audio.data).
func (f audioTrainFlags) startRun(extra map[string]any, metas ...map[string]string) (map[string]string, error) {
	meta := map[string]string{}
	for _, m := range metas {
		maps.Copy(meta, m)
	}
	meta["audio.data"] = f.data
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	cfg := map[string]any{"data": f.data, "seed": f.seed, "batch": f.batch, "limit": f.limit, "lr": f.lr, "steps": f.steps}
	maps.Copy(cfg, extra)
	return meta, checkpoint.WriteJSON(filepath.Join(f.out, "config.json"), cfg)
}

// paramTotal is the number of values in ps.
func paramTotal(ps []*nn.Param) int {
	n := 0
	for _, p := range ps {
		n += p.V.Value.Len()
	}
	return n
}

// loadAudioModel reads the newest checkpoint of path and its SHA-256.
func loadAudioModel(path string, raw bool) (*diffwave.Model, string, string, error) {
	if path == "" {
		return nil, "", "", usagef("--checkpoint is required (a checkpoint file or a run folder)")
	}
	file, err := jobs.NewestCheckpoint(path)
	if err != nil {
		return nil, "", "", err
	}
	sum, err := fileSHA256(file)
	if err != nil {
		return nil, "", "", err
	}
	m, _, err := diffwave.Load(file, !raw)
	return m, file, sum, err
}

// fileSHA256 is the hex SHA-256 of a file's bytes.
func fileSHA256(file string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// audioSamplerFlags are the sampling settings shared by sample and denoise.
type audioSamplerFlags struct {
	sampler     string
	steps       int
	eta, temp   float64
	seed        uint64
	checkpoint  string
	raw         bool
	outDir      string
	guidanceVal float64
}

func (s *audioSamplerFlags) register(cmd *cobra.Command, defSampler string) {
	fl := cmd.Flags()
	fl.StringVar(&s.checkpoint, "checkpoint", "", "checkpoint file or run folder (its newest checkpoint)")
	fl.StringVar(&s.sampler, "sampler", defSampler, "sampler: "+strings.Join(sampler.Names(), ", "))
	fl.IntVar(&s.steps, "steps", 0, "sampling steps (0: the sampler's usual count)")
	fl.Float64Var(&s.eta, "eta", 0, "DDIM's η")
	fl.Float64Var(&s.temp, "temperature", 1, "scale of the initial and injected noise")
	fl.Uint64Var(&s.seed, "seed", 1, "sampling seed")
	fl.BoolVar(&s.raw, "raw", false, "use the raw weights instead of the EMA")
	fl.StringVar(&s.outDir, "out", "", "output folder")
}

func (s *audioSamplerFlags) spec(what string) (sampler.Spec, error) {
	if s.steps < 0 {
		return sampler.Spec{}, usagef("%s: --steps: want ≥ 1 (or 0 for the sampler's usual count), got %d", what, s.steps)
	}
	if !(s.temp > 0) {
		return sampler.Spec{}, usagef("%s: --temperature: want > 0, got %g", what, s.temp)
	}
	spec := sampler.Spec{Name: s.sampler, Steps: s.steps, Eta: s.eta, Temperature: s.temp}
	if _, err := spec.Build(); err != nil {
		return spec, usagef("%s: --sampler: %v", what, err)
	}
	if s.outDir == "" {
		return spec, usagef("%s: --out is required", what)
	}
	return spec, nil
}

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
			if s.checkpoint == "" {
				return sampleMel(cmd, &s, "", n, class) // the shipped mel model
			}
			switch file, kind, err := audioCheckpoint(s.checkpoint); {
			case err != nil:
				return err
			case kind == kindMel:
				return sampleMel(cmd, &s, file, n, class)
			case kind == kindEnhance:
				return usagef("audio sample: %s is a speech enhancement model: use audio denoise", file)
			}
			m, file, sum, err := loadAudioModel(s.checkpoint, s.raw)
			if err != nil {
				return err
			}
			if m.Config.Task != diffwave.TaskGenerate {
				return usagef("audio sample: %s is a %q model: use audio denoise", file, m.Config.Task)
			}
			labels := diffwave.Labels(n, class, m.Config.Classes)
			x, err := diffwave.Generate(cmd.Context(), m, labels, diffwave.Options{Sampler: spec, Guidance: s.guidanceVal, Seed: s.seed})
			if err != nil {
				return err
			}
			settings := diffwave.SampleSettings(sum, spec, m.Config.Steps, s.guidanceVal, s.seed)
			return writeAudioSamples(s.outDir, x, labels, m.Config.Rate, settings, cmd.OutOrStdout())
		},
	}
	s.register(cmd, "dpmpp2m")
	cmd.Flags().Lookup("checkpoint").Usage = "checkpoint file or run folder (its newest checkpoint); empty: the shipped mel model"
	cmd.Flags().IntVar(&n, "n", 10, "number of clips")
	cmd.Flags().IntVar(&class, "class", -1, "digit to say (-1: 0…9 in turn)")
	cmd.Flags().Float64Var(&s.guidanceVal, "guidance", 3, "classifier-free guidance weight w (1 = conditional)")
	return cmd
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

func newAudioDenoiseCmd() *cobra.Command {
	var s audioSamplerFlags
	var in string
	var samples int
	cmd := &cobra.Command{
		Use:   "denoise",
		Short: "Remove noise from WAV recordings with a trained denoising model",
		Long: `denoise reads every .wav file of --in, converts it to the model's rate and
mono (saying so), cuts it into the model's 1-s windows (the last padded),
draws --samples posterior samples of the clean speech per window given the
noisy one, averages them, and writes --out/NAME.wav (16-bit PCM, settings in
the INFO chunk). Every input is read and checked before anything is written:
a bad file is named and nothing is written.`,
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
			switch file, kind, err := audioCheckpoint(s.checkpoint); {
			case err != nil:
				return err
			case kind == kindMel:
				return usagef("audio denoise: %s is a mel-spectrogram generation model: it cannot be a denoising prior (the prior path needs a waveform model, --task generate); use audio sample", file)
			case kind == kindEnhance:
				if err := priorOnly(cmd, file); err != nil {
					return err
				}
				return denoiseEnhance(cmd, &s, spec, file, in, samples)
			}
			m, file, sum, err := loadAudioModel(s.checkpoint, s.raw)
			if err != nil {
				return err
			}
			if m.Config.Task == diffwave.TaskGenerate {
				return denoisePrior(cmd, &s, spec, m, file, sum, in, samples)
			}
			if err := priorOnly(cmd, file); err != nil {
				return err
			}
			if m.Config.Task != diffwave.TaskDenoise {
				return usagef("audio denoise: %s is a %q model: use audio sample", file, m.Config.Task)
			}
			settings := map[string]string{"checkpoint_sha256": sum, "sampler": spec.Name,
				"steps": strconv.Itoa(spec.StepCount(m.Config.Steps)), "samples": strconv.Itoa(samples), "seed": strconv.FormatUint(s.seed, 10)}
			return denoiseFiles(cmd.OutOrStdout(), in, s.outDir, m.Config.Rate, func(x diffwave.Input) ([]float32, map[string]string, error) {
				y, err := diffwave.DenoiseClip(cmd.Context(), m, x.Audio.Data[0], samples, diffwave.Options{Sampler: spec, Seed: s.seed})
				return y, settings, err
			})
		},
	}
	s.register(cmd, "dpmpp2m")
	cmd.Flags().StringVar(&in, "in", "", "folder of noisy .wav files")
	cmd.Flags().IntVar(&samples, "samples", 1, "posterior samples averaged per clip")
	addPriorFlags(cmd)
	return cmd
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

var audioSampleName = regexp.MustCompile(`_c(\d+)\.wav$`)

func newAudioEvalCmd() *cobra.Command {
	var samples, data, reference, out string
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score generated or denoised clips",
		Long: `eval scores the .wav files of --samples. With --data (the spoken-digit set),
it gives the class accuracy of NNNNNN_cK.wav files (the shipped digit
classifier) and the Fréchet distance in its features to as many test-voice
clips, with the floor (validation-voice clips against the same test clips)
beside. With --reference (a folder of clean clips of the same names), it
gives the mean SI-SDR, segmental SNR and log-spectral distance. --out writes
the scores as JSON.`,
		Example: `  diffuse audio eval --samples samples --data out/digits
  diffuse audio eval --samples clean/ --reference truth/ --out scores.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if samples == "" || (data == "" && reference == "") {
				return usagef("audio eval: --samples and one of --data or --reference are required")
			}
			inputs, err := diffwave.ReadDir(samples, digits.Rate)
			if err != nil {
				return err
			}
			res := map[string]any{"samples": samples, "n": len(inputs)}
			log := cmd.OutOrStdout()
			if data != "" {
				sc, err := scoreGenerated(inputs, data)
				if err != nil {
					return err
				}
				res["classifier_sha256"], res["generation"] = classifier.SHA256(), sc
				fmt.Fprintf(log, "%d clips: class accuracy %.3f; FD %.3f (real-vs-real floor %.3f at the same count)\n",
					sc.N, sc.Accuracy, sc.FD, sc.FloorFD)
			}
			if reference != "" {
				q, err := scoreAgainst(inputs, reference)
				if err != nil {
					return err
				}
				res["reference"] = q
				fmt.Fprintf(log, "%d clips against %s: SI-SDR %.2f dB, segmental SNR %.2f dB, LSD %.2f dB\n",
					len(inputs), reference, q["si_sdr"], q["seg_snr"], q["lsd"])
			}
			if out != "" {
				return checkpoint.WriteAtomic(out, func(w io.Writer) error {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(res)
				})
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&samples, "samples", "", "folder of .wav files to score")
	fl.StringVar(&data, "data", "", "spoken-digit data set: class accuracy and FD against its test voices")
	fl.StringVar(&reference, "reference", "", "folder of clean .wav files with the same names: SI-SDR, segmental SNR, LSD")
	fl.StringVar(&out, "out", "", "write the scores as JSON")
	return cmd
}

// scoreGenerated gives accuracy (of _cK files) and FD against test clips.
func scoreGenerated(inputs []diffwave.Input, data string) (classifier.Scores, error) {
	n := len(inputs)
	x := tensor.New(n, 1, digits.Samples)
	var labels []int
	for i, in := range inputs {
		if in.Audio.Len() != digits.Samples {
			return classifier.Scores{}, fmt.Errorf("%s: %d samples: want %d (1 s at %d Hz)", in.Path, in.Audio.Len(), digits.Samples, digits.Rate)
		}
		for j, v := range in.Audio.Data[0] {
			x.Data[i*digits.Samples+j] = float32(v)
		}
		if m := audioSampleName.FindStringSubmatch(in.Path); m != nil {
			c, _ := strconv.Atoi(m[1])
			labels = append(labels, c)
		}
	}
	if len(labels) != n { // accuracy only when every file names its class
		labels = nil
	}
	ref, _, _, err := digits.Load(data, digits.Test, n)
	if err != nil {
		return classifier.Scores{}, err
	}
	floor, _, _, err := digits.Load(data, digits.Validation, n)
	if err != nil {
		return classifier.Scores{}, err
	}
	if ref.Dim(0) < 2 || floor.Dim(0) < 2 {
		return classifier.Scores{}, fmt.Errorf("%s: too few test or validation clips for a Fréchet distance", data)
	}
	c, err := classifier.Load()
	if err != nil {
		return classifier.Scores{}, err
	}
	return c.Score(x, labels, ref, floor)
}

// scoreAgainst gives the mean SI-SDR, segmental SNR and LSD of inputs
// against same-named clean files.
func scoreAgainst(inputs []diffwave.Input, dir string) (map[string]float64, error) {
	stft, err := dsp.NewSTFT(256, 64)
	if err != nil {
		return nil, err
	}
	var sums [3]float64
	for _, in := range inputs {
		path := filepath.Join(dir, filepath.Base(in.Path))
		a, err := audio.ReadFile(path)
		if err != nil {
			return nil, err
		}
		ref, _, err := audio.Conform(a, digits.Rate, 1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if ref.Len() != in.Audio.Len() {
			return nil, fmt.Errorf("%s: %d samples, but %s has %d", path, ref.Len(), in.Path, in.Audio.Len())
		}
		est, r := in.Audio.Data[0], ref.Data[0]
		v, err := quality.SISDR(est, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		s, err := quality.SegSNR(est, r, 256, 128)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		l, err := quality.LSD(est, r, stft)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Path, err)
		}
		sums[0], sums[1], sums[2] = sums[0]+v, sums[1]+s, sums[2]+l
	}
	k := float64(len(inputs))
	return map[string]float64{"si_sdr": sums[0] / k, "seg_snr": sums[1] / k, "lsd": sums[2] / k}, nil
}
