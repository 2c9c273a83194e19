// Package diffusion is the Gaussian diffusion core: the forward process
// q(x_t | x_0), the closed-form posterior q(x_{t−1} | x_t, x_0), conversions
// between the three prediction targets (ε, x_0 and v), and per-step loss
// weights. It follows Ho et al. (2020, "DDPM"), Nichol & Dhariwal (2021),
// Salimans & Ho (2022) for v, and Hang et al. (2023) for min-SNR-γ weighting.
//
// Tensors are batches: axis 0 is the batch item and every function that
// mixes tensors takes one ᾱ per item (alphaBar[i] for x[i, …]), so a
// training batch can draw a different step t for each item. Schedule values
// (ᾱ, β, SNR) are float64 and come from package schedule; tensor data stays
// float32, with the per-item coefficients computed in float64.
//
// Likelihoods: ELBO bounds the negative log-likelihood of 8-bit data in
// bits per dimension with a discretised Gaussian decoder (Ho et al. 2020,
// §3.3), and ODELikelihood computes log p(x) exactly through the
// probability-flow ODE with an exact or Hutchinson trace (Song et al. 2021;
// Grathwohl et al. 2018). Both take any sampler.Denoiser. Loss and VLBLoss
// are the training losses on an autograd graph: the weighted denoising MSE
// and the variational-bound term for models that learn their variance
// (Nichol & Dhariwal 2021).
//
// Example: one noisy training batch with ε as the target.
//
//	s := schedule.NewCosine(1000, 0.008)
//	rng := tensor.NewRNG(1)
//	ab := make([]float64, n)
//	for i := range ab {
//		ab[i] = s.AlphaBar(rng.Intn(1000))
//	}
//	eps := rng.Randn(x0.Shape...)
//	xt := diffusion.QSample(x0, eps, ab) // the model sees xt and predicts eps
package diffusion
