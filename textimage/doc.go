// Package textimage is latent text-to-image diffusion (Rombach et al.
// 2022): a U-Net with cross-attention (models/unet with ContextDim)
// denoises the scaled latents of a KL autoencoder (models/autoencoder),
// conditioned on a prompt through a character-level text encoder
// (models/textenc) trained jointly with it, with classifier-free
// guidance learned by caption dropout (Ho & Salimans 2022).
//
// It is its own top-level package, an application over the models: it
// joins three of them, the emoji data and the diffusion maths, and it is
// what `diffuse train --latent` and `diffuse sample --prompt` would call.
//
// Model: Net is a train.Network whose "labels" index a prompt table, so
// the existing objective (train.Objective, caption dropout as label
// dropout to index 0) and the existing guidance (diffusion.Guided over a
// diffusion.VPDenoiser) run unchanged. Index 0 is the null prompt "";
// at sampling it holds the negative prompt when one is given, so guidance
// pushes away from it: x0 = x0_neg + w·(x0_prompt − x0_neg).
//
// A saved model is a folder: unet.json and unet.safetensors, the text
// encoder's files under text/, and latent.json recording the autoencoder's
// SHA-256. Load refuses an autoencoder with another hash.
package textimage
