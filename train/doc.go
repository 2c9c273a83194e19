// Package train fits models: any Task (parameters and a per-step loss),
// and for images the denoising objective (noise a batch at
// random timesteps of a discrete VP schedule and regress ε, x_0 or v with
// a chosen weighting), step-indexed minibatches, AdamW with warm-up,
// clipping and a weight EMA, progress lines, and checkpoints that resume
// exactly.
//
// Everything random about step s (its batch, timesteps, noise, label and
// unit dropout) is derived from the seed and s alone, so a run can stop
// after any step and resume from its checkpoint with the same bits:
//
//	tr, _ := train.New(net, &train.Objective{Schedule: s, Target: diffusion.Eps,
//		Weighting: diffusion.Uniform}, batches, train.Options{Steps: 2000, LR: 2e-4})
//	err := tr.Run(ctx)
//	_ = tr.Save("run/step-002000.safetensors", nil)
//
// A checkpoint is one safetensors file: the parameters under their own
// names, the EMA under "ema.", AdamW's moments under "adam.", the loss
// history and step count under "train.".
package train
