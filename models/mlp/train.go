package mlp

import (
	"context"
	"fmt"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/diffusion"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// TrainConfig sets up Train. The zero value of a field means its default.
type TrainConfig struct {
	Steps        int     // optimiser steps; default 1500
	Batch        int     // points per step; default 128
	LR           float64 // peak Adam learning rate; default 3e-3, cosine-decayed to LR/20
	PMean, PStd  float64 // ln σ ~ N(PMean, PStd²); default −0.8, 1.6 (see Train)
	LabelDropout float64 // probability of training a point with the null label
	EMA          float64 // decay of the weight average sampled with; default 0.995, < 0 for none
	Seed         uint64  // seeds batches, σ, ε and label dropout
}

func (c TrainConfig) withDefaults() TrainConfig {
	if c.Steps == 0 {
		c.Steps = 1500
	}
	if c.Batch == 0 {
		c.Batch = 128
	}
	if c.LR == 0 {
		c.LR = 3e-3
	}
	if c.PMean == 0 && c.PStd == 0 {
		c.PMean, c.PStd = -0.8, 1.6
	}
	if c.EMA == 0 {
		c.EMA = 0.995
	}
	return c
}

// Loss returns the EDM denoising loss (Karras et al. 2022, eq. 8 with
// λ(σ) = 1/c_out², §5) of m on the clean points x0: (N, Dim) at the noise
// levels sigma (one per row) with noise eps: (N, Dim) and labels y (nil,
// or one per row; already dropped as the caller wants):
//
//	mean ‖F(c_in·x; c_noise, y) − (x0 − c_skip·x)/c_out‖²,  x = x0 + σ·ε,
//
// which is λ(σ)·‖D(x; σ) − x0‖² written on the network's output, the
// form with unit-variance targets. It records on g.
func (m *Model) Loss(g *autograd.Graph, x0, eps *tensor.Tensor, sigma []float64, y []int) *autograd.Var {
	n, d := x0.Dim(0), x0.Dim(1)
	u := tensor.New(n, d)
	target := tensor.New(n, d)
	cn := make([]float64, n)
	for i := range n {
		cSkip, cOut, cIn, cNoise := m.Precond(sigma[i])
		cn[i] = cNoise
		for j := i * d; j < (i+1)*d; j++ {
			xij := float64(x0.Data[j]) + sigma[i]*float64(eps.Data[j])
			u.Data[j] = float32(cIn * xij)
			target.Data[j] = float32((float64(x0.Data[j]) - cSkip*xij) / cOut)
		}
	}
	f := m.Forward(g, autograd.NewVar(u), cn, y)
	return g.MSE(f, autograd.NewVar(target))
}

// Train fits m to the points x: (N, Dim) with labels y (nil, or one per
// point in 0..Classes−1) by Adam on Loss, one random batch per step, with
// ln σ drawn from N(PMean, PStd²). The default spreads training over
// σ ≈ 0.02…11 (±2 sd) rather than EDM's image setting (−1.2, 1.2): 2-D
// sets have sharp details at small σ and the samplers start from σ = 80.
// When LabelDropout > 0 each label is replaced by the null class with that
// probability (diffusion.DropLabels). Unless cfg.EMA < 0, m ends with the
// exponential moving average of its weights. It returns the loss of each
// step. The same Seed gives the same bits.
func Train(ctx context.Context, m *Model, x *tensor.Tensor, y []int, cfg TrainConfig) (losses []float64, err error) {
	defer tensor.Recover(&err)
	cfg = cfg.withDefaults()
	if x.Rank() != 2 || x.Dim(1) != m.Dim || x.Dim(0) == 0 {
		return nil, fmt.Errorf("mlp: train: x: want (N ≥ 1, %d), got %s", m.Dim, tensor.FormatShape(x.Shape))
	}
	if y != nil {
		if len(y) != x.Dim(0) {
			return nil, fmt.Errorf("mlp: train: %d labels for %d points", len(y), x.Dim(0))
		}
		if err := m.checkLabels(y, len(y)); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	params := m.Params()
	opt := optim.NewAdam(params, cfg.LR, 0.9, 0.999, 1e-8, 0)
	lr := optim.WarmupCosine{Peak: cfg.LR, Floor: cfg.LR / 20, Warmup: cfg.Steps / 20, Total: cfg.Steps}
	var ema *optim.EMA
	if cfg.EMA > 0 {
		ema = optim.NewEMA(params, cfg.EMA)
		ema.Warmup = true
	}
	rng := tensor.NewRNG(cfg.Seed)
	n, d, b := x.Dim(0), m.Dim, cfg.Batch
	x0 := tensor.New(b, d)
	eps := tensor.New(b, d)
	sigma := make([]float64, b)
	var labels []int
	if y != nil {
		labels = make([]int, b)
	}
	losses = make([]float64, 0, cfg.Steps)
	for step := range cfg.Steps {
		if err := ctx.Err(); err != nil {
			return losses, fmt.Errorf("mlp: train: step %d: %w", step, err)
		}
		for i := range b {
			k := rng.Intn(n)
			copy(x0.Data[i*d:(i+1)*d], x.Data[k*d:(k+1)*d])
			if labels != nil {
				labels[i] = y[k]
			}
			sigma[i] = math.Exp(cfg.PMean + cfg.PStd*rng.Normal())
		}
		rng.FillNormal(eps, 0, 1)
		batchLabels := labels
		if labels != nil && cfg.LabelDropout > 0 {
			batchLabels = diffusion.DropLabels(labels, cfg.LabelDropout, m.NullLabel(), rng)
		}
		g := autograd.NewPooled() // activations and gradients from the free lists
		opt.ZeroGrad()
		loss := m.Loss(g, x0, eps, sigma, batchLabels)
		l := float64(loss.Value.Data[0])
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return losses, fmt.Errorf("mlp: train: step %d: loss %v: %w", step, l, autograd.ErrNonFinite)
		}
		if err := g.Backward(loss); err != nil {
			return losses, fmt.Errorf("mlp: train: step %d: %w", step, err)
		}
		opt.SetLR(lr.LR(step))
		if err := opt.Step(); err != nil {
			return losses, fmt.Errorf("mlp: train: step %d: %w", step, err)
		}
		if ema != nil {
			ema.Update()
		}
		losses = append(losses, l)
	}
	if ema != nil {
		ema.Swap() // the averaged weights into the model
	}
	return losses, nil
}
