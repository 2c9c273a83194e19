package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/diffusego/diffusego/anomaly"
	"github.com/diffusego/diffusego/audio/diffwave"
	"github.com/diffusego/diffusego/audio/melgen"
	"github.com/diffusego/diffusego/data"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/graph/molgen"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/restore"
	"github.com/diffusego/diffusego/series/csdi"
	"github.com/diffusego/diffusego/tabular"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/text"
	"github.com/diffusego/diffusego/textimage"
)

// Model is one loaded model the server offers, under Name: exactly one
// of its model fields is set.
type Model struct {
	Name     string
	Pipeline *pipeline.Pipeline // an image model, or nil
	Tabular  *tabular.Model     // a tabular model, or nil
	Text     *text.Model        // a text model (MDLM or autoregressive), or nil
	Audio    *diffwave.Model    // an audio generation or denoising model, or nil
	Mel      *melgen.Generator  // a mel-spectrogram digit generator (audio_sample jobs), or nil
	Series   *csdi.Model        // a time-series model, or nil
	Molecule *molgen.Generator  // a molecule generator, or nil
	Network  bool               // spreading on uploaded graphs (network_simulate), which needs no trained model
	// TextImage is a text-to-image model (textimage_sample jobs), or nil.
	TextImage *textimage.Model
	Source    string // where the model came from (a checkpoint file, or shipped:NAME), written into outputs
	Hash      string // SHA-256 of the checkpoint, written into every output
}

// Model tasks beside the image ones ("image", "superres", "paired").
const (
	TaskTabular       = "tabular"
	TaskText          = "text"
	TaskAudioGenerate = "audio_generate"
	TaskAudioDenoise  = "audio_denoise"
	TaskSeries        = "series"
	TaskMolecule      = "molecule"
	TaskNetwork       = "network"
	TaskTextImage     = "textimage"
)

// Task says which job kinds the model serves: "image" (sample, denoise,
// inpaint, anomaly), "superres", "paired" (translate), "tabular", "text",
// "audio_generate", "audio_denoise", "series", "molecule", "network" or
// "textimage".
func (m *Model) Task() string {
	switch {
	case m.Tabular != nil:
		return TaskTabular
	case m.Text != nil:
		return TaskText
	case m.Audio != nil && m.Audio.Config.Task == diffwave.TaskDenoise:
		return TaskAudioDenoise
	case m.Audio != nil, m.Mel != nil:
		return TaskAudioGenerate
	case m.Series != nil:
		return TaskSeries
	case m.Molecule != nil:
		return TaskMolecule
	case m.Network:
		return TaskNetwork
	case m.TextImage != nil:
		return TaskTextImage
	case m.Pipeline.Model.Cond != nil:
		return m.Pipeline.Model.Cond.Task
	}
	return "image"
}

// Kinds lists the job kinds, each with the model task it needs.
var Kinds = map[string]string{
	"sample": "image", "denoise": "image", "inpaint": "image", "anomaly": "image",
	"superres": pipeline.TaskSuperRes, "translate": pipeline.TaskPaired, "tabular_sample": TaskTabular,
	"text_sample": TaskText, "text_complete": TaskText, "text_infill": TaskText,
	"audio_sample": TaskAudioGenerate, "audio_denoise": TaskAudioDenoise,
	"series_impute": TaskSeries, "series_forecast": TaskSeries,
	"molecule_sample":  TaskMolecule,
	"network_simulate": TaskNetwork,
	"textimage_sample": TaskTextImage,
}

// taskFlags names, for each model task, the `diffuse serve` flag that
// loads such a model, for the error a job of a kind no model serves gets.
var taskFlags = map[string]string{
	"image":               "--model NAME=CHECKPOINT",
	pipeline.TaskSuperRes: "--model NAME=CHECKPOINT of a model trained with --task superres",
	pipeline.TaskPaired:   "--model NAME=CHECKPOINT of a model trained with --task paired",
	TaskTabular:           "--tabular NAME=MODEL_DIR",
	TaskText:              "--text NAME=CHECKPOINT (an empty CHECKPOINT: the shipped fortunes model)",
	TaskAudioGenerate:     "--audio NAME=CHECKPOINT of a model trained with diffuse audio train --task generate or mel (an empty CHECKPOINT: the shipped mel model)",
	TaskAudioDenoise:      "--audio NAME=CHECKPOINT of a model trained with diffuse audio train --task denoise",
	TaskSeries:            "--series NAME=CHECKPOINT of a model trained with diffuse series train",
	TaskMolecule:          "--graph NAME=CHECKPOINT of a molecule model trained with diffuse graph train --data molecules",
	TaskNetwork:           "--network (on by default)",
	TaskTextImage:         "--textimage NAME=CHECKPOINT of a model trained with diffuse train --latent or --text, or its export (an empty CHECKPOINT: the shipped emoji model)",
}

