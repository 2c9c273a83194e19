// Package restore turns any diffusion denoiser into image restoration and
// anomaly-detection tools: denoising by starting the reverse process at
// the noise level of the input, RePaint inpainting with resampling, the
// conditioning inputs of super-resolution, and reconstruction-error
// anomaly scores with threshold selection.
//
// Everything works through sampler.Denoiser, which predicts x0 from
// x = x0 + σ·ε (the variance-exploding view of Karras et al. 2022), so the
// algorithms are tested on the exact Gaussian denoisers of package oracle
// and run unchanged on a trained network. Images are tensors
// (N, C, H, W) with values in [−1, 1]. An image with additive Gaussian
// noise y = x + σ_n·z is, in this view, exactly the diffusion state at
// σ = σ_n, whatever schedule the model was trained with.
//
// Detector runs both anomaly scores of a trained image model (pipeline)
// — reconstruction error and the ELBO in bits per dimension — over a
// batch, after checking the images against the model; PickThresholds and
// WriteAnomalyCSV turn the scores into flags (docs/anomaly.md).
//
// Masks (type Mask) mark known pixels with true; they apply to every
// channel and every image of a batch.
//
//	sigma, _ := restore.EstimateSigma(noisy)           // per image
//	clean, _ := restore.Denoise(ctx, model, noisy, sigma[0], restore.DenoiseOptions{Samples: 8})
//	m, _ := restore.CenterBox(28, 28, 0.5)
//	filled, _ := restore.Inpaint(ctx, model, img, m, restore.InpaintOptions{})
//
// Randomness comes only from the Seed fields: the same seed gives the same bits.
package restore
