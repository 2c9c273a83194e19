// Package specenh is score-based speech enhancement on the short-time
// Fourier transform, in the style of SGMSE+ (Richter et al. 2023, "Speech
// enhancement and dereverberation with diffusion-based generative models")
// at CPU scale: a conditional diffusion model over the amplitude-compressed
// STFT magnitude of the clean speech, with the noisy recording's
// compressed magnitude as the condition, sampled with x₀ prediction so
// that a few steps give the posterior mean, and the noisy phase.
//
// The spectrogram image (Spec, Codec): a 256-point STFT with hop 128 at
// 8 kHz; the magnitude of bins 0…127 compressed as c = β·|X|^α (α = ½,
// β = 0.2; SGMSE+ uses 0.15 on louder STFTs) and mapped to v = 2c − 1, clipped to [−1, 1]; the
// even bins in channel 0 and the odd bins in channel 1 (a squeeze along
// frequency, as WaveGlow squeezes time), so that a 1-s clip is a 2×64×64
// image, frame t in column t (63 frames; column 63 is silence). The
// waveform comes back through the inverse STFT with the noisy phase; the
// Nyquist bin keeps the noisy value scaled by the gain of bin 127.
//
// The model (DefaultModel) is the image pipeline's U-Net as a paired
// image-to-image model (pipeline.Cond, TaskPaired): x_t and the noisy
// image are concatenated (4 channels in, 2 out), trained on clean training
// clips with noise drawn afresh at every step (Task: white, pink, or babble
// of other training utterances, at an SNR uniform in [−5, 20] dB, mixed
// exactly by noise.Mix). Enhancer.Enhance averages posterior samples drawn
// with any sampler of diffusion/sampler; Method puts it in the tables of
// audio/enhance.
//
// Why the magnitude with the noisy phase, not the complex STFT of SGMSE+:
// at this project's budget (well under an hour of one CPU core) a model of
// the magnitude learns a smooth, non-negative image that a small U-Net
// fits in a few thousand steps, while the complex STFT asks it to learn
// phase as well, which SGMSE+ does with 65 M parameters and days on GPUs.
// The noisy phase bounds what can be gained (at 0 dB the oracle magnitude
// with the noisy phase still scores well above the baselines), and the
// image is half the size of the complex one.
package specenh
