// Package autoencoder is the KL-regularised convolutional autoencoder of
// latent diffusion (Rombach et al. 2022, "High-Resolution Image Synthesis
// with Latent Diffusion Models", §3.1 and appendix G): an encoder maps an
// image x: (N, 3, H, W) in [-1, 1] to a diagonal Gaussian q(z|x) =
// N(μ, σ²) over latents z: (N, Latent, H/f, W/f), f = 2^len(Mults), and a
// decoder maps z back to an image. Diffusion then runs on z·Scale, where
// Scale makes the latents unit-variance on the training data (the paper's
// scale factor), so the noise schedules made for pixels fit.
//
// Training minimises, per image,
//
//	L = ‖x − D(z)‖₁/(3HW) + β·KL(q(z|x) ‖ N(0, I))/(3HW),   z = μ + σ·ε
//	KL = ½ Σ (μ² + σ² − 1 − log σ²)
//
// L1 rather than L2: it is the paper's pixel term, and on flat-coloured
// pictures with sharp outlines (emoji) squared error blurs edges to the
// mean, while L1 keeps them (the median). The paper adds a perceptual
// (LPIPS) and a patch-adversarial term; neither network exists here, so
// this autoencoder is L1 + KL only, which keeps it honest but softer. β is
// small (1e-4 by default; the paper uses 1e-6 with its larger latents):
// the KL only keeps the latent space from drifting to large values.
//
// A model is saved as two files: DIR/autoencoder.safetensors (the
// weights) and DIR/autoencoder.json (the Config plus the weights' SHA-256,
// Hash). A latent diffusion checkpoint records that hash; loading it with a
// different autoencoder is refused (CheckHash).
//
//	ae := autoencoder.New(autoencoder.Small(), 1)
//	z, err := ae.Encode(x)       // mean latents, scaled
//	y, err := ae.Decode(z)       // images in [-1, 1]
package autoencoder
