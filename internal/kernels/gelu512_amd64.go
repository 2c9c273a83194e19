//go:build !purego

package kernels

// geluAVX512 and geluGradAVX512 are geluAVX2 and geluGradAVX2 with 16
// lanes (gelu512_amd64.s), for n a multiple of 16: the same instructions
// per lane, so the same bits.
//
//go:noescape
func geluAVX512(y, x *float32, n int)

//go:noescape
func geluGradAVX512(dx, dy, x *float32, n int)

// geluVec512 runs the AVX-512 kernel over whole groups of 16 and the AVX2
// path (then Go) over the rest.
func geluVec512(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 15
	if n > 0 {
		geluAVX512(&y[0], &x[0], n)
	}
	geluVec(y[n:], x[n:])
}

// geluGradVec512 is geluGradVec with the AVX-512 kernel over whole groups
// of 16.
func geluGradVec512(dx, dy, x []float32) {
	dx, x = dx[:len(dy)], x[:len(dy)]
	n := len(dy) &^ 15
	if n > 0 {
		geluGradAVX512(&dx[0], &dy[0], &x[0], n)
	}
	geluGradVec(dx[n:], dy[n:], x[n:])
}
