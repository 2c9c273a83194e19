//go:build !purego

package kernels

// siluAVX512 and sigmoidAVX512 are siluAVX2 and sigmoidAVX2 with 16 lanes
// (act512_amd64.s), for n a multiple of 16: the same instructions per
// lane, so the same bits.
//
//go:noescape
func siluAVX512(y, x *float32, n int)

//go:noescape
func sigmoidAVX512(y, x *float32, n int)

// siluVec512 runs the AVX-512 kernel over whole groups of 16 and the AVX2
// path (then Go) over the rest.
func siluVec512(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 15
	if n > 0 {
		siluAVX512(&y[0], &x[0], n)
	}
	siluVec(y[n:], x[n:])
}

// sigmoidVec512 runs the AVX-512 kernel over whole groups of 16 and the
// AVX2 path (then Go) over the rest.
func sigmoidVec512(y, x []float32) {
	y = y[:len(x)]
	n := len(x) &^ 15
	if n > 0 {
		sigmoidAVX512(&y[0], &x[0], n)
	}
	sigmoidVec(y[n:], x[n:])
}
