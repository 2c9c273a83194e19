// Package unet is the configurable image U-Net of DDPM (Ho et al. 2020)
// and ADM (Dhariwal & Nichol 2021): a noise-prediction network for images
// of any size that halves evenly through its levels (28 → 14 → 7 for
// Fashion-MNIST).
//
// A Config fixes the widths (Channels·ChannelMult[i] at level i, which
// works at ImageSize/2^i), the ResBlocks per level, where self-attention
// runs, the GroupNorm groups, dropout and the number of classes. The time
// (noise-level) input goes through sinusoidal features of width Channels
// and an MLP to an embedding of width 4·Channels; with Classes > 0 a class
// embedding of Classes+1 rows is added to it, the last row being the null
// class that classifier-free guidance uses for the unconditional half.
// Every ResBlock adds a projection of SiLU(embedding) to its features.
//
// Parameters have stable dotted names (temb.fc1.weight,
// down.1.res.0.conv1.weight, mid.attn.qkv.weight, up.0.res.2.skip.bias,
// out.conv.weight …); the "bench" preset has exactly the names and shapes
// of models/benchunet, the benchmark network. Configs are JSON
// (checkpoint.WriteJSON / ReadJSON) and checked by Validate before a model
// is built.
//
// Forward is Decode after Encode: Encode runs the embedding, the encoder
// and the middle block and returns the skip stack and the bottleneck;
// Features returns only the bottleneck, for similarity search and other
// uses of the network as a feature extractor, without running the decoder.
//
//	cfg, _ := unet.Preset("small")
//	cfg.Classes = 0                    // unconditional
//	m, err := unet.New(cfg, tensor.NewRNG(1))
//	g := autograd.New()
//	eps := m.Forward(g, autograd.NewVar(x), t, nil) // x: (N, 1, 28, 28)
//	err = g.Backward(g.MSE(eps, autograd.NewVar(noise)))
package unet
