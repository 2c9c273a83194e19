//go:build !purego

package kernels

// gemmKernel6x16AVX512 is gemmKernel6x16AVX2 with one 16-float ZMM
// register per tile row (gemm512_amd64.s): the same packed panels, the same
// order of fused multiply-adds for every element of C, the same bits.
//
//go:noescape
func gemmKernel6x16AVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

// kernelAVX512 checks the bounds that the assembly cannot, then runs it;
// a tile of fewer than 6 rows goes through a scratch tile.
func kernelAVX512(k, h int, a, b, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*packMR-1]
	_ = b[k*packNR-1]
	_ = c[(h-1)*ldc+packNR-1]
	if h == packMR {
		gemmKernel6x16AVX512(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
		return
	}
	var tmp [packMR * packNR]float32
	if beta != 0 {
		for r := range h {
			copy(tmp[r*packNR:(r+1)*packNR], c[r*ldc:])
		}
	}
	gemmKernel6x16AVX512(k, &a[0], &b[0], &tmp[0], packNR, alpha, beta)
	for r := range h {
		copy(c[r*ldc:r*ldc+packNR], tmp[r*packNR:])
	}
}

// gemmAVX512 is Gemm through the packed driver and the AVX-512 kernel.
func gemmAVX512(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPacked(kernelAVX512, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmAVX512Serial is gemmAVX512 on the calling goroutine only.
func gemmAVX512Serial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedOn(kernelAVX512, true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
