package autograd

// NormSiLUConvFuses reports whether GroupNormSiLUConv2dAdd normalises x
// inside the convolution's input transform rather than running the two
// ops.
func NormSiLUConvFuses(x *Var, groups int, w *Var, stride, padding int) bool {
	return normSiLUConvChunks(oneChannelPart(x), groups, w, stride, padding) != nil
}
