// Package quality scores denoised speech against the clean reference: the
// scale-invariant signal-to-distortion ratio (SI-SDR) and its improvement
// over the noisy input, segmental SNR, and log-spectral distance. All take
// the estimate first and the reference second, as float64 samples of equal
// length at the same rate; all are in dB.
//
//   - SISDR follows Le Roux, Wisdom, Erdogan and Hershey, "SDR – half-baked
//     or well done?" (ICASSP 2019): both signals are made zero-mean, the
//     reference is scaled to best fit the estimate, and the rest is error.
//     Higher is better; an exact (scaled) copy gives +Inf.
//
//   - SegSNR is the frame-wise SNR averaged over frames, each frame clamped
//     to [−10, 35] dB as is usual (Hansen and Pellom 1998; Hu and Loizou
//     2008), so silent and perfect frames do not dominate. Higher is better.
//
//   - LSD is the log-spectral distance: per frame, the RMS over frequency
//     bins of the difference of the log power spectra in dB, averaged over
//     frames, with both spectra floored 80 dB below the reference's loudest
//     bin. Lower is better; 0 is a perfect match.
//
//     sdr, err := quality.SISDR(denoised, clean)
//     gain, err := quality.SISDRi(denoised, noisy, clean) // dB better than the input
package quality