// KindNames returns the job kinds, sorted.
func KindNames() []string {
	var k []string
	for name := range Kinds {
		k = append(k, name)
	}
	slices.Sort(k)
	return k
}

// params are one kind's parameters: check validates them against the
// model (moving uploaded images into inputs), run does the work.
type params interface {
	check(m *Model, inputs map[string][]byte, lim Limits) *APIError
	run(e *runEnv) error
}

func newParams(kind string) params {
	switch kind {
	case "sample":
		return &SampleParams{N: 4, Class: -1, Guidance: 3, Sampler: "dpmpp2m", Steps: 20, Seed: 1, Temperature: 1, Threshold: true}
	case "denoise":
		return &DenoiseParams{Samples: 4, Steps: 20, Seed: 1}
	case "inpaint":
		return &InpaintParams{MaskShape: "box", Steps: 50, Jump: 10, Resample: 10, Seed: 1}
	case "superres", "translate":
		return &TranslateParams{Sampler: "dpmpp2m", Steps: 20, Samples: 1, Seed: 1, Threshold: true}
	case "anomaly":
		return &AnomalyParams{Class: -1, Sigmas: []float64{0.2, 0.5, 1}, Seeds: 2, Steps: 20, ELBOTerms: 20, Seed: 1}
	case "tabular_sample":
		return &TabularParams{N: 100, Seed: 0}
	case "text_sample", "text_complete", "text_infill":
		return newTextParams(kind)
	case "audio_sample":
		return &AudioSampleParams{N: 4, Class: -1, Guidance: 3, Sampler: "dpmpp2m", Temperature: 1, Seed: 1}
	case "audio_denoise":
		return &AudioDenoiseParams{Samples: 1, Sampler: "dpmpp2m", Temperature: 1, Seed: 1}
	case "series_impute", "series_forecast":
		return newSeriesParams(kind)
	case "molecule_sample":
		return &MoleculeParams{N: 16, Steps: 500, Temperature: 1, Rings: -1, Seed: 1}
	case "network_simulate":
		return &NetworkParams{Model: "ic", Beta: 0.1, Gamma: 0.2, P: 0.1, Runs: 1000, Steps: 100, Seed: 1}
	case "textimage_sample":
		return newTextImageParams()
	}
	return nil
}

// runEnv is what a running job sees: its context, model, inputs, and the
// sinks for progress, previews and outputs.
type runEnv struct {
	ctx      context.Context
	model    *Model
	inputs   map[string][]byte
	progress func(step, total int)
	preview  func(step int, img image.Image)
	write    func(name string, meta map[string]string, w func(io.Writer) error) error
}

func (e *runEnv) writePNG(name string, x *tensor.Tensor, i int, meta map[string]string) error {
	per := x.Len() / x.Dim(0)
	one := tensor.FromData(x.Data[i*per:(i+1)*per], append([]int{1}, x.Shape[1:]...)...)
	img, err := pngout.Grid(one, 1, 0)
	if err != nil {
		return err
	}
	return e.write(name, meta, func(w io.Writer) error { return pngout.Encode(w, img, meta) })
}

func rangeInt(field string, v, lo, hi int) *APIError {
	if v < lo || v > hi {
		return badField(field, CodeOutOfRange, "want %d … %d, got %d", lo, hi, v)
	}
	return nil
}

func rangeFloat(field string, v, lo, hi float64) *APIError {
	if !(v >= lo && v <= hi) {
		return badField(field, CodeOutOfRange, "want %g … %g, got %g", lo, hi, v)
	}
	return nil
}

func firstErr(errs ...*APIError) *APIError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func checkSampler(field, name string, eta float64) *APIError {
	if _, err := (sampler.Spec{Name: name, Eta: eta}).Build(); err != nil {
		return badField(field, CodeInvalid, "want one of %s, got %q", strings.Join(sampler.Names(), ", "), name)
	}
	return nil
}

