package kernels

// SetTo sets dst[i] = 0 + src[i] for every i < len(src): what AddTo gives
// into a zeroed dst, to the bit (a −0 in src becomes +0, as 0 + (−0) is
// +0), in one pass that reads src and writes dst, where zeroing and AddTo
// take two over dst. len(dst) must be ≥ len(src). A backward step that
// makes the first contribution to a gradient (autograd's GradDst) writes
// it with SetTo. It runs AddScalars' path: (src + 0) + (−0) is 0 + src.
func SetTo(dst, src []float32) { addScalarsImpl(dst[:len(src)], src, 0, NegZero) }
