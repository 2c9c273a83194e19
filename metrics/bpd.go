package metrics

import "math"

// Level8Bit is the width of one 8-bit level in the data package's pixel
// scale: pixel/127.5 − 1 maps 0…255 onto [−1, 1], so neighbouring levels
// are 1/127.5 apart.
const Level8Bit = 1 / 127.5

// BitsPerDim converts a negative log-likelihood in nats of one sample with
// dims dimensions into bits per dimension, nll / (dims · ln 2), with no
// change of units: the density's own bits.
func BitsPerDim(nllNats float64, dims int) float64 {
	return nllNats / (float64(dims) * math.Ln2)
}

// BitsPerDim8Bit reports a density over scaled data in bits per dimension
// of the original 8-bit values. The model sees x = level·v + shift for
// pixel values v, so the density of v is the density of x times level per
// dimension, and
//
//	bpd = nll / (dims · ln 2) − log₂(level)
//
// For the data package's scale (level = Level8Bit = 1/127.5, [−1, 1])
// that adds log₂ 127.5 ≈ 6.994 bits. Papers that dequantise to [0, 256),
// divide by 256 and map [0, 1] to [−1, 1] (score SDE, Song et al. 2021)
// use level = 1/128 and add exactly 7; when comparing with them, pass
// their level. nll must be the continuous (dequantised) negative
// log-likelihood in nats of one sample, not an average per dimension.
func BitsPerDim8Bit(nllNats float64, dims int, level float64) float64 {
	return BitsPerDim(nllNats, dims) - math.Log2(level)
}
