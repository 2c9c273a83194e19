package serve

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/pipeline"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/textimage"
)

// TextImageParams are the parameters of a textimage_sample job: N images
// of one prompt, as `diffuse sample --prompt P --n N` draws them from a
// text-to-image model (by default the shipped emoji model), with the same
// defaults (guidance 3, dpmpp2m at its usual 20 steps, σ_max 80, seed 1).
type TextImageParams struct {
	// Prompt is required; "" draws unconditional samples. It is checked
	// against the model's vocabulary and length as the CLI checks it.
	Prompt       *string `json:"prompt"`
	Negative     string  `json:"negative_prompt,omitempty"` // what guidance pushes away from ("": the unconditional prompt)
	N            int     `json:"n"`
	Guidance     float64 `json:"guidance"`
	Sampler      string  `json:"sampler"`
	Steps        int     `json:"steps"` // 0: the sampler's usual count
	Eta          float64 `json:"eta"`
	Temperature  float64 `json:"temperature"`
	SigmaMax     float64 `json:"sigma_max"` // the noise level sampling starts from; 0: textimage.SigmaMax
	Seed         uint64  `json:"seed"`
	PreviewEvery int     `json:"preview_every"` // a decoded preview every k steps; 0: none
}

// promptBatch is how many images one sampling call draws, as `diffuse
// sample --batch` by default, so that a job's images are the CLI's bit
// for bit whatever its size.
const promptBatch = 64

func newTextImageParams() *TextImageParams {
	return &TextImageParams{N: 4, Guidance: 3, Sampler: "dpmpp2m", Temperature: 1, Seed: 1}
}

// options are the library options of the job (textimage.Model.Sample).
func (p *TextImageParams) options() textimage.SampleOptions {
	spec := sampler.Spec{Name: p.Sampler, Steps: p.Steps, Eta: p.Eta, Temperature: p.Temperature, SigmaMax: p.SigmaMax}
	return textimage.SampleOptions{Sampler: textimage.SamplerSpec(spec), Guidance: p.Guidance, Negative: p.Negative,
		Seed: p.Seed, Threshold: true}
}

func (p *TextImageParams) check(m *Model, _ map[string][]byte, lim Limits) *APIError {
	ti := m.TextImage
	if e := firstErr(rangeInt("params.n", p.N, 1, lim.MaxImages), rangeInt("params.steps", p.Steps, 0, 1000),
		rangeFloat("params.guidance", p.Guidance, 0, 30), rangeFloat("params.eta", p.Eta, 0, 1),
		rangeFloat("params.temperature", p.Temperature, 0.01, 2), rangeFloat("params.sigma_max", p.SigmaMax, 0, 1e6),
		rangeInt("params.preview_every", p.PreviewEvery, 0, 1000), checkSampler("params.sampler", p.Sampler, p.Eta)); e != nil {
		return e
	}
	if p.Prompt == nil {
		return badField("params.prompt", CodeInvalid, `want the prompt ("" for unconditional samples), got nothing`)
	}
	if err := ti.CheckPrompt(*p.Prompt); err != nil {
		return badField("params.prompt", CodeInvalid, "%v", err)
	}
	if err := ti.CheckPrompt(p.Negative); err != nil {
		return badField("params.negative_prompt", CodeInvalid, "%v", err)
	}
	if _, err := p.options().Sampler.Sigmas(ti.Schedule()); err != nil {
		field := "params.steps"
		if p.SigmaMax != 0 {
			field = "params.sigma_max"
		}
		return badField(field, CodeOutOfRange, "%v", err)
	}
	return nil
}

func (p *TextImageParams) run(e *runEnv) error {
	m := e.model.TextImage
	opts := p.options()
	sigmas, err := opts.Sampler.Sigmas(m.Schedule())
	if err != nil {
		return err
	}
	prompts := make([]string, p.N)
	for i := range prompts {
		prompts[i] = *p.Prompt
	}
	steps := len(sigmas) - 1
	calls := (p.N + promptBatch - 1) / promptBatch
	for lo := 0; lo < p.N; lo += promptBatch {
		hi := min(lo+promptBatch, p.N)
		o := opts
		o.First = lo
		call := lo / promptBatch
		o.Visit = func(i int, z *tensor.Tensor) { p.visit(e, sigmas, call*steps+i, calls*steps, i, z) }
		x, err := m.Sample(e.ctx, prompts[lo:hi], o)
		if err != nil {
			return err
		}
		if err := p.writeOutputs(e, x, lo); err != nil {
			return err
		}
	}
	return nil
}

