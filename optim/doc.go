// Package optim holds diffusego's optimisers (SGD with momentum, Adam,
// AdamW), global gradient-norm clipping, learning-rate schedules and the
// exponential moving average (EMA) of parameters.
//
// Optimisers follow PyTorch's torch.optim update rules exactly, in float32,
// so that a run can be compared step by step with PyTorch. Every optimiser
// and the EMA can save their state as named tensors and load it back, so a
// resumed run continues bit for bit.
//
//	opt := optim.NewAdamW(params, 2e-4, 0.9, 0.999, 1e-8, 0.01)
//	sched := optim.LinearWarmup{Base: 2e-4, Warmup: 200}
//	for step := 0; ; step++ {
//		… forward, g.Backward(loss) …
//		optim.ClipGradNorm(params, 1)
//		opt.SetLR(sched.LR(step))
//		if err := opt.Step(); err != nil { … } // refuses NaN gradients
//		opt.ZeroGrad()
//	}
package optim
