package autoencoder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/metrics"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// ErrNonFinite stops training when the loss is NaN or infinite.
var ErrNonFinite = errors.New("non-finite loss")

// TrainOptions says how Train runs.
type TrainOptions struct {
	Steps int     // optimiser steps
	LR    float64 // AdamW learning rate; 0 means 2e-4
	// Schedule, when set, gives the learning rate of each step (counted
	// from 0) instead of the constant LR.
	Schedule optim.Schedule
	Seed     uint64 // ε draws
	Every    int    // log every Every steps to Log (0: never)
	Log      io.Writer
	// AfterStep, when set, is called after each optimiser step with the
	// number of steps done (1…Steps); an error stops training with it
	// (a caller saves intermediate autoencoders here).
	AfterStep func(done int) error
}

// Train fits a with AdamW (β = 0.9, 0.999, no weight decay) on the
// batches batch(step) returns, for opts.Steps steps. A non-finite loss
// stops it before the parameters change, with ErrNonFinite.
func Train(ctx context.Context, a *Autoencoder, batch func(step int) (*tensor.Tensor, error), opts TrainOptions) (err error) {
	defer tensor.Recover(&err)
	lr := opts.LR
	if lr == 0 {
		lr = 2e-4
	}
	ps := a.Params()
	opt := optim.NewAdamW(ps, lr, 0.9, 0.999, 1e-8, 0)
	rng := tensor.NewRNG(opts.Seed)
	for step := range opts.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		x, err := batch(step)
		if err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if err := a.checkImages(x); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if opts.Schedule != nil {
			opt.SetLR(opts.Schedule.LR(step))
		}
		g := autograd.New()
		opt.ZeroGrad()
		loss, l1, kl := a.Loss(g, x, rng)
		v := float64(loss.Value.Data[0])
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("step %d: loss %v: %w", step, v, ErrNonFinite)
		}
		if err := g.Backward(loss); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if err := opt.Step(); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if opts.Log != nil && opts.Every > 0 && (step+1)%opts.Every == 0 {
			fmt.Fprintf(opts.Log, "autoencoder step %d/%d: loss %.5f (L1 %.5f, βKL %.2e) lr %.2e\n", step+1, opts.Steps, v, l1, kl, opt.LR())
		}
		if opts.AfterStep != nil {
			if err := opts.AfterStep(step + 1); err != nil {
				return fmt.Errorf("step %d: %w", step, err)
			}
		}
	}
	return nil
}

// Reconstruct encodes and decodes x through the mean latents.
func (a *Autoencoder) Reconstruct(x *tensor.Tensor) (*tensor.Tensor, error) {
	z, err := a.Encode(x)
	if err != nil {
		return nil, err
	}
	return a.Decode(z)
}

// PSNR is the mean per-image PSNR (dB, data range 2 for [-1, 1]) of the
// reconstructions of x.
func (a *Autoencoder) PSNR(x *tensor.Tensor) (float64, error) {
	y, err := a.Reconstruct(x)
	if err != nil {
		return 0, err
	}
	per, err := metrics.PSNRPerImage(y, x, 2)
	if err != nil {
		return 0, err
	}
	var s float64
	for _, p := range per {
		s += p
	}
	return s / float64(len(per)), nil
}

// Quality reconstructs x in batches of batch images and returns the mean
// per-image PSNR (dB) and SSIM (both with data range 2) and the
// reconstructions.
func (a *Autoencoder) Quality(x *tensor.Tensor, batch int) (psnr, ssim float64, y *tensor.Tensor, err error) {
	if x.Rank() != 4 || x.Shape[0] < 1 {
		return 0, 0, nil, fmt.Errorf("autoencoder quality: images %v: want (N, 3, H, W) with N ≥ 1", x.Shape)
	}
	n, per := x.Shape[0], x.Len()/x.Shape[0]
	batch = max(batch, 1)
	y = tensor.New(x.Shape...)
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		xb := tensor.New(append([]int{hi - lo}, x.Shape[1:]...)...)
		copy(xb.Data, x.Data[lo*per:hi*per])
		yb, err := a.Reconstruct(xb)
		if err != nil {
			return 0, 0, nil, err
		}
		copy(y.Data[lo*per:hi*per], yb.Data)
	}
	ps, err := metrics.PSNRPerImage(y, x, 2)
	if err != nil {
		return 0, 0, nil, err
	}
	ss, err := metrics.SSIMPerImage(y, x, 2)
	if err != nil {
		return 0, 0, nil, err
	}
	for i := range ps {
		psnr += ps[i] / float64(n)
		ssim += ss[i] / float64(n)
	}
	return psnr, ssim, y, nil
}
