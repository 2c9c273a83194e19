package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/audio/specenh"
	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
	"github.com/spf13/cobra"
)

// The --task values of diffuse audio train beside diffwave's generate and
// denoise: diffusion on log-mel images with the image U-Net, vocoded by
// Griffin–Lim (audio/melgen), and score-based speech enhancement on the
// compressed STFT magnitude with the image U-Net (audio/specenh).
const (
	taskMel     = "mel"
	taskEnhance = "enhance"
)

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

// audioTraining is one task's model with its trainer, built by the task's
// entry of audioTasks: all that runAudioTrain needs beyond the flags.
type audioTraining struct {
	tr     *train.Trainer
	config map[string]any      // config.json's entries beside the flags' (startRun)
	meta   []map[string]string // the header entries that describe the model
	about  string              // the task and its data, for the opening line
	curve  string              // loss.png's title
}

// audioTasks build the model of each --task, fresh from the flags or, when
// from is not empty, as the checkpoint from (whose header entries are
// header) describes it, and its trainer on the data set.
var audioTasks = map[string]func(f audioTrainFlags, from string, header map[string]string) (audioTraining, error){
	diffwave.TaskGenerate: waveformTraining,
	diffwave.TaskDenoise:  waveformTraining,
	taskMel:               melTraining,
	taskEnhance:           enhanceTraining,
}

// runAudioTrain is diffuse audio train for every task: the model and its
// trainer from audioTasks, then what all tasks share: resuming, the run
// folder and its config.json, the opening line, progress, and checkpoints
// with loss.png (taskRun).
func runAudioTrain(ctx context.Context, f audioTrainFlags, log io.Writer) error {
	build, ok := audioTasks[f.task]
	if !ok {
		return usagef("audio train: --task %q: want generate, mel, denoise or enhance", f.task)
	}
	var from string
	var header map[string]string
	if f.resume != "" {
		var err error
		if from, err = jobs.NewestCheckpoint(f.resume); err != nil {
			return err
		}
		if header, err = checkpoint.ReadMeta(from); err != nil {
			return err
		}
	}
	t, err := build(f, from, header)
	if err != nil {
		return err
	}
	t.tr.Unit = "clips"
	if err := resumeInto(t.tr, from, log); err != nil {
		return err
	}
	meta, err := f.startRun(t.config, t.meta...)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "audio train: %s, %d parameters, batch %d\n", t.about, paramTotal(t.tr.Params()), f.batch)
	t.tr.Log = log
	r := taskRun{tr: t.tr, dir: f.out, meta: meta, keep: f.keep, curveTitle: t.curve}
	return r.run(ctx, f.minutes, f.checkpointEvery, log)
}

