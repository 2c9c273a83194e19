// Package classifier is the spoken-digit classifier that scores generated
// and denoised audio: a small CNN (models/classifier) on log-mel
// spectrograms of 1 s clips at 8 kHz. Its predictions give the class
// accuracy of class-conditional samples, and its hidden layer is the
// feature space of the Fréchet distance between sample sets, as the
// Fashion-MNIST classifier is for images.
//
// Features: a 512-point STFT (64 ms, periodic Hann) with hop 256 gives 32
// frames of 1 s; a 32-band Slaney mel filterbank over 0–4 kHz on the power
// spectrum gives a 32×32 image, which is taken in decibels relative to the
// clip's loudest cell, clipped at −80 dB and mapped to [0, 1]. The image is
// therefore independent of the clip's level, so that samples are judged on
// what they say, not how loud they are.
//
// A trained network ships in weights/digits.safetensors (Load), made by
//
//	go run ./audio/classifier/internal/mkclassifier -data out/digits1
//
// whose recipe and held-out accuracy are in its metadata (Meta).
//
//	c, _ := classifier.Load()
//	pred, _ := c.Predict(clips)     // clips: (N, 1, 8000)
//	feats, _ := c.Embed(clips)      // (N, 128) for metrics.FrechetDistance
package classifier
