// Package benchunet is bench-unet, the reference benchmark denoiser: the
// classic DDPM U-Net (Ho et al. 2020) cut to Fashion-MNIST size, layer for
// layer as specified in bench/UNET_SPEC.md and implemented in PyTorch by
// the peer benchmark torch_unet_bench.py.
//
// The model maps a batch of noisy images x: (N, 1, 28, 28), time steps t
// (N values in 0..999, as float32 through the sinusoidal features) and
// class labels y (N values in 0..9, 10 = the null class) to the predicted
// noise ε: (N, 1, 28, 28). Channels per level are (32, 64, 128) at
// resolutions (28, 14, 7), with two ResBlocks per encoder level, three per
// decoder level and single-head attention at resolution 7. Parameters carry
// PyTorch's names in PyTorch's registration order (247 tensors, 3,940,801
// values; 246 and 3,939,393 unconditional), so a state dict exported from
// the reference loads by name.
//
//	m := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(0))
//	g := autograd.New()
//	eps := m.Forward(g, autograd.NewVar(x), t, y) // x: (N, 1, 28, 28)
//	loss := g.MSE(eps, autograd.NewVar(noise))
//	err := g.Backward(loss)
package benchunet
