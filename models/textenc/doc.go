// Package textenc is the prompt encoder of text-to-image diffusion: a
// small character-level transformer (models/transformer, bidirectional,
// plain pre-LN, learned positions) over a vocabulary built from the
// training captions, trained jointly with the denoiser (as Imagen and
// latent diffusion's LDM-KL-8-G train their text encoder from scratch
// when no pretrained one is used).
//
// Model: a prompt becomes ids [CLS, c₁, …, cₙ, PAD, …] of length MaxLen+1
// (id 0 is PAD, 1 is CLS, characters from 2). Encode returns the context
// (B, MaxLen+1, D) that the denoiser's cross-attention reads, and the
// pooled vector (B, D), the output at CLS, that is added to its time
// embedding. The empty prompt "" is the null caption of classifier-free
// guidance (Ho & Salimans 2022): training drops captions to "".
//
// Input policy, stated once here and enforced by Tokenize:
//
//   - upper-case letters are mapped to lower case (captions are lower
//     case); any other character outside the vocabulary is refused, with
//     an error naming the character and its position, never dropped;
//
//   - a prompt longer than MaxLen characters is refused, not truncated,
//     with an error giving both lengths: a silently cut prompt would
//     generate something the user did not ask for.
//
//     v, err := textenc.NewVocab(captions, 48)
//     ids, err := v.Tokenize([]string{"red apple"})
package textenc
