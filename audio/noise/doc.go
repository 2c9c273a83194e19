// Package noise makes the noisy speech of diffusego's denoising tasks:
// white, pink and babble noise, mixed with clean speech at an exact
// signal-to-noise ratio, and Training, which draws a denoiser's training
// noise afresh for every clip (TrainingSet: with the clips it mixes).
//
// SNR is 10·log₁₀(Σ s² / Σ n²) in dB over the whole clip, s the clean
// signal and n the noise as added. Mix scales the noise so that this equals
// the target exactly (to floating-point rounding, far below 1e-6 dB), in
// float64; quantising the result to 16 bits would move it, so noisy clips
// that must keep their SNR are written as 32-bit float WAV.
//
//	rng := tensor.NewRNG(1)
//	n := noise.Pink(len(clean), rng)
//	noisy, scaled, err := noise.Mix(clean, n, 5) // 5 dB
//	// noise.SNR(clean, scaled) == 5 (to rounding); noisy = clean + scaled
package noise