// writeOutputs writes x: (n, 3, S, S), the job's images first … first+n−1,
// one PNG each, with the names and text chunks `diffuse sample --prompt`
// writes.
func (p *TextImageParams) writeOutputs(e *runEnv, x *tensor.Tensor, first int) error {
	settings, err := e.model.TextImage.Settings(e.model.Hash, p.options())
	if err != nil {
		return err
	}
	for k := range x.Dim(0) {
		i := first + k
		if err := e.writePNG(fmt.Sprintf("%06d.png", i), x, k, textimage.ImageSettings(settings, *p.Prompt, i)); err != nil {
			return err
		}
	}
	return nil
}

// batchKey says which textimage_sample jobs can share one sampling call:
// those with equal keys, which hold every setting that changes the
// computation other than the prompt, the seed and the count (the
// negative prompt is the call's). ok is false when the sampler couples
// the images of a call (sampler.Spec.ItemWise).
func (p *TextImageParams) batchKey() (key string, ok bool) {
	if !p.options().Sampler.ItemWise() {
		return "", false
	}
	return fmt.Sprintf("textimage|%s|%d|%g|%g|%g|%g|%q", p.Sampler, p.Steps, p.Eta, p.Temperature, p.SigmaMax, p.Guidance, p.Negative), true
}

func (p *TextImageParams) images() int { return p.N }

// textImageJob is one job of a shared text-to-image sampling call: its
// parameters and what it sees while it runs.
type textImageJob struct {
	p *TextImageParams
	e *runEnv
}

// runTextImageBatch runs textimage_sample jobs of equal batchKey on the
// model m in one sampling call whose images are the jobs' images in
// order, each drawn from its job's (seed, index) stream
// (textimage.SampleOptions.Items) and guided by its job's prompt, so
// every job gets the images, and the PNG bytes, it would get alone. ctx
// stops the whole call; a job whose own context ends is dropped at the
// next step: quit is called with its context's error and it gets no more
// events, while the others go on. It returns each job's error, nil for a
// job whose outputs are written; for a dropped job, the error quit was
// given. It is runSampleBatch for text-to-image models.
func runTextImageBatch(ctx context.Context, m *Model, jobs []textImageJob, quit func(j int, err error)) []error {
	opts := jobs[0].p.options()
	envs, counts := make([]*runEnv, len(jobs)), make([]int, len(jobs))
	for j, jb := range jobs {
		envs[j], counts[j] = jb.e, jb.p.N
	}
	b := newBatchJobs(envs, counts, quit)
	sigmas, err := opts.Sampler.Sigmas(m.TextImage.Schedule())
	if err != nil {
		return b.fail(err)
	}
	var prompts []string
	for _, jb := range jobs {
		for i := range jb.p.N {
			prompts = append(prompts, *jb.p.Prompt)
			opts.Items = append(opts.Items, sampler.Item{Seed: jb.p.Seed, Index: i})
		}
	}
	steps := len(sigmas) - 1
	opts.Visit = func(i int, z *tensor.Tensor) {
		b.visit(z, func(j int, rows *tensor.Tensor) { jobs[j].p.visit(jobs[j].e, sigmas, i, steps, i, rows) })
	}
	x, err := m.TextImage.Sample(ctx, prompts, opts)
	return b.finish(x, err, func(j int, rows *tensor.Tensor) error {
		return jobs[j].p.writeOutputs(jobs[j].e, rows, 0)
	})
}

// visit reports step done+1 of total, and every PreviewEvery steps of a
// sampling call (at its step i, the state z: (n, C, h, w), latents in
// latent space) its first images, decoded as `diffuse sample --prompt
// --trajectory` draws them.
func (p *TextImageParams) visit(e *runEnv, sigmas []float64, done, total, i int, z *tensor.Tensor) {
	e.progress(done+1, total)
	steps := len(sigmas) - 1
	if p.PreviewEvery <= 0 || ((i+1)%p.PreviewEvery != 0 && i+1 != steps) {
		return
	}
	show := min(z.Dim(0), 16)
	x, err := e.model.TextImage.Decode(pipeline.DisplayScale(z, sigmas[i+1], show))
	if err != nil {
		return
	}
	if img, err := pngout.Grid(x, min(show, 8), 1); err == nil {
		e.preview(done+1, img)
	}
}