// takeImage decodes the base64 PNG in *b64 (field), checks that it is a
// PNG of size×size (channels are converted), moves its bytes to
// inputs[name] and clears *b64 so that the stored parameters stay small.
func takeImage(field string, b64 *string, size int, inputs map[string][]byte, name string, lim Limits) *APIError {
	b, e := takeUpload(field, b64, fmt.Sprintf("a base64 PNG image of %d×%d pixels", size, size), lim)
	if e != nil {
		if e.Code == CodeInvalid && *b64 != "" {
			e.Code = CodeBadImage
		}
		return e
	}
	if _, err := decodeInput(b, size); err != nil {
		return badField(field, CodeBadImage, "%v", err)
	}
	inputs[name] = b
	return nil
}

// decodeInput decodes a PNG (only PNG) and checks it is size×size before
// decoding its pixels, so that a huge header costs nothing.
func decodeInput(b []byte, size int) (image.Image, error) {
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, fmt.Errorf("not a PNG image (no PNG signature)")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a readable PNG: %v", err)
	}
	if cfg.Width != size || cfg.Height != size {
		return nil, fmt.Errorf("want %d×%d pixels (the model's size), got %d×%d", size, size, cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a readable PNG: %v", err)
	}
	return img, nil
}

// inputTensor decodes inputs[name] into (1, channels, size, size) in [−1, 1].
func inputTensor(inputs map[string][]byte, name string, size, channels int) (*tensor.Tensor, error) {
	img, err := decodeInput(inputs[name], size)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", name, err)
	}
	x := tensor.New(1, channels, size, size)
	pngout.Pixels(img, size, channels, x.Data)
	return x, nil
}

// SampleParams are the parameters of a sample job, as `diffuse sample`'s flags.
type SampleParams struct {
	N            int     `json:"n"`
	Class        int     `json:"class"` // −1: cycle through the classes
	Guidance     float64 `json:"guidance"`
	Sampler      string  `json:"sampler"`
	Steps        int     `json:"steps"`
	Eta          float64 `json:"eta"`
	Seed         uint64  `json:"seed"`
	Temperature  float64 `json:"temperature"`
	Threshold    bool    `json:"threshold"`
	PreviewEvery int     `json:"preview_every"` // a preview image every k steps; 0: none
}

func (p *SampleParams) check(m *Model, _ map[string][]byte, lim Limits) *APIError {
	classes := m.Pipeline.Model.UNet.Classes
	if e := firstErr(rangeInt("params.n", p.N, 1, lim.MaxImages), rangeInt("params.steps", p.Steps, 1, 1000),
		rangeFloat("params.guidance", p.Guidance, 0, 30), rangeFloat("params.eta", p.Eta, 0, 1),
		rangeFloat("params.temperature", p.Temperature, 0.01, 2), rangeInt("params.preview_every", p.PreviewEvery, 0, 1000),
		checkSampler("params.sampler", p.Sampler, p.Eta)); e != nil {
		return e
	}
	if classes == 0 && p.Class != -1 {
		return badField("params.class", CodeOutOfRange, "the model is unconditional: want -1, got %d", p.Class)
	}
	if classes > 0 && p.Guidance == 0 && p.Class != -1 {
		return badField("params.class", CodeOutOfRange, "guidance 0 samples the unconditional model, which has no class: want -1, got %d", p.Class)
	}
	return rangeInt("params.class", p.Class, -1, classes-1)
}

// spec is the job's sampler.
func (p *SampleParams) spec() sampler.Spec {
	return sampler.Spec{Name: p.Sampler, Steps: p.Steps, Eta: p.Eta, Temperature: p.Temperature}
}

// batchKey says which sample jobs can share one sampling call: those with
// equal keys, which hold every setting that changes the computation other
// than the seed, the class and the count. ok is false when the job's
// sampler couples the images of a batch (sampler.Spec.ItemWise), so that
// the job must run alone to draw the images it would draw alone.
func (p *SampleParams) batchKey() (key string, ok bool) {
	if !p.spec().ItemWise() {
		return "", false
	}
	return fmt.Sprintf("sample|%s|%d|%g|%g|%g|%t", p.Sampler, p.Steps, p.Eta, p.Temperature, p.Guidance, p.Threshold), true
}

func (p *SampleParams) images() int { return p.N }

