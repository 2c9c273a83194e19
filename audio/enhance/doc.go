// Package enhance holds the classical speech-denoising baselines that
// diffusego's diffusion denoisers are compared against: power spectral
// subtraction with over-subtraction and a spectral floor (Boll 1979;
// Berouti, Schwartz and Makhoul 1979), a Wiener filter with the
// decision-directed a priori SNR (Ephraim and Malah 1984; Scalart and
// Filho 1996), and sox's noisered effect given a noise profile.
//
// Every baseline is a Method: Denoise takes the noisy signal, its rate and
// optionally a noise signal. Given the noise, spectral subtraction and the
// Wiener filter use its mean power spectrum (an oracle noise PSD) and sox
// builds its profile from it; without it, the first two estimate the noise
// PSD from the first frames of the noisy signal (which must then start
// with noise only, as the spoken digits do: they are centred in 1 s), and
// sox refuses.
//
// Evaluate scores methods on test cases (DigitCases: held-out voices of
// the spoken-digit set with white and babble noise) at chosen SNRs; a new
// denoiser that implements Method is measured on the same clips and noise
// as the baselines by adding an Entry.
//
// The STFT is 256-point periodic Hann frames with a 64-sample hop (32 ms
// and 8 ms at 8 kHz), resynthesised with the noisy phase.
//
//	m := enhance.Wiener{}
//	clean, err := m.Denoise(noisy, 8000, nil) // noise PSD from the first frames
package enhance
