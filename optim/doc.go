// Package optim updates parameters from their gradients: SGD with momentum,
// Adam and AdamW with PyTorch's exact semantics, global gradient-norm
// clipping, learning-rate schedules and an exponential moving average (EMA)
// of the weights for sampling.
//
// Every optimiser works on a []*nn.Param and computes in float32, as
// torch.optim does on CPU, splitting big tensors over the worker pool.
// Step refuses a NaN or infinite gradient (an error wrapping
// autograd.ErrNonFinite) before changing anything, and skips parameters
// whose gradient is nil, as PyTorch skips parameters with grad None.
//
// Optimisers and the EMA save their state for an exact resume: State
// returns named tensors ("adam.m.<param>", "adam.v.<param>",
// "sgd.momentum.<param>", "ema.<param>") and float64 scalars (step counts,
// the learning rate). Metadata encodes the scalars as strings so a
// checkpoint can carry them in a safetensors header, and ParseScalars
// reads them back:
//
//	opt := optim.NewAdamW(params, 1e-3, 0.9, 0.999, 1e-8, 0.01)
//	sched := optim.WarmupCosine{Peak: 1e-3, Warmup: 500, Total: 100000}
//	for step := 0; step < 100000; step++ {
//		// … forward, backward …
//		optim.ClipGradNorm(params, 1)
//		opt.SetLR(sched.LR(step))
//		if err := opt.Step(); err != nil {
//			return fmt.Errorf("step %d: %w", step, err)
//		}
//		opt.ZeroGrad()
//		ema.Update()
//	}
package optim
