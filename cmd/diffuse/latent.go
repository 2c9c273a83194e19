package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/data/emoji"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/jobs"
	"github.com/diffusego/diffusego/models/autoencoder"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// textTrain are the settings of a prompt-conditioned training run
// (diffuse train --latent AE, or --text for pixel space; diffuse
// textimage train).
type textTrain struct {
	latent          string // autoencoder folder; "" for pixel space
	text            bool
	data            aeData
	folder          string // --data: a captioned image folder instead of the emoji pictures
	captions        string // --captions: its caption file
	imageSize       int
	out, resume     string
	steps, batch    int
	minutes, lr     float64
	seed            uint64
	limit           int
	channels, width int
	maxLen          int
	dropout         float64
	checkpointEvery int
}

// addTextTrainFlags adds the flags only prompt-conditioned runs use.
func (t *textTrain) addFlags(f *pflag.FlagSet) {
	f.StringVar(&t.latent, "latent", "", "train a latent text-to-image model on the emoji pictures (or --data with --captions), in the latent space of this autoencoder folder (diffuse autoencoder train)")
	f.BoolVar(&t.text, "text", false, "train a prompt-conditioned pixel-space model on the emoji pictures or --data with --captions (implied by --latent)")
	f.StringVar(&t.data.dir, "emoji", "out/emoji", "with --latent/--text: the emoji folder written by make emoji")
	f.StringVar(&t.captions, "captions", "", "with --latent/--text and --data DIR: the caption file of the images in DIR (CSV with header file,caption, or JSON {\"file\": \"caption\"}; file names relative to DIR)")
	f.IntVar(&t.imageSize, "image-size", 64, "with --latent/--text and --data: side the images are resized and centre-cropped to")
	f.Float64Var(&t.data.heldOut, "held-out", 0.1, "with --latent/--text: fraction of names (captions) held out (never trained on)")
	f.Uint64Var(&t.data.splitSeed, "split-seed", 1, "with --latent/--text: seed of the held-out names")
	f.IntVar(&t.channels, "channels", 64, "with --latent/--text: U-Net base width")
	f.IntVar(&t.width, "text-width", 64, "with --latent/--text: text encoder width")
	f.IntVar(&t.maxLen, "max-len", 80, "with --latent/--text: longest prompt in characters (the longest emoji name has 78)")
	f.Float64Var(&t.dropout, "caption-dropout", 0.1, "with --latent/--text: probability of training a caption as \"\" (for guidance)")
	f.IntVar(&t.checkpointEvery, "checkpoint-every", 500, "with --latent/--text: steps between checkpoints")
}

// pictures opens the training pictures at side size: the emoji set, or
// the captioned folder of --data, split by caption with --held-out and
// --split-seed. It returns the set, the training items and a description.
func (t textTrain) pictures(size int) (textimage.Pictures, []int, string, error) {
	if !(t.data.heldOut >= 0 && t.data.heldOut < 1) {
		return nil, nil, "", usagef("--held-out %g: want a fraction in [0, 1)", t.data.heldOut)
	}
	if t.folder == "" {
		if size != emoji.Size {
			return nil, nil, "", usagef("the emoji pictures are %d×%d, the model's images %d×%d", emoji.Size, emoji.Size, size, size)
		}
		set, sp, err := t.data.open()
		if err != nil {
			return nil, nil, "", err
		}
		return set, sp.Train, fmt.Sprintf("emoji pictures of %s (%d names held out)", t.data.dir, len(sp.TestNames)), nil
	}
	c, err := data.OpenCaptioned(t.folder, t.captions, size)
	if err != nil {
		return nil, nil, "", err
	}
	train, _, held := data.SplitByCaption(c.Dir.Captions, t.data.heldOut, t.data.splitSeed)
	return c, train, fmt.Sprintf("%s with %s (%d captions held out)", t.folder, t.captions, len(held)), nil
}