func (p *SampleParams) run(e *runEnv) error {
	pl := e.model.Pipeline
	spec := p.spec()
	sigmas, err := spec.Sigmas(pl.Schedule)
	if err != nil {
		return err
	}
	cond, labels := pipeline.SampleLabels(p.N, p.Class, pl.Model.UNet.Classes, p.Guidance)
	opts := pipeline.Options{N: p.N, Labels: cond, Guidance: p.Guidance, Sampler: spec, Seed: p.Seed, Threshold: p.Threshold}
	opts.Visit = func(i int, x *tensor.Tensor) { p.visit(e, sigmas, i, x) }
	x, err := pl.Generate(e.ctx, opts)
	if err != nil {
		return err
	}
	return p.writeOutputs(e, x, labels)
}

// visit reports step i of the job's images x: (N, C, H, W) as progress,
// and as a preview every PreviewEvery steps.
func (p *SampleParams) visit(e *runEnv, sigmas []float64, i int, x *tensor.Tensor) {
	steps := len(sigmas) - 1
	e.progress(i+1, steps)
	if p.PreviewEvery > 0 && ((i+1)%p.PreviewEvery == 0 || i+1 == steps) {
		show := min(x.Dim(0), 16)
		if img, err := pngout.Grid(pipeline.DisplayScale(x, sigmas[i+1], show), min(show, 8), 1); err == nil {
			e.preview(i+1, img)
		}
	}
}

// writeOutputs writes the job's images x: (N, C, H, W) of classes labels
// (nil when unconditional), one PNG each.
func (p *SampleParams) writeOutputs(e *runEnv, x *tensor.Tensor, labels []int) error {
	spec := p.spec()
	steps := spec.StepCount(e.model.Pipeline.Schedule.Steps())
	for i := range p.N {
		// The keys and values `diffuse sample` writes (its batch is the
		// whole job here).
		meta := map[string]string{"checkpoint_sha256": e.model.Hash, "sampler": p.Sampler, "steps": strconv.Itoa(steps),
			"seed": strconv.FormatUint(p.Seed, 10), "n": strconv.Itoa(p.N), "index": strconv.Itoa(i),
			"guidance": fmt.Sprint(p.Guidance), "temperature": fmt.Sprint(p.Temperature), "eta": fmt.Sprint(p.Eta),
			"weights": "ema", "threshold": strconv.FormatBool(p.Threshold), "checkpoint": e.model.Name}
		if !spec.ItemWise() {
			meta["batch"] = strconv.Itoa(p.N)
		}
		name := fmt.Sprintf("%06d.png", i)
		if labels != nil {
			meta["class"] = strconv.Itoa(labels[i])
			name = fmt.Sprintf("%06d_c%d.png", i, labels[i])
		}
		if err := e.writePNG(name, x, i, meta); err != nil {
			return err
		}
	}
	return nil
}

// sampleJob is one job of a batched sampling call: its parameters and
// what it sees while it runs.
type sampleJob struct {
	p *SampleParams
	e *runEnv
}

// runSampleBatch runs sample jobs of equal batchKey on the model m in one
// Generate call whose images are the jobs' images in order, each drawn
// from its job's (seed, index) stream (pipeline.Options.Items), so every
// job gets the images, and the PNG bytes, it would get alone. ctx stops
// the whole call; each job's own context (jobs[j].e.ctx) drops that job
// at the next step: quit is called with its context's error and it gets
// no more events from here, while the other jobs go on (its images are
// still computed, as part of the call, and thrown away). It returns each
// job's error, nil for a job whose outputs are written; for a dropped job,
// the error quit was given.
func runSampleBatch(ctx context.Context, m *Model, jobs []sampleJob, quit func(j int, err error)) []error {
	pl := m.Pipeline
	p0 := jobs[0].p
	spec := p0.spec()
	envs, counts := make([]*runEnv, len(jobs)), make([]int, len(jobs))
	for j, jb := range jobs {
		envs[j], counts[j] = jb.e, jb.p.N
	}
	b := newBatchJobs(envs, counts, quit)
	sigmas, err := spec.Sigmas(pl.Schedule)
	if err != nil {
		return b.fail(err)
	}
	var items []sampler.Item
	var labels []int   // what the network is given
	named := [][]int{} // each job's classes to name its images by
	for _, jb := range jobs {
		for i := range jb.p.N {
			items = append(items, sampler.Item{Seed: jb.p.Seed, Index: i})
		}
		cond, names := pipeline.SampleLabels(jb.p.N, jb.p.Class, pl.Model.UNet.Classes, jb.p.Guidance)
		labels = append(labels, cond...)
		named = append(named, names)
	}
	opts := pipeline.Options{N: len(items), Labels: labels, Guidance: p0.Guidance, Sampler: spec, Threshold: p0.Threshold, Items: items}
	opts.Visit = func(i int, x *tensor.Tensor) {
		b.visit(x, func(j int, rows *tensor.Tensor) { jobs[j].p.visit(jobs[j].e, sigmas, i, rows) })
	}
	x, err := pl.Generate(ctx, opts)
	return b.finish(x, err, func(j int, rows *tensor.Tensor) error {
		return jobs[j].p.writeOutputs(jobs[j].e, rows, named[j])
	})
}

