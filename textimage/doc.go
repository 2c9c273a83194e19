// Package textimage is prompt-conditioned image diffusion, in pixel space
// or in the latent space of an autoencoder (latent diffusion, Rombach et
// al. 2022): a U-Net with cross-attention (models/unet with ContextDim)
// denoises either the images or the scaled latents of a KL autoencoder
// (models/autoencoder), conditioned on a prompt through a character-level
// text encoder (models/textenc) trained jointly with it, with
// classifier-free guidance learned by caption dropout (Ho & Salimans
// 2022). The two spaces share everything but the space, so they compare
// at an equal budget.
//
// It is its own top-level package, an application over the models: it
// joins three of them and the diffusion maths, and it is what `diffuse
// train --latent` (or --text for pixel space) and `diffuse sample
// --prompt` call.
//
// Model: Net is a train.Network whose "labels" index a prompt table, so
// the existing objective (train.Objective, caption dropout as label
// dropout to index 0), trainer (train.Trainer: EMA, schedules, exact
// resume) and guidance (diffusion.Guided over a diffusion.VPDenoiser) run
// unchanged. Index 0 is the null prompt ""; at sampling it holds the
// negative prompt when one is given, so guidance pushes away from it:
// x0 = x0_neg + w·(x0_prompt − x0_neg).
//
// A model folder holds textimage.json (the Spec), training checkpoints
// ckpt-NNNNNN.safetensors (the U-Net's and the text encoder's parameters,
// "text." before the latter's names, with the Spec in the metadata) and,
// for a latent model, its autoencoder under autoencoder/. The Spec records
// the autoencoder's SHA-256; Load refuses any other autoencoder, and a
// latent model without one.
//
// Train runs a whole training run into such a folder from any captioned
// Pictures (the emoji set, or a user's folder through data.Captioned).
// Export turns a checkpoint into one sampling-only file that is the whole
// model (EMA weights, Spec, and the autoencoder's weights and config);
// Load and LoadBytes read it, and LoadShipped reads the one built into the
// binary (models/shipped):
//
//	m, err := textimage.LoadShipped("")
//	if err != nil {
//		return err
//	}
//	x, err := m.Sample(ctx, []string{"red apple"}, textimage.SampleOptions{Guidance: 4, Seed: 1})
//	// x: (1, 3, 64, 64) in [-1, 1]
package textimage
