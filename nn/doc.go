// Package nn holds diffusego's layers: Linear, Conv2d, Conv1d, GroupNorm,
// LayerNorm (with or without affine parameters), Embedding, GELU,
// attention (MultiHeadAttention; SelfAttention with one fused qkv
// projection, an optional causal mask and rotary position embedding;
// CrossAttention with a fused kv projection), the transformer pieces of
// DiT-style models (Modulate for adaLN, the learned PositionEmbedding),
// the sinusoidal time embedding, and containers.
//
// A layer is a struct of *Param fields with a Forward method that takes
// the graph to record on (autograd.New() for training, autograd.NoGrad()
// for sampling). Every parameter has a stable dotted name given at
// construction (`down.1.res.0.conv1.weight`), which is its name in
// checkpoints. Initialisation matches PyTorch's defaults.
//
//	rng := tensor.NewRNG(0)
//	fc := nn.NewLinear("head", 128, 10, true, rng) // head.weight (10, 128), head.bias (10)
//	y := fc.Forward(autograd.NoGrad(), x)          // x: (N, 128) → y: (N, 10)
package nn
