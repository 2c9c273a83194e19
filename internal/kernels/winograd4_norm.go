package kernels

// The F(4×4) input transform of a normalised, activated input: a ResBlock
// convolves SiLU(GroupNorm(x)), and the input transform copies that image
// row by row into zero-padded bands anyway (Winograd4Input), so the affine
// map of the norm and the SiLU are applied in that copy and the activated
// image is never written. The copy makes every element as NormAffine then
// SiLU make it, so the transform's input, and everything after it, has
// the same bits as the two steps followed by Winograd4Input; the padding
// stays exactly zero (not SiLU of the shift).

// NormSiLUAffine is the affine map of one (sample, channel) of a
// normalisation, z = float32((float64(x) − Mu)·A + Sh), rounded as
// NormAffine rounds it; the copy applies SiLU(z).
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

// wino4NormSiLURowsGeneric sets rows rows of l floats of dst, rows
// dstStride apart, to SiLU(z) of those of src, srcStride apart (l ≤ both
// strides), for planes planes, dstPlane and srcPlane apart, plane p under
// the map aff[p]: NormAffine and SiLU, the paths in use, one row at a
// time, so each element has the bits the two steps give it.
func wino4NormSiLURowsGeneric(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int, aff []NormSiLUAffine) {
	for p := range planes {
		m := aff[p]
		for r := range rows {
			d := dst[p*dstPlane+r*dstStride:][:l]
			NormAffine(d, src[p*srcPlane+r*srcStride:][:l], m.Mu, m.A, m.Sh)
			SiLU(d, d)
		}
	}
}