// DenoiseParams are the parameters of a denoise job (`diffuse denoise`).
type DenoiseParams struct {
	Image   string  `json:"image,omitempty"` // base64 PNG of the model's size
	Sigma   float64 `json:"sigma"`           // noise level in [−1, 1] pixel units; 0: estimate it
	Samples int     `json:"samples"`
	Steps   int     `json:"steps"`
	Seed    uint64  `json:"seed"`
}

func (p *DenoiseParams) check(m *Model, in map[string][]byte, lim Limits) *APIError {
	return firstErr(rangeFloat("params.sigma", p.Sigma, 0, 10), rangeInt("params.samples", p.Samples, 1, 16),
		rangeInt("params.steps", p.Steps, 1, 1000), takeImage("params.image", &p.Image, m.Pipeline.Model.UNet.ImageSize, in, "image", lim))
}

func (p *DenoiseParams) run(e *runEnv) error {
	pl := e.model.Pipeline
	cfg := pl.Model.UNet
	x, err := inputTensor(e.inputs, "image", cfg.ImageSize, cfg.InChannels)
	if err != nil {
		return err
	}
	level := p.Sigma
	if level == 0 {
		if level, err = restore.EstimateSigmaPooled(x); err != nil {
			return err
		}
	}
	out, err := restore.Denoise(e.ctx, pl.Denoiser(nil), x, level, restore.DenoiseOptions{
		Sampler: sampler.DDPM{}, Steps: p.Steps, SigmaMin: pl.Schedule.Sigma(0), Samples: p.Samples, Seed: p.Seed, Progress: e.progress})
	if err != nil {
		return err
	}
	return e.writePNG("denoised.png", out, 0, map[string]string{"task": "denoise", "sigma": fmt.Sprint(level),
		"samples": fmt.Sprint(p.Samples), "steps": fmt.Sprint(p.Steps), "seed": fmt.Sprint(p.Seed),
		"checkpoint_sha256": e.model.Hash, "checkpoint": e.model.Name})
}

// InpaintParams are the parameters of an inpaint job (`diffuse inpaint`).
type InpaintParams struct {
	Image     string `json:"image,omitempty"`      // base64 PNG of the model's size
	Mask      string `json:"mask,omitempty"`       // base64 PNG, white = keep, black = fill; overrides mask_shape
	MaskShape string `json:"mask_shape,omitempty"` // box, left, right, top, bottom, strokes
	Steps     int    `json:"steps"`
	Jump      int    `json:"jump"`
	Resample  int    `json:"resample"`
	Seed      uint64 `json:"seed"`
}

func (p *InpaintParams) check(m *Model, in map[string][]byte, lim Limits) *APIError {
	size := m.Pipeline.Model.UNet.ImageSize
	if e := firstErr(rangeInt("params.steps", p.Steps, 1, 1000), rangeInt("params.jump", p.Jump, 1, 1000),
		rangeInt("params.resample", p.Resample, 1, 100), takeImage("params.image", &p.Image, size, in, "image", lim)); e != nil {
		return e
	}
	if p.Mask != "" {
		p.MaskShape = "png"
		return takeImage("params.mask", &p.Mask, size, in, "mask", lim)
	}
	switch p.MaskShape {
	case "box", "left", "right", "top", "bottom", "strokes":
		return nil
	}
	return badField("params.mask_shape", CodeInvalid, "want box, left, right, top, bottom or strokes (or a mask PNG in params.mask), got %q", p.MaskShape)
}

