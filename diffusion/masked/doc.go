// Package masked is absorbing-state (masked) discrete diffusion for token
// sequences of any kind (characters, words, codes of audio or images): MDLM
// (Sahoo et al. 2024, "Simple and Effective Masked Diffusion Language
// Models"), which is the absorbing-state D3PM of Austin et al. (2021) in
// continuous time, as also derived by Shi et al. (2024, MD4).
//
// Tokens are ints: the real tokens are 0..V−1 and the mask m is V. A batch
// is b·l ids in row-major (B, L) order, and a Denoiser returns logits over
// the V real tokens, (B, L, V) row-major float32; the mask is never
// predicted.
//
// The forward process masks each token independently:
//
//	q(z_t | x) = Cat(z_t; α_t·x + (1 − α_t)·m),
//
// with α_t the probability that a token is still clean at t ∈ [0, 1]
// (Schedule: Linear α_t = 1 − t, the default; LogLinear; Cosine). Once
// masked, a token stays masked. The reverse step from t to s < t keeps
// every unmasked token and, at a masked position, is
//
//	p_θ(z_s | z_t) = Cat(z_s; ((1 − α_s)·m + (α_s − α_t)·x_θ(z_t, t)) / (1 − α_t)),
//
// where x_θ is the softmax of the denoiser's logits: unmask with
// probability (α_s − α_t)/(1 − α_t), to a token drawn from x_θ (Sampler).
// The negative ELBO is, in continuous time (Sahoo et al. 2024),
//
//	NELBO(x) = ∫₀¹ −α'_t/(1 − α_t) · E_{q(z_t|x)} [ Σ_{j: z_t,j = m} −log x_θ(z_t, t)_{j, x_j} ] dt,
//
// a weighted cross-entropy on the masked positions, with weight 1/t for the
// linear schedule. Training draws stratified times in [ε, 1] (Corrupt) and
// feeds the per-token weights of LossWeights to a weighted cross-entropy,
// which gives the project's loss in nats per token (TEXT_SPEC, "The
// training loss"); NLLBound estimates the NELBO over the whole of (0, 1]
// to evaluate a model, in nats per token (BitsPerChar for bits per
// character), and NLLBoundInfill the bound on held-out gaps.
//
// Training on a batch (the cross-entropy comes from the caller's autograd):
//
//	p := masked.Process{V: 128}
//	z, t, _ := p.Corrupt(x0, b, l, rng)       // z: (B, L), t: (B)
//	w, _ := p.LossWeights(z, x0, t, b, l)     // (B·L): 1/(t_i·B·L) where masked
//	// loss = Σ w · CE(model(z, t), x0)
//
// Sampling 16 sequences of 256 tokens in 128 steps, then 4096 tokens in
// blocks of 128, each conditioned on the 128 tokens before it:
//
//	s := masked.Sampler{V: 128, Steps: 128, TopP: 0.9}
//	res, _ := s.Sample(ctx, model, nil, 16, 256, rng, nil) // res.Tokens: (16, 256)
//	long, _ := s.GenerateLong(ctx, model, prompt, 16, 256, 4096, 128, rng, nil)
//
// A prompt or the characters around a gap are passed in z0 with every
// other position masked; they come back unchanged.
//
// The tests check the sampler and the bound against oracle.Sequences, the
// exact denoiser of a tabulated distribution of short sequences: the
// sampler reproduces the distribution and its conditionals, and the bound
// equals −log p(x) (the ELBO of masked diffusion is tight for the true
// conditionals: Ou et al. 2024).
package masked
