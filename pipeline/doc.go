// Package pipeline joins a trained image U-Net, its noise schedule and its
// prediction target into something that generates images: load a
// checkpoint (EMA or raw weights), pick a sampler, a step count, a seed,
// a temperature, classes and a guidance scale, and get a batch of images
// in [−1, 1], the same bits for the same settings.
//
//	p, err := pipeline.Load("runs/fashion/ckpt-002000.safetensors", true)
//	x, err := p.Generate(ctx, pipeline.Options{N: 16, Labels: labels, Guidance: 3,
//		Sampler: sampler.Spec{Name: "dpmpp2m", Steps: 20}, Seed: 1})
//
// A checkpoint is a safetensors file whose header holds the Model (U-Net
// configuration, schedule, target) as JSON under ConfigKey, so the file
// alone says how to sample it.
package pipeline
