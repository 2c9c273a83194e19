// Package mlp is a small denoising MLP for low-dimensional data (the 2-D
// benchmark sets of data.Toy2D), with the EDM preconditioning of Karras
// et al. (2022) so that it predicts x0 in the samplers' σ view
// x = x0 + σ·ε.
//
// A Model maps points (N, D) and a noise level σ to x0 (N, D); it is a
// sampler.Denoiser and, when built with Classes > 0, a
// diffusion.CondDenoiser whose label Classes is the null class that
// classifier-free guidance (diffusion.Guided) uses as "unconditional".
// Train fits it with Adam on the EDM loss, σ drawn log-normally; the same
// seed gives the same weights.
//
//	rng := tensor.NewRNG(1)
//	x, _, _ := data.Toy2D("moons", 4000, rng)
//	m, _ := mlp.New(mlp.Config{}, rng)
//	if _, err := mlp.Train(ctx, m, x, nil, mlp.TrainConfig{Seed: 2}); err != nil {
//		return err
//	}
//	sigmas := schedule.KarrasSigmas(20, 0.002, 80, 7)
//	xT := sampler.InitialNoise(rng, 80, 1, 1000, 2)
//	samples, err := sampler.Run(ctx, &sampler.DPMPP2M{}, m, xT, sigmas, rng, nil)
//
// The benchmark table in docs/samplers.md is made by this package's
// tests; see that page for the command.
package mlp
