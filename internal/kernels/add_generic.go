package kernels

// addToGeneric is AddTo's defining loop.
func addToGeneric(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
