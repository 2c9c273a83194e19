// Package transformer is a configurable transformer over token sequences:
// the denoiser of masked (absorbing-state) diffusion on text, as in MDLM
// (Sahoo et al. 2024), with DiT-style adaLN time conditioning (Peebles &
// Xie 2023), and, without time conditioning and with a causal mask, the
// plain pre-LayerNorm decoder of an autoregressive baseline (GPT-2,
// Radford et al. 2019).
//
// Tokens (B, L) are embedded (tok_emb, Config.Vocab rows, the mask token
// included), a learned position embedding pos_emb (MaxLen, D) is added
// (unless Rotary, whose attention gets positions from rotating q and k
// instead), Layers blocks follow, and a final LayerNorm and Linear head
// give logits (B, L, Out). With TimeCond, t ∈ [0, 1] per sequence goes
// through 128 sinusoidal features of 1000·t and an MLP (t_fc1, SiLU,
// t_fc2) to c; SiLU(c) feeds every block's adaLN Linear (ada: shift,
// scale and gate of the attention and of the MLP) and the final one
// (ada_out: shift, scale). The LayerNorms then have no affine parameters
// (eps 1e-6); without TimeCond they have them, and the blocks are
// x += attn(norm1(x)), x += mlp(norm2(x)). The MLP is D → 4D → D with the
// exact GELU.
//
// Bench() is bench-text, the sequence benchmark network of
// ../shared/bench/TEXT_SPEC.md (d 256, 6 blocks, 4 heads, length 256,
// 129 input tokens, 128 logits): 7,462,784 parameters in 70 tensors, with
// the spec's parameter names and order (pos_emb, tok_emb.weight,
// t_fc1.weight, …, blocks.3.mlp_fc1.weight, …, head.bias), so PyTorch's
// weights load directly; the package's reference test checks logits,
// block outputs, loss and gradients against PyTorch's.
//
//	m, err := transformer.New(transformer.Bench(), tensor.NewRNG(1))
//	g := autograd.New()
//	logits := m.Forward(g, tokens, b, l, t) // tokens: b·l ids, t: b times → (b, l, 128)
//	loss := g.WeightedCrossEntropy(g.Reshape(logits, b*l, 128), x0, w)
//	err = g.Backward(loss)
//
// Configs are JSON (the Config field tags), saved beside the weights by
// Save and checked by Validate before a model is built.
package transformer