// waveformTraining is --task generate or denoise: a DiffWave-style model
// (diffwave.DefaultConfig with the flags' sizes, or the checkpoint's
// configuration, which must be of the same task).
func waveformTraining(f audioTrainFlags, from string, header map[string]string) (audioTraining, error) {
	cfg := diffwave.DefaultConfig(f.task)
	if from != "" {
		var err error
		if cfg, err = diffwave.ParseConfig(header, from); err != nil {
			return audioTraining{}, err
		}
		if cfg.Task != f.task {
			return audioTraining{}, usagef("audio train: %s is a %q model: resume with --task %s", from, cfg.Task, cfg.Task)
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
		return audioTraining{}, usagef("audio train: %v", err)
	}
	tr, clips, err := diffwave.NewTrainer(m, f.data, f.limit, f.batch, f.options(f.seed))
	if err != nil {
		return audioTraining{}, err
	}
	meta, err := cfg.Meta()
	if err != nil {
		return audioTraining{}, err
	}
	return audioTraining{tr: tr, config: map[string]any{"model": cfg}, meta: []map[string]string{meta},
		about: fmt.Sprintf("task %s, %d training clips", cfg.Task, clips), curve: "training loss (v-MSE)"}, nil
}

// melTraining is --task mel: a class-conditional U-Net on the log-mel
// images of the clips (melgen.DefaultModel and melgen.Default, or the
// checkpoint's), trained as melgen.NewTrainer says. The checkpoints carry
// the image model and the mel spec, so that audio sample and the server
// know it for a mel model.
func melTraining(f audioTrainFlags, from string, header map[string]string) (audioTraining, error) {
	spec := melgen.Default()
	model, err := melgen.DefaultModel(spec)
	if err != nil {
		return audioTraining{}, err
	}
	if err := imageModel(f, from, header, "a mel model", melgen.ParseSpec, &model, &spec); err != nil {
		return audioTraining{}, err
	}
	p, err := pipeline.New(model, f.seed)
	if err != nil {
		return audioTraining{}, usagef("audio train: %v", err)
	}
	codec, err := melgen.NewCodec(spec)
	if err != nil {
		return audioTraining{}, err
	}
	tr, clips, err := melgen.NewTrainer(&melgen.Generator{Pipe: p, Codec: codec}, f.data, f.limit, f.batch, f.options(f.seed))
	if err != nil {
		return audioTraining{}, err
	}
	specMeta, err := spec.Meta()
	if err != nil {
		return audioTraining{}, fmt.Errorf("audio train: %w", err)
	}
	return audioTraining{tr: tr, config: map[string]any{"task": taskMel, "model": model, "mel": spec},
		meta:  []map[string]string{model.Meta(), specMeta},
		about: fmt.Sprintf("task mel, %d training clips as %d×%d log-mel images", clips, spec.Bands, spec.Frames()),
		curve: "training loss (ε-MSE, min-SNR-5)"}, nil
}

// enhanceTraining is --task enhance: a spectrogram enhancer
// (specenh.DefaultModel and specenh.Default, or the checkpoint's) trained
// with noise mixed afresh at every step (specenh.NewTrainer). The
// checkpoints carry the image model and the spec, so that audio denoise
// knows it for an enhancer.
func enhanceTraining(f audioTrainFlags, from string, header map[string]string) (audioTraining, error) {
	spec := specenh.Default()
	model := specenh.DefaultModel(spec)
	if err := imageModel(f, from, header, "a spectrogram enhancement model", specenh.ParseSpec, &model, &spec); err != nil {
		return audioTraining{}, err
	}
	e, err := specenh.New(model, spec, f.seed)
	if err != nil {
		return audioTraining{}, usagef("audio train: %v", err)
	}
	tr, clips, err := specenh.NewTrainer(e, f.data, f.limit, f.batch, f.options(f.seed))
	if err != nil {
		return audioTraining{}, err
	}
	specMeta, err := spec.Meta()
	if err != nil {
		return audioTraining{}, fmt.Errorf("audio train: %w", err)
	}
	return audioTraining{tr: tr, config: map[string]any{"task": taskEnhance, "model": model, "spec": spec},
		meta:  []map[string]string{model.Meta(), specMeta},
		about: fmt.Sprintf("task enhance, %d training clips as 2×%d×%d compressed STFT magnitudes", clips, spec.Size(), spec.Size()),
		curve: "training loss (x₀-MSE on the compressed magnitude)"}, nil
}

// imageModel settles the model and spec of a task on the image U-Net (mel,
// enhance), which start as the task's defaults: it refuses the waveform
// model's flags, applies --channels and --diffusion-steps, and when
// resuming reads both from the header of the checkpoint from (parse reads
// the spec, and says whether the checkpoint is what, this task's kind of
// model).
func imageModel[S any](f audioTrainFlags, from string, header map[string]string, what string,
	parse func(meta map[string]string, name string) (S, bool, error), model *pipeline.Model, spec *S) error {
	if f.layers != 0 || f.patch != 0 || f.cycle != 0 {
		return usagef("audio train: --layers, --patch and --cycle are settings of the waveform model, not of --task %s", f.task)
	}
	if f.channels != 0 {
		model.UNet.Channels = f.channels
	}
	if f.tsteps != 0 {
		model.Schedule.Steps = f.tsteps
	}
	if from == "" {
		return nil
	}
	s, ok, err := parse(header, from)
	if err != nil {
		return err
	}
	if !ok {
		return usagef("audio train: %s is not %s: resume it with its own --task", from, what)
	}
	if err := checkpoint.DecodeJSON([]byte(header[pipeline.ConfigKey]), from+": "+pipeline.ConfigKey, model); err != nil {
		return err
	}
	*spec = s
	return nil
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
