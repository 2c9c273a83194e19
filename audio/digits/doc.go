// Package digits makes and reads the spoken-digit data set: the words
// "zero" … "nine" spoken by espeak-ng voices, trimmed of silence and
// centred in exactly 1 s at 8 kHz, 16-bit mono, in the spirit of SC09 (the
// digits of the Speech Commands set that DiffWave, Kong et al. 2021,
// generates unconditionally).
//
// A voice is an espeak-ng language and voice variant, "en-us+f3" or
// "de+croak"; voices of other languages speak the English words with their
// own phonetics, which widens the accents. Every clip draws its pitch
// (espeak-ng -p, 0–99), speed (-s, words per minute) and amplitude (-a)
// from a seeded generator. Voices, not clips, are split into train,
// validation and test (SplitVoices), so no test voice is ever heard in
// training. Generate writes the clips and a manifest, manifest.csv, with
// the columns file, digit, voice, pitch, speed, amplitude, split and cut
// (whether the utterance was longer than 1 s and had to be cut); file is
// relative to the manifest's directory.
//
// Generate shells out to espeak-ng (the Debian package espeak-ng) and does
// the rest in Go: resampling with audio.Resample, trimming with Trim,
// centring with Fit. It runs at most two espeak-ng processes at a time.
//
//	clips, err := digits.Generate(ctx, digits.Options{Dir: "data/digits", Seed: 1})
//	…
//	x, labels, clips, err := digits.Load("data/digits", digits.Train, 0) // x: (16000, 1, 8000)
package digits
