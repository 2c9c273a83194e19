// Package audio holds diffusego's sound: the Audio type, WAV files in and
// out, and conversion to the sample rate and channel count a model wants.
// The signal processing, the spoken-digit data set, noise, metrics and
// denoising baselines live in its sub-packages:
//
//   - audio/dsp: short-time Fourier transform and its inverse, mel
//     filterbanks (Slaney) and log-mel spectrograms, Griffin–Lim phase
//     reconstruction, spectrogram PNG grids;
//   - audio/digits: the spoken-digit data set (espeak-ng voices saying
//     "zero" … "nine", 1 s at 8 kHz), its manifest and voice-disjoint split;
//   - audio/noise: white, pink and babble noise, mixed at an exact SNR;
//   - audio/quality: SI-SDR and its improvement, segmental SNR and
//     log-spectral distance;
//   - audio/enhance: the denoising baselines (spectral subtraction, a
//     decision-directed Wiener filter, sox noisered).
//
// An Audio holds float64 samples in [-1, 1], one slice per channel
// (channel-major, not interleaved), at Rate samples per second. ReadFile
// reads RIFF/WAVE files with 8-, 16-, 24- or 32-bit integer PCM or 32- or
// 64-bit IEEE float samples (plain or WAVE_FORMAT_EXTENSIBLE), 1 to
// MaxChannels channels at any rate from 1 Hz to 2²⁴ Hz; WriteFile writes 16-bit PCM
// or 32-bit float, optionally with a LIST/INFO chunk that carries the
// settings that made the file (SettingsInfo, ParseSettings). Every
// malformed file is refused with a *FormatError naming the file, the byte
// offset and field, and what was expected; nothing is written on error
// (files are replaced atomically).
//
// Conform converts audio to a model's rate and channel count (windowed-sinc
// resampling with a Kaiser window, and a mean downmix) and returns a
// sentence saying what it did, for the command line to print; it refuses
// what it cannot do sensibly (for example 5 channels to 2).
//
//	a, err := audio.ReadFile("speech.wav")
//	if err != nil {
//		return err
//	}
//	a, note, err := audio.Conform(a, 8000, 1)
//	if err != nil {
//		return err
//	}
//	if note != "" {
//		fmt.Printf("speech.wav: %s\n", note) // downmixed 2 channels → 1 (mean); resampled 44100 Hz → 8000 Hz (…)
//	}
//	err = audio.WriteFile("speech-8k.wav", a, audio.PCM16, audio.SettingsInfo(map[string]string{"seed": "1"}))
package audio
