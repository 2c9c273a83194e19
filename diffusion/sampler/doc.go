// Package sampler draws samples from a diffusion model by integrating the
// reverse process from a high noise level down to σ = 0.
//
// Everything is written in the σ (EDM, variance-exploding) parameterisation
// of Karras et al. (2022): x = x0 + σ·ε, and a Denoiser predicts x0 from x
// at noise level σ. A discrete VP schedule maps in through
// σ_t = √((1−ᾱ_t)/ᾱ_t) and x_VE = x_VP/√ᾱ_t (DiscreteSigmas); continuous
// grids come from schedule.KarrasSigmas. A grid is descending and ends in 0.
//
// Each sampler is one small type behind the Sampler interface, whose Step
// moves x from sigmas[i] to sigmas[i+1]; Run owns the loop, the context
// checks and the trajectory callback:
//
//	sigmas := schedule.KarrasSigmas(18, 0.002, 80, 7)
//	x := sampler.InitialNoise(rng, sigmas[0], 1, n, d) // x: (N, D)
//	x, err := sampler.Run(ctx, sampler.Heun{}, model, x, sigmas, rng, nil)
//
// The samplers: Euler and Heun (Karras et al. 2022, Alg. 2 without churn),
// DDIM (Song et al. 2021) with its η, DDPM ancestral sampling (Ho et al.
// 2020) and DPM-Solver++(2M) (Lu et al. 2022). Temperature scales the
// initial noise (InitialNoise) and the noise the stochastic samplers inject.
//
// The score-SDE family (Song et al. 2021, "Score-based generative modeling
// through SDEs") uses the score ∇log p_σ(x) = (x0 − x)/σ² of the same
// denoiser: VESDE and VPSDE are Euler–Maruyama steps of the reverse SDEs,
// each with an optional Langevin corrector (predictor–corrector sampling),
// and PFODE integrates the probability-flow ODE with the adaptive
// Dormand–Prince solver (DormandPrince), counting its evaluations:
//
//	x, err := sampler.Run(ctx, sampler.VESDE{Corrector: sampler.Langevin{Steps: 1, SNR: 0.16}}, model, x, sigmas, rng, nil)
//	ode := &sampler.PFODE{RTol: 1e-5, ATol: 1e-5}
//	x, err = sampler.Run(ctx, ode, model, x, []float64{80, 0.002, 0}, nil, nil) // ode.NFE evaluations
//
// Denoiser wrappers change the prediction before a sampler sees it:
// Thresholded clips x0 to [−1, 1] and DynamicThresholded rescales each item
// by a quantile of |x0| (Saharia et al. 2022, §2.3).
package sampler
