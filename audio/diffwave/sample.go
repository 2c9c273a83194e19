package diffwave

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// MaxBatch is the most clips one network call evaluates; larger batches
// are split (the result does not depend on it).
const MaxBatch = 32

// Denoiser returns m as an x0 denoiser in the samplers' σ view for labels
// (nil: unconditional or the null label), with the condition cond:
// (N, Cond, Samples) joined to x_t before every call (nil when the model
// has no condition).
func (m *Model) Denoiser(labels []int, cond *tensor.Tensor) (*diffusion.VPDenoiser, error) {
	sch, err := m.Config.BuildSchedule()
	if err != nil {
		return nil, err
	}
	L := m.Config.Samples
	forward := func(xt *tensor.Tensor, t []float64, y []int, lo, hi int) (*tensor.Tensor, error) {
		in := xt
		if m.Config.Cond > 0 {
			k := 1 + m.Config.Cond
			in = tensor.New(hi-lo, k, L)
			for i := range hi - lo {
				copy(in.Data[i*k*L:], xt.Data[i*L:(i+1)*L])
				copy(in.Data[(i*k+1)*L:(i+1)*k*L], cond.Data[(lo+i)*m.Config.Cond*L:(lo+i+1)*m.Config.Cond*L])
			}
		}
		g := autograd.NoGradPooled()
		out := m.Forward(g, autograd.NewVar(in), t, y).Value.Clone()
		g.Release(nil)
		return out, nil
	}
	net := func(xt *tensor.Tensor, t []float64, y []int) (out *tensor.Tensor, err error) {
		defer tensor.Recover(&err)
		n := xt.Dim(0)
		if m.Config.Cond > 0 && (cond == nil || cond.Dim(0) != n) {
			return nil, fmt.Errorf("diffwave: the model needs one condition per clip: got %v for %d clips", shapeOf(cond), n)
		}
		out = tensor.New(xt.Shape...)
		for lo := 0; lo < n; lo += MaxBatch {
			hi := min(lo+MaxBatch, n)
			part := tensor.FromData(xt.Data[lo*L:hi*L], hi-lo, 1, L)
			var yy []int
			if y != nil {
				yy = y[lo:hi]
			}
			pred, err := forward(part, t[lo:hi], yy, lo, hi)
			if err != nil {
				return nil, err
			}
			copy(out.Data[lo*L:hi*L], pred.Data)
		}
		return out, nil
	}
	return &diffusion.VPDenoiser{Net: net, Schedule: sch, Target: diffusion.Target(m.Config.Target),
		Labels: labels, Null: m.NullLabel()}, nil
}

func shapeOf(t *tensor.Tensor) string {
	if t == nil {
		return "none"
	}
	return tensor.FormatShape(t.Shape)
}

// Options are the settings of Generate and Enhance; with the model they
// fix the output bit for bit.
type Options struct {
	Sampler  sampler.Spec // sampler, steps, temperature
	Guidance float64      // classifier-free guidance weight w (1 = conditional; 0 means 1)
	Seed     uint64
	// First is the global index of the first clip: clip i's initial noise
	// comes from the stream of (Seed, First+i), so that with an item-wise
	// sampler a clip does not depend on the run it was drawn in.
	First int
	// Calls, when set, is increased by one for every denoiser evaluation
	// (the number of function evaluations, NFE; a guided evaluation runs
	// the network once on a doubled batch).
	Calls *int
	// Progress, when set, is told after every sampler step: the steps
	// done and the steps of the whole call (Enhance's k samples each take
	// the sampler's steps). It does not change the result.
	Progress func(step, total int)
}

// counted counts the evaluations of D in *N.
type counted struct {
	D sampler.Denoiser
	N *int
}

// Denoise implements sampler.Denoiser.
func (c counted) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	*c.N++
	return c.D.Denoise(x, sigma)
}

// Generate draws one clip per label: (N, 1, Samples) in [−1, 1] (values
// are clipped there). Labels must be classes of the model.
func Generate(ctx context.Context, m *Model, labels []int, opts Options) (x *tensor.Tensor, err error) {
	defer tensor.Recover(&err)
	cfg := m.Config
	if cfg.Task != TaskGenerate {
		return nil, fmt.Errorf("generate: the model was trained for %q, not generation", cfg.Task)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("generate: no clips asked for")
	}
	for i, c := range labels {
		if c < 0 || (cfg.Classes > 0 && c >= cfg.Classes) {
			return nil, fmt.Errorf("generate: label %d of clip %d: want a class in 0..%d", c, i, cfg.Classes-1)
		}
	}
	if cfg.Classes == 0 {
		labels = nil
	}
	var d sampler.Denoiser
	base, err := m.Denoiser(labels, nil)
	if err != nil {
		return nil, err
	}
	d = base
	if labels != nil && opts.Guidance != 0 && opts.Guidance != 1 {
		d = diffusion.Guided{D: base, Labels: labels, Scale: opts.Guidance}
	}
	n := max(len(labels), 1)
	if opts.Calls != nil {
		d = counted{d, opts.Calls}
	}
	x, err = run(ctx, m, d, n, opts)
	if err != nil {
		return nil, err
	}
	for i, v := range x.Data {
		x.Data[i] = min(max(v, -1), 1)
	}
	return x, nil
}

// run samples n clips with d from per-clip initial noise.
func run(ctx context.Context, m *Model, d sampler.Denoiser, n int, opts Options) (*tensor.Tensor, error) {
	sch, err := m.Config.BuildSchedule()
	if err != nil {
		return nil, err
	}
	s, err := opts.Sampler.Build()
	if err != nil {
		return nil, err
	}
	sigmas, err := opts.Sampler.Sigmas(sch)
	if err != nil {
		return nil, err
	}
	if opts.First < 0 {
		return nil, fmt.Errorf("sample: first: want ≥ 0, got %d", opts.First)
	}
	L := m.Config.Samples
	rng := tensor.NewRNG(opts.Seed)
	items := rng.Split(0)
	x := tensor.New(n, 1, L)
	for i := range n {
		xi := sampler.InitialNoise(items.Split(uint64(opts.First+i)), sigmas[0], opts.Sampler.Temp(), 1, 1, L)
		copy(x.Data[i*L:(i+1)*L], xi.Data)
	}
	var visit func(int, *tensor.Tensor)
	if opts.Progress != nil {
		visit = func(i int, _ *tensor.Tensor) { opts.Progress(i+1, len(sigmas)-1) }
	}
	return sampler.Run(ctx, s, d, x, sigmas, rng.Split(1), visit)
}
