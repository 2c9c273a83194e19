//go:build !purego

package kernels

// gemmKernel6x16AVX2 is kernelGo in assembly (gemm_amd64.s): it reads k
// steps of a packed 6-row A panel at a and a packed 16-column B panel at b
// and sets the first h rows (1 ≤ h ≤ 6) of the 6×16 tile at c (row stride
// ldc) to alpha·A·B + beta·C, without reading C when beta == 0. With h ≤ 2
// or h ≤ 4 it runs only 2 or 4 rows of multiply-adds, so a matrix whose
// rows are not a multiple of 6 (32 channels: 5 panels and 2 rows) wastes
// little on its last panel; every element is summed in the same order
// whatever h is.
//
//go:noescape
func gemmKernel6x16AVX2(k, h int, a, b, c *float32, ldc int, alpha, beta float32)

// kernelAVX2 checks the bounds that the assembly cannot, then runs it.
func kernelAVX2(k, h int, a, b, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*packMR-1]
	_ = b[k*packNR-1]
	_ = c[(h-1)*ldc+packNR-1]
	gemmKernel6x16AVX2(k, h, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

// avx2Kernel is the AVX2+FMA micro-kernel.
var avx2Kernel = &microKernel{tile: kernelAVX2}

// gemmAVX2 is Gemm through the packed driver and the AVX2+FMA kernel.
func gemmAVX2(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPacked(avx2Kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmAVX2Serial is gemmAVX2 on the calling goroutine only.
func gemmAVX2Serial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedOn(avx2Kernel, true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
