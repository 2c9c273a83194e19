package kernels

// The F(4×4) input transform of a normalised, activated input: a ResBlock
// convolves SiLU(GroupNorm(x)), and Winograd4Input copies that image row
// by row into zero-padded bands anyway, so the norm's affine map and the
// SiLU are applied per channel just before the copy, into a scratch plane
// per sample that stays in cache, and the activated image is never
// written whole. Each element is made once, by NormAffine then SiLU, so
// the transform's input, and everything after it, has the bits of the two
// steps followed by Winograd4Input; the padding stays exactly zero (not
// SiLU of the shift).
//
// Applying the map and SiLU inside the band copy itself (an AVX-512 copy
// kernel, masked tails, the same instructions as the two kernels) was
// measured first and is not used: each image row is copied into two
// bands, and rows 4ty+3 and 4ty+4 into two tile rows, so that copy makes
// each element about three times, and SiLU dominates: at bench-unet's batch-16 shapes, on one goroutine, it took
// 1.8–2.3x the CPU time of the two steps (BenchmarkWinograd4InputNormSiLU
// then; the scratch took 0.96–1.03x).

// NormSiLUAffine is the affine map of one (sample, channel) of a
// normalisation, z = float32((float64(x) − Mu)·A + Sh), rounded as
// NormAffine rounds it; the transform's input is SiLU(z).
type NormSiLUAffine struct{ Mu, A, Sh float64 }

// Winograd4InputNormSiLU is Winograd4Input of the image SiLU(z), where z
// is x under the affine map aff[s·c + ch] of sample s and channel ch (the
// samples of this call, from 0): the result has the bits of NormAffine
// and SiLU over each plane followed by Winograd4Input. aff needs
// samples·c maps.
func Winograd4InputNormSiLU(v []float32, blk, ld int, x []float32, inSize, samples, c, h, w int, aff []NormSiLUAffine, par bool) {
	_ = aff[samples*c-1]
	winograd4Input(v, blk, ld, x, inSize, samples, c, h, w, par, aff)
}

// normSiLUPlanes sets dst (samples planes of hw floats) to SiLU(z) of the
// planes of x, inSize apart, plane s under the map aff[s·c], by NormAffine
// then SiLU, and returns dst.
func normSiLUPlanes(dst, x []float32, inSize, samples, hw int, aff []NormSiLUAffine, c int) []float32 {
	for s := range samples {
		m := aff[s*c]
		d := dst[s*hw : (s+1)*hw]
		NormAffine(d, x[s*inSize:s*inSize+hw], m.Mu, m.A, m.Sh)
		SiLU(d, d)
	}
	return dst[:samples*hw]
}