// runPromptTrain is diffuse train --latent/--text: it opens the pictures,
// builds the model (or loads it to resume) and runs textimage.Train.
func runPromptTrain(ctx context.Context, t textTrain, log io.Writer) error {
	if t.out == "" {
		return usagef("--out is required")
	}
	if t.steps < 1 || t.batch < 1 || t.lr <= 0 || t.minutes < 0 {
		return usagef("--steps %d, --batch %d, --lr %g, --minutes %g: want positive numbers", t.steps, t.batch, t.lr, t.minutes)
	}
	if (t.folder == "") != (t.captions == "") {
		return usagef("--data and --captions: a text-to-image run on your own images needs both (the folder and its caption file), or neither for the emoji pictures")
	}
	var m *textimage.Model
	var resumeFrom string
	size := t.imageSize
	if t.resume != "" {
		var err error
		if resumeFrom, err = jobs.NewestCheckpoint(t.resume); err != nil {
			return err
		}
		if m, err = textimage.Load(resumeFrom, t.latent, false); err != nil {
			return err
		}
		size = m.Spec.ImageSize
	}
	pics, idx, what, err := t.pictures(size)
	if err != nil {
		return err
	}
	if t.limit > 0 && t.limit < len(idx) { // a seeded subset
		perm := tensor.NewRNG(t.seed).Perm(len(idx))
		sub := make([]int, t.limit)
		for i := range sub {
			sub[i] = idx[perm[i]]
		}
		idx = sub
	}
	if m == nil {
		var ae *autoencoder.Autoencoder
		if t.latent != "" {
			if ae, _, err = autoencoder.Load(t.latent); err != nil {
				return err
			}
		}
		m, err = textimage.New(textimage.Options{AE: ae, ImageSize: size, Captions: pics.Captions(idx),
			MaxLen: t.maxLen, TextWidth: t.width, Channels: t.channels, Dropout: t.dropout, Seed: t.seed})
		if err != nil {
			return usagef("%v", err)
		}
	}
	fmt.Fprintf(log, "train: %d training pictures from %s\n", len(idx), what)
	// Every text-to-image run warms up for min(200, steps/10) steps (Warmup
	// −1) and keeps an EMA of decay 0.999.
	_, err = textimage.Train(ctx, m, pics, idx, textimage.TrainOptions{Out: t.out, Resume: resumeFrom, Steps: t.steps, Batch: t.batch,
		LR: t.lr, Warmup: -1, EMA: 0.999, Seed: t.seed, CheckpointEvery: t.checkpointEvery, Keep: 2, Minutes: t.minutes, Log: log})
	return err
}

// loadPromptModel loads the text-to-image model at path (a run folder
// for its newest checkpoint, a checkpoint or an export), or the shipped
// one when path is "": the model, the name of its file and that file's
// SHA-256.
func loadPromptModel(path, aeDir string, ema bool) (m *textimage.Model, name, hash string, err error) {
	if path == "" {
		if !ema {
			return nil, "", "", usagef("--raw: the shipped text-to-image model holds only its EMA weights")
		}
		m, err = textimage.LoadShipped(aeDir)
		return m, textimage.ShippedSource, textimage.ShippedSHA256(), err
	}
	if name, err = jobs.NewestCheckpoint(path); err != nil {
		return nil, "", "", err
	}
	if m, err = textimage.Load(name, aeDir, ema); err != nil {
		return nil, "", "", err
	}
	hash, err = fileSHA256(name)
	return m, name, hash, err
}

// promptSamplerSpec is the sampler a text-to-image model samples with
// under s (textimage.SamplerSpec), so that the step count recorded and the
// noise levels of --trajectory are those of the steps taken.
func promptSamplerSpec(s sampleSettings) sampler.Spec {
	return textimage.SamplerSpec(sampler.Spec{Name: s.sampler, Steps: s.steps, Eta: s.eta, Temperature: s.temperature, SigmaMax: s.sigmaMax})
}

