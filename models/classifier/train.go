package classifier

import (
	"context"
	"fmt"
	"time"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/optim"
	"github.com/diffusego/diffusego/tensor"
)

// TrainConfig sets how Train fits a CNN.
type TrainConfig struct {
	Epochs int     // passes over the data (default 1)
	Batch  int     // images per step (default 64)
	LR     float64 // Adam learning rate (default 1e-3)
	Seed   uint64  // shuffling seed
	// Progress, when set, is called every LogEvery steps (default 100)
	// with the step, the epoch, the mean loss since the last call and the
	// images per second over that span.
	Progress func(step, epoch int, loss, imagesPerSec float64)
	LogEvery int
}

func (c TrainConfig) withDefaults() TrainConfig {
	if c.Epochs == 0 {
		c.Epochs = 1
	}
	if c.Batch == 0 {
		c.Batch = 64
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.LogEvery == 0 {
		c.LogEvery = 100
	}
	return c
}

// Train fits m to images (N, C, Size, Size) and labels (N) with Adam and the
// cross-entropy loss, shuffling each epoch from cfg.Seed. It stops with an
// error wrapping autograd.ErrNonFinite at the first NaN or infinite loss or
// gradient, before the parameters are changed, and with ctx's error when
// ctx is cancelled.
func Train(ctx context.Context, m *CNN, images *tensor.Tensor, labels []int, cfg TrainConfig) (err error) {
	defer tensor.Recover(&err)
	cfg = cfg.withDefaults()
	n := images.Dim(0)
	if len(labels) != n {
		return fmt.Errorf("classifier: %d images but %d labels", n, len(labels))
	}
	per := images.Len() / max(n, 1)
	params := m.Params()
	opt := optim.NewAdam(params, cfg.LR, 0.9, 0.999, 1e-8, 0)
	rng := tensor.NewRNG(cfg.Seed)
	shape := append([]int{cfg.Batch}, images.Shape[1:]...)
	xb := tensor.New(shape...)
	yb := make([]int, cfg.Batch)
	step, lossSum, lossN, start := 0, 0.0, 0, time.Now()
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		perm := rng.Perm(n)
		for lo := 0; lo+cfg.Batch <= n; lo += cfg.Batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			for i, idx := range perm[lo : lo+cfg.Batch] {
				copy(xb.Data[i*per:(i+1)*per], images.Data[idx*per:(idx+1)*per])
				yb[i] = labels[idx]
			}
			g := autograd.NewPooled() // activations and gradients from the free lists
			loss := g.CrossEntropy(m.Forward(g, autograd.NewVar(xb)), yb)
			lv := float64(loss.Value.Data[0]) // read before Backward gives the buffers back
			opt.ZeroGrad()
			if err := g.Backward(loss); err != nil {
				return fmt.Errorf("classifier: step %d: %w", step, err)
			}
			if err := opt.Step(); err != nil {
				return fmt.Errorf("classifier: step %d: %w", step, err)
			}
			step++
			lossSum += lv
			lossN++
			if cfg.Progress != nil && step%cfg.LogEvery == 0 {
				el := time.Since(start).Seconds()
				cfg.Progress(step, epoch, lossSum/float64(lossN), float64(lossN*cfg.Batch)/el)
				lossSum, lossN, start = 0, 0, time.Now()
			}
		}
	}
	return nil
}

// Predict returns the most likely class of each image, evaluating in
// batches of 500 without recording a graph.
func Predict(m *CNN, images *tensor.Tensor) []int {
	n := images.Dim(0)
	per := images.Len() / max(n, 1)
	pred := make([]int, 0, n)
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		shape := append([]int{hi - lo}, images.Shape[1:]...)
		x := tensor.FromData(images.Data[lo*per:hi*per], shape...)
		logits := m.Forward(autograd.NoGrad(), autograd.NewVar(x)).Value
		pred = append(pred, argmaxRows(logits)...)
	}
	return pred
}

// Accuracy is the fraction of images whose predicted class equals the label.
func Accuracy(m *CNN, images *tensor.Tensor, labels []int) float64 {
	pred := Predict(m, images)
	right := 0
	for i, p := range pred {
		if p == labels[i] {
			right++
		}
	}
	return float64(right) / float64(max(len(labels), 1))
}
