package pipeline

import (
	"context"
	"fmt"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// Translate samples one output image per condition image of an
// image-conditioned model (Model.Cond): cond: (N, Cond.Channels, H, W) in
// [−1, 1] at the model's size, the enlarged low-resolution image of a
// super-resolution model or the input of a paired one. It returns
// (N, OutChannels, H, W) clipped to [−1, 1]. opts.N, Labels and Guidance
// must be left zero (the condition is the image), and First is not used
// (the batch's noise is one draw from Seed); Sampler, Seed,
// Threshold and Visit work as in Generate (for a Residual model they see
// the residual, and Threshold keeps cond + x0 in [−1, 1]), and different
// seeds give different samples of the same posterior. Threshold matters
// for ε-prediction models: at the schedule's largest σ their x0 estimate
// amplifies the ε error by 1/√ᾱ.
func (p *Pipeline) Translate(ctx context.Context, cond *tensor.Tensor, opts Options) (*tensor.Tensor, error) {
	c, cfg := p.Model.Cond, p.Model.UNet
	if c == nil {
		return nil, fmt.Errorf("translate: the model has no image condition (it generates from noise: use Generate)")
	}
	if cond == nil || cond.Rank() != 4 || cond.Dim(0) < 1 || cond.Dim(1) != c.Channels || cond.Dim(2) != cfg.ImageSize || cond.Dim(3) != cfg.ImageSize {
		return nil, fmt.Errorf("translate: condition images: want (N, %d, %d, %d), got %s", c.Channels, cfg.ImageSize, cfg.ImageSize, shapeOf(cond))
	}
	if opts.Labels != nil || (opts.Guidance != 0 && opts.Guidance != 1) || (opts.N != 0 && opts.N != cond.Dim(0)) {
		return nil, fmt.Errorf("translate: labels, guidance and n come from the condition images: leave them unset")
	}
	var d sampler.Denoiser = p.denoiser(nil, cond)
	switch {
	case opts.Threshold && c.Residual:
		d = residualThresholded{D: d, Cond: cond}
	case opts.Threshold:
		d = sampler.Thresholded{D: d}
	}
	x, err := p.sample(ctx, opts, d, cond.Dim(0), cfg.OutChannels, false)
	if err != nil {
		return nil, err
	}
	for i, v := range x.Data {
		if c.Residual { // the model sampled x − cond
			v += cond.Data[i]
		}
		x.Data[i] = min(max(v, -1), 1)
	}
	return x, nil
}

// TranslateMean averages k ≥ 1 samples of Translate, drawn with seeds
// opts.Seed + i·2³² for i < k: an estimate of the posterior mean, which
// scores a higher PSNR than one sample and is smoother.
func (p *Pipeline) TranslateMean(ctx context.Context, cond *tensor.Tensor, opts Options, k int) (*tensor.Tensor, error) {
	if k < 1 {
		return nil, fmt.Errorf("translate: samples: want ≥ 1, got %d", k)
	}
	var mean *tensor.Tensor
	for i := range k {
		o := opts
		o.Seed = opts.Seed + uint64(i)<<32
		x, err := p.Translate(ctx, cond, o)
		if err != nil {
			return nil, err
		}
		if mean == nil {
			mean = x
			continue
		}
		for j, v := range x.Data {
			mean.Data[j] += v
		}
	}
	if k > 1 {
		for j := range mean.Data {
			mean.Data[j] /= float32(k)
		}
	}
	return mean, nil
}

// SuperResolve enlarges low-resolution images low: (N, C, H/f, W/f) in
// [−1, 1] by the factor f of a super-resolution model to (N, C, H, W):
// the condition is LowResCondition(low), then Translate samples the detail.
func (p *Pipeline) SuperResolve(ctx context.Context, low *tensor.Tensor, opts Options) (*tensor.Tensor, error) {
	cond, err := p.LowResCondition(low)
	if err != nil {
		return nil, err
	}
	return p.Translate(ctx, cond, opts)
}

// LowResCondition checks low-resolution images low: (N, C, H/f, W/f)
// against a super-resolution model of factor f and returns its condition,
// low enlarged with the model's upsampling method to (N, C, H, W).
func (p *Pipeline) LowResCondition(low *tensor.Tensor) (*tensor.Tensor, error) {
	c, cfg := p.Model.Cond, p.Model.UNet
	if c == nil || c.Task != TaskSuperRes {
		task := "none: it generates from noise"
		if c != nil {
			task = fmt.Sprintf("%q", c.Task)
		}
		return nil, fmt.Errorf("super-resolve: not a super-resolution model (task %s)", task)
	}
	side := cfg.ImageSize / c.Factor
	if low == nil || low.Rank() != 4 || low.Dim(0) < 1 || low.Dim(1) != c.Channels || low.Dim(2) != side || low.Dim(3) != side {
		return nil, fmt.Errorf("super-resolve: low-resolution images: want (N, %d, %d, %d) (the model's %d×%d / factor %d), got %s",
			c.Channels, side, side, cfg.ImageSize, cfg.ImageSize, c.Factor, shapeOf(low))
	}
	return c.FromLow(low)
}

// residualThresholded is static thresholding for a Residual model: the
// predicted residual x0 is clipped so that Cond + x0 lies in [−1, 1].
type residualThresholded struct {
	D    sampler.Denoiser
	Cond *tensor.Tensor // (N, C, H, W), the shape of x
}

// Denoise returns D's prediction clipped elementwise to [−1 − cond, 1 − cond].
func (t residualThresholded) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	x0, err := t.D.Denoise(x, sigma)
	if err != nil {
		return nil, err
	}
	out := x0.Clone()
	for i, v := range out.Data {
		c := t.Cond.Data[i]
		out.Data[i] = min(max(v, -1-c), 1-c)
	}
	return out, nil
}

// shapeOf formats x's shape for errors, "nil" for a nil tensor.
func shapeOf(x *tensor.Tensor) string {
	if x == nil {
		return "nil"
	}
	return tensor.FormatShape(x.Shape)
}