func (p *InpaintParams) run(e *runEnv) error {
	pl := e.model.Pipeline
	cfg := pl.Model.UNet
	x, err := inputTensor(e.inputs, "image", cfg.ImageSize, cfg.InChannels)
	if err != nil {
		return err
	}
	h, w := cfg.ImageSize, cfg.ImageSize
	var m *restore.Mask
	switch p.MaskShape {
	case "png":
		img, err := decodeInput(e.inputs["mask"], h)
		if err != nil {
			return fmt.Errorf("input mask: %w", err)
		}
		m, err = restore.MaskFromImage(img, h, w)
	case "box":
		m, err = restore.CenterBox(h, w, 0.5)
	case "strokes":
		m, err = restore.Strokes(h, w, 4, float64(max(h, w))/10, tensor.NewRNG(p.Seed))
	default:
		m, err = restore.Half(h, w, p.MaskShape)
	}
	if err != nil {
		return err
	}
	sch := pl.Schedule
	out, err := restore.Inpaint(e.ctx, pl.Denoiser(nil), x, m, restore.InpaintOptions{
		Sampler: sampler.DDPM{}, Steps: p.Steps, JumpLength: p.Jump, Resamplings: p.Resample,
		SigmaMax: min(sch.Sigma(sch.Steps()-1), 80), SigmaMin: sch.Sigma(0), Seed: p.Seed, Progress: e.progress})
	if err != nil {
		return err
	}
	return e.writePNG("inpainted.png", out, 0, map[string]string{"task": "inpaint", "mask": p.MaskShape,
		"steps": fmt.Sprint(p.Steps), "jump": fmt.Sprint(p.Jump), "resample": fmt.Sprint(p.Resample), "seed": fmt.Sprint(p.Seed),
		"checkpoint_sha256": e.model.Hash, "checkpoint": e.model.Name})
}

// TranslateParams are the parameters of superres and translate jobs
// (`diffuse superres`, `diffuse translate`).
type TranslateParams struct {
	Image     string `json:"image,omitempty"` // base64 PNG: the model's size / factor for superres, its size for translate
	Sampler   string `json:"sampler"`
	Steps     int    `json:"steps"`
	Samples   int    `json:"samples"`
	Seed      uint64 `json:"seed"`
	Threshold bool   `json:"threshold"`
}

func (p *TranslateParams) check(m *Model, in map[string][]byte, lim Limits) *APIError {
	c := m.Pipeline.Model.Cond
	size := m.Pipeline.Model.UNet.ImageSize
	if c.Task == pipeline.TaskSuperRes {
		size /= c.Factor
	}
	return firstErr(checkSampler("params.sampler", p.Sampler, 0), rangeInt("params.steps", p.Steps, 1, 1000),
		rangeInt("params.samples", p.Samples, 1, 16), takeImage("params.image", &p.Image, size, in, "image", lim))
}

func (p *TranslateParams) run(e *runEnv) error {
	pl := e.model.Pipeline
	c := pl.Model.Cond
	size := pl.Model.UNet.ImageSize
	if c.Task == pipeline.TaskSuperRes {
		size /= c.Factor
	}
	x, err := inputTensor(e.inputs, "image", size, c.Channels)
	if err != nil {
		return err
	}
	cond := x
	if c.Task == pipeline.TaskSuperRes {
		if cond, err = pl.LowResCondition(x); err != nil {
			return err
		}
	}
	opts := pipeline.Options{Sampler: sampler.Spec{Name: p.Sampler, Steps: p.Steps}, Seed: p.Seed, Threshold: p.Threshold}
	sigmas, err := opts.Sampler.Sigmas(pl.Schedule)
	if err != nil {
		return err
	}
	done, total := 0, p.Samples*(len(sigmas)-1) // each sample walks the sampler's steps
	opts.Visit = func(int, *tensor.Tensor) { done++; e.progress(min(done, total), total) }
	out, err := pl.TranslateMean(e.ctx, cond, opts, p.Samples)
	if err != nil {
		return err
	}
	return e.writePNG("output.png", out, 0, map[string]string{"task": c.Task, "sampler": p.Sampler, "steps": fmt.Sprint(p.Steps),
		"samples": fmt.Sprint(p.Samples), "seed": fmt.Sprint(p.Seed), "threshold": fmt.Sprint(p.Threshold),
		"checkpoint_sha256": e.model.Hash, "checkpoint": e.model.Name})
}