// runPromptSample is diffuse sample for a text-to-image model (with no
// --checkpoint, the shipped one): --n images per --prompt, in a row each
// of grid.png.
func runPromptSample(ctx context.Context, s sampleSettings, log io.Writer) error {
	model := cmp.Or(s.checkpoint, textimage.ShippedSource)
	if len(s.prompts) == 0 {
		return usagef("--prompt: %s is a text-to-image model: give at least one --prompt (\"\" for unconditional samples)", model)
	}
	if s.class != -1 {
		return usagef("--class: %s is a text-to-image model: it takes --prompt, not --class", model)
	}
	m, _, hash, err := loadPromptModel(s.checkpoint, s.autoencoder, !s.raw)
	if err != nil {
		return err
	}
	var prompts []string
	for _, p := range s.prompts {
		for range s.n {
			prompts = append(prompts, p)
		}
	}
	// Refuse bad prompts before writing anything, with the words the
	// server uses (textimage.Model.CheckPrompt).
	for _, p := range append([]string{s.negative}, s.prompts...) {
		if err := m.CheckPrompt(p); err != nil {
			return usagef("%v", err)
		}
	}
	spec := promptSamplerSpec(s)
	total := len(prompts)
	first, last := 0, total
	if s.sharded {
		first, last = s.part.Span(total)
	}
	opts := textimage.SampleOptions{Sampler: spec, Guidance: s.guidance, Negative: s.negative, Seed: s.seed, Threshold: s.threshold}
	sigmas, err := spec.Sigmas(m.Schedule())
	if err != nil {
		return usagef("--steps: %v", err)
	}
	if err := os.MkdirAll(s.out, 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	all := tensor.New(last-first, 3, m.Spec.ImageSize, m.Spec.ImageSize)
	per := all.Len() / max(last-first, 1)
	var traj []*tensor.Tensor
	for lo := first; lo < last; lo += s.batch {
		hi := min(lo+s.batch, last)
		o := opts
		o.First = lo
		if s.trajectory && lo == first {
			show, keep := min(hi-lo, 8), trajectorySteps(sigmas, 10)
			o.Visit = func(i int, x *tensor.Tensor) {
				if keep[i] {
					traj = append(traj, pipeline.DisplayScale(x, sigmas[i+1], show))
				}
			}
		}
		x, err := m.Sample(ctx, prompts[lo:hi], o)
		if err != nil {
			return err
		}
		copy(all.Data[(lo-first)*per:(hi-first)*per], x.Data)
		fmt.Fprintf(log, "sampled %d/%d images\n", hi-first, last-first)
	}
	settings, err := m.Settings(hash, opts) // the server's too (serve.TextImageParams)
	if err != nil {
		return usagef("--steps: %v", err)
	}
	meta := func(i int) map[string]string {
		if i < 0 {
			return settings
		}
		return textimage.ImageSettings(settings, prompts[i], i)
	}
	for i := first; i < last; i++ {
		one := tensor.FromData(all.Data[(i-first)*per:(i-first+1)*per], 1, 3, m.Spec.ImageSize, m.Spec.ImageSize)
		img, err := pngout.Grid(one, 1, 0)
		if err != nil {
			return err
		}
		if err := pngout.WriteFile(filepath.Join(s.out, fmt.Sprintf("%06d.png", i)), img, meta(i)); err != nil {
			return err
		}
	}
	if s.sharded {
		fmt.Fprintf(log, "wrote images %d..%d of %d (%s) to %s\n", first, last-1, total, s.part, s.out)
		return nil
	}
	grid, err := pngout.Grid(all, s.n, 2)
	if err != nil {
		return err
	}
	if err := pngout.WriteFile(filepath.Join(s.out, "grid.png"), grid, meta(-1)); err != nil {
		return err
	}
	var b strings.Builder
	for i, p := range s.prompts {
		fmt.Fprintf(&b, "row %d: %s\n", i, p)
	}
	if err := os.WriteFile(filepath.Join(s.out, "prompts.txt"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	if traj != nil {
		for i, x := range traj { // decoded: the latents at each kept step as images
			if traj[i], err = m.Decode(x); err != nil {
				return err
			}
		}
		img, err := pngout.Trajectory(traj, 1)
		if err != nil {
			return err
		}
		if err := pngout.WriteFile(filepath.Join(s.out, "trajectory.png"), img, meta(-1)); err != nil {
			return err
		}
	}
	if s.npy {
		if err := writeNPY(filepath.Join(s.out, "samples.npy"), all); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "wrote %d images (%d per prompt), grid.png and prompts.txt to %s\n", total, s.n, s.out)
	return nil
}

// trainPrompted checks the flags of diffuse train --latent/--text and runs
// runPromptTrain; options of the class-conditional U-Net are refused.
func trainPrompted(cmd *cobra.Command, t textTrain, configPath, resume, out string, steps, batch int, minutes, lr float64, seed uint64, limit int) error {
	f := cmd.Flags()
	for _, name := range []string{"config", "preset", "classes", "task", "factor", "input", "target"} {
		if fl := f.Lookup(name); fl != nil && fl.Changed {
			return usagef("--%s: not used by text-to-image runs (--latent/--text), which train on the emoji pictures (--emoji) or a captioned folder (--data DIR --captions FILE)", name)
		}
	}
	if fl := f.Lookup("data"); fl != nil && fl.Changed {
		t.folder = fl.Value.String()
		if f.Changed("emoji") {
			return usagef("--emoji and --data: give one (the emoji pictures, or your own captioned folder)")
		}
	} else if f.Changed("image-size") {
		return usagef("--image-size: only with --data (the emoji pictures are %d×%d)", emoji.Size, emoji.Size)
	}
	if configPath != "" {
		return usagef("--config: not used by text-to-image runs")
	}
	t.out, t.resume, t.steps, t.minutes, t.seed, t.limit = out, resume, steps, minutes, seed, limit
	if !f.Changed("out") { // runs/emoji-latent, runs/emoji-pixel; runs/DIR-latent for --data DIR
		name, space := "emoji", "pixel"
		if t.folder != "" {
			name = filepath.Base(filepath.Clean(t.folder))
		}
		if t.latent != "" {
			space = "latent"
		}
		t.out = filepath.Join("runs", name+"-"+space)
	}
	t.batch, t.lr = batch, lr
	if !f.Changed("batch") {
		t.batch = 32
	}
	if !f.Changed("lr") {
		t.lr = 5e-4
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	return runPromptTrain(ctx, t, cmd.OutOrStdout())
}

// textInpaint are diffuse inpaint's flags for text-to-image models.
type textInpaint struct {
	prompt, negative, autoencoder string
	guidance                      float64
}

func (t *textInpaint) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&t.prompt, "prompt", "", "text-to-image models: the prompt that guides the fill (default: none, unconditional)")
	f.StringVar(&t.negative, "negative-prompt", "", "text-to-image models: the prompt guidance pushes away from")
	f.Float64Var(&t.guidance, "guidance", 3, "text-to-image models: classifier-free guidance scale")
	f.StringVar(&t.autoencoder, "autoencoder", "", "latent models: the autoencoder folder (default: the model folder's copy)")
}

func (t *textInpaint) used(cmd *cobra.Command) bool {
	for _, name := range []string{"prompt", "negative-prompt", "guidance", "autoencoder"} {
		if cmd.Flags().Changed(name) {
			return true
		}
	}
	return false
}

// runPromptInpaint is diffuse inpaint for a text-to-image model: the
// input pictures are composited on white (as the emoji training set) and
// filled by textimage.Model.Inpaint.
func runPromptInpaint(cmd *cobra.Command, f restoreFlags, mask string, jump, resample int, t textInpaint) error {
	if t.guidance < 0 {
		return usagef("--guidance: want ≥ 0, got %g", t.guidance)
	}
	m, _, _, err := loadPromptModel(f.checkpoint, t.autoencoder, !f.raw)
	if err != nil {
		return err
	}
	if _, err := m.Net.Text.Vocab.Tokenize([]string{t.prompt, t.negative}); err != nil {
		return usagef("%v", err)
	}
	paths, err := jobs.ListPNGs(f.in)
	if err != nil {
		return err
	}
	size := m.Spec.ImageSize
	x := tensor.New(len(paths), 3, size, size)
	per := x.Len() / len(paths)
	for i, path := range paths {
		if err := readOnWhite(path, size, x.Data[i*per:(i+1)*per]); err != nil {
			return err
		}
	}
	mk, err := makeMask(mask, size, size, f.seed)
	if err != nil {
		return err
	}
	prompts := make([]string, len(paths))
	for i := range prompts {
		prompts[i] = t.prompt
	}
	out, err := m.Inpaint(cmd.Context(), prompts, x, mk, textimage.InpaintOptions{Guidance: t.guidance, Negative: t.negative, Threshold: true,
		RePaint: restore.InpaintOptions{Sampler: sampler.DDPM{}, Steps: f.steps, JumpLength: jump, Resamplings: resample, Seed: f.seed}})
	if err != nil {
		return err
	}
	return writeRestored(f.out, paths, out, map[string]string{"task": "inpaint", "mask": mask, "prompt": t.prompt,
		"negative_prompt": t.negative, "guidance": fmt.Sprint(t.guidance), "space": m.Spec.Space, "steps": fmt.Sprint(f.steps),
		"jump": fmt.Sprint(jump), "resample": fmt.Sprint(resample), "seed": fmt.Sprint(f.seed)}, cmd.OutOrStdout())
}

// readOnWhite decodes a size×size PNG (any colour model) into dst as RGB
// in [-1, 1], composited on white.
func readOnWhite(path string, size int, dst []float32) error {
	img, err := jobs.DecodePNG(path, size)
	if err != nil {
		return err
	}
	emoji.OnWhite(img, dst)
	return nil
}
