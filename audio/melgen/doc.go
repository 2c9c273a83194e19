// Package melgen generates spoken digits by diffusion on log-mel
// spectrograms: the clips become small log-mel images, the image U-Net of
// package pipeline learns them class-conditionally (with the null class of
// classifier-free guidance), and a vocoder that needs no training turns a
// sampled image back into a waveform.
//
// The image (Spec) is the digit classifier's (package audio/classifier):
// a 512-point STFT with hop 256 over the 8,000 samples of a 1-s clip at
// 8 kHz (32 frames), 32 Slaney mel bands over 0–4 kHz, in dB relative to
// the clip's loudest cell, clipped RangeDB below it and mapped linearly to
// [−1, 1]; row b is band b (low first), column t frame t. The scaling is
// stored in every checkpoint (MetaKey), so a model says how to read its
// images back. NewTrainer trains a Generator on the images of the data
// set's training clips with the recipe of the shipped Fashion-MNIST model
// (Objective: ε target, min-SNR-5 weighting, label dropout 0.1).
//
// The vocoder (Vocode) inverts each step: dB to relative mel power, mel
// power to linear power by the Moore–Penrose pseudo-inverse of the
// filterbank (negative values set to zero), its square root as the STFT
// magnitude, optionally interpolated to a finer hop, then Griffin–Lim
// (Griffin and Lim 1984; dsp.GriffinLim) from seeded random phases. What
// the vocoder loses is measured by passing real clips through it
// (the "ceiling" row of docs/audio.md).
package melgen