// AnomalyParams are the parameters of an anomaly job (`diffuse anomaly`'s
// scores for one image; thresholds need normal images and stay with the CLI).
type AnomalyParams struct {
	Image     string    `json:"image,omitempty"`
	Class     int       `json:"class"` // the normal class of a class-conditional model
	Sigmas    []float64 `json:"sigmas"`
	Seeds     int       `json:"seeds"`
	Steps     int       `json:"steps"` // 0: one-shot reconstruction
	ELBOTerms int       `json:"elbo_terms"`
	Seed      uint64    `json:"seed"`
}

func (p *AnomalyParams) check(m *Model, in map[string][]byte, lim Limits) *APIError {
	classes := m.Pipeline.Model.UNet.Classes
	if classes > 0 {
		if e := rangeInt("params.class", p.Class, 0, classes-1); e != nil {
			return e
		}
	} else if p.Class != -1 {
		return badField("params.class", CodeOutOfRange, "the model is unconditional: want -1, got %d", p.Class)
	}
	if len(p.Sigmas) == 0 || len(p.Sigmas) > 16 {
		return badField("params.sigmas", CodeOutOfRange, "want 1 … 16 noise levels, got %d", len(p.Sigmas))
	}
	for i, s := range p.Sigmas {
		if e := rangeFloat(fmt.Sprintf("params.sigmas[%d]", i), s, 1e-3, 80); e != nil {
			return e
		}
	}
	return firstErr(rangeInt("params.seeds", p.Seeds, 1, 16), rangeInt("params.steps", p.Steps, 0, 1000),
		rangeInt("params.elbo_terms", p.ELBOTerms, 1, 1000), takeImage("params.image", &p.Image, m.Pipeline.Model.UNet.ImageSize, in, "image", lim))
}

func (p *AnomalyParams) run(e *runEnv) error {
	pl := e.model.Pipeline
	cfg := pl.Model.UNet
	x, err := inputTensor(e.inputs, "image", cfg.ImageSize, cfg.InChannels)
	if err != nil {
		return err
	}
	det := &anomaly.Detector{Pipeline: pl, Class: p.Class, ELBOTerms: p.ELBOTerms, ELBOSeed: p.Seed, Chunk: 1,
		Recon: restore.ReconOptions{Sigmas: p.Sigmas, Seeds: p.Seeds, Seed: p.Seed,
			Denoise: restore.DenoiseOptions{OneShot: p.Steps == 0, Steps: p.Steps, Sampler: sampler.DDPM{}, SigmaMin: pl.Schedule.Sigma(0)}},
		Progress: e.progress}
	s, err := det.Score(e.ctx, x)
	if err != nil {
		return err
	}
	res := map[string]any{"recon": s.Recon[0], "elbo_bpd": s.ELBO[0], "class": p.Class, "sigmas": p.Sigmas,
		"seeds": p.Seeds, "steps": p.Steps, "elbo_terms": p.ELBOTerms, "seed": p.Seed, "checkpoint_sha256": e.model.Hash}
	return e.write("scores.json", map[string]string{"recon": fmt.Sprint(s.Recon[0]), "elbo_bpd": fmt.Sprint(s.ELBO[0])},
		func(w io.Writer) error { return json.NewEncoder(w).Encode(res) })
}

// TabularParams are the parameters of a tabular_sample job (`diffuse tabular sample`).
type TabularParams struct {
	N        int    `json:"n"`
	Class    string `json:"class,omitempty"`
	Balanced bool   `json:"balanced"`
	Seed     uint64 `json:"seed"`
}

func (p *TabularParams) check(m *Model, _ map[string][]byte, lim Limits) *APIError {
	return rangeInt("params.n", p.N, 1, lim.MaxRows)
}

func (p *TabularParams) run(e *runEnv) error {
	f, err := e.model.Tabular.Sample(e.ctx, p.N, tabular.SampleOptions{Class: p.Class, Balanced: p.Balanced, Seed: p.Seed, Progress: e.progress})
	if err != nil {
		return err
	}
	return e.write("rows.csv", map[string]string{"n": strconv.Itoa(p.N), "seed": fmt.Sprint(p.Seed), "class": p.Class},
		func(w io.Writer) error { return data.WriteCSV(w, f.Table("rows.csv")) })
}
