//go:build !purego

package kernels

// siluAVX512 and sigmoidAVX512 are siluAVX2 and sigmoidAVX2 with 16 lanes
// (act512_amd64.s), for any n ≥ 0: whole groups of 16, then the last
// n mod 16 lanes under a mask (the masked-off lanes are computed from 0
// and never stored). The same instructions per lane, so the same bits.
//
//go:noescape
func siluAVX512(y, x *float32, n int)

//go:noescape
func sigmoidAVX512(y, x *float32, n int)

// siluVec512 runs the AVX-512 kernel over the whole slice: a tail under a
// mask instead of the AVX2 path's, which copies it through a padded
// buffer (GroupNorm+SiLU at 7×7 and 14×14 runs one per plane).
func siluVec512(y, x []float32) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	siluAVX512(&y[0], &x[0], len(x))
}

// sigmoidVec512 is siluVec512 for the sigmoid.
func sigmoidVec512(y, x []float32) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	sigmoidAVX512(&y[0], &x[0], len(x))
}
