package autograd

// NormSiLUConvFuses reports whether GroupNormSiLUConv2dAdd normalises x
// inside the convolution's input transform rather than running the two
// ops, on a graph that records a backward step (record) or not.
func NormSiLUConvFuses(x *Var, groups int, w *Var, stride, padding int, record bool) bool {
	return normSiLUConvChunks(x, groups, w, stride, padding, record) != nil
}
