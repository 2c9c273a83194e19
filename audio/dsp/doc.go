// Package dsp is the signal processing under diffusego's audio models: the
// short-time Fourier transform and its inverse, mel filterbanks and log-mel
// spectrograms, Griffin–Lim phase reconstruction, and PNG grids of
// spectrograms.
//
// Signals are []float64 at some rate; a spectrogram is [][]complex128
// indexed (frame, bin) with N/2+1 bins from 0 Hz to the Nyquist frequency,
// from gonum's real FFT (gonum.org/v1/gonum/dsp/fourier). Frames are
// centred: frame t covers samples t·Hop − N/2 … t·Hop + N/2 − 1, with zeros
// outside the signal, so a signal of n samples has n/Hop + 1 frames and
// every sample is covered. The window is the periodic Hann window; with
// Hop ≤ N/2 the inverse (weighted overlap-add divided by the summed squared
// window) reconstructs the signal to rounding error.
//
// Mel filters follow Slaney's Auditory Toolbox (librosa's default, htk=False,
// norm="slaney"): the mel scale is linear below 1 kHz (200/3 Hz per mel) and
// logarithmic above (27 mels per factor 6.4), and each triangular filter is
// scaled to unit area (2/(f_hi − f_lo)). LogMel takes the natural log of
// the mel magnitudes, floored at a given value.
//
//	s, err := dsp.NewSTFT(256, 64) // 32 ms frames, 8 ms hop at 8 kHz
//	if err != nil {
//		return err
//	}
//	spec := s.Forward(x)                           // (frames, 129) complex
//	mel, err := dsp.NewMel(80, 256, 8000, 0, 4000) // 80 Slaney filters
//	if err != nil {
//		return err
//	}
//	logmel := mel.LogMel(dsp.Magnitude(spec), 1e-5) // (frames, 80)
//	y := s.Inverse(spec, len(x))                    // x again, to rounding
package dsp
