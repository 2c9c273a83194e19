package kernels

// GemmEpilogue is Gemm (the same tiles, so the same bits in C) that also
// calls epi(i0, i1, j0, j1) once for each tile of C, rows [i0, i1) and
// columns [j0, j1), as soon as that tile's final values are written: on
// the worker that computed it, while the tile is still in cache. The tiles
// are disjoint and cover C, and epi may run on several tiles at once, so
// it must touch only its own tile (and read what nobody writes). A Linear
// layer adds its bias and applies its activation this way instead of in
// passes over the whole output after the product, which on a (8192, 1024)
// output read and write 32 MiB each from memory.
func GemmEpilogue(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, epi func(i0, i1, j0, j1 int)) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 || alpha == 0 { // no product: C = beta·C, then the epilogue on all of it
		Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		epi(0, m, 0, n)
		return
	}
	gemmPackedRun(gemmPackedKernel, false, nil, nil, epi, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmForwardEpilogue is GemmEpilogue for a network's forward products:
// under BF16 (SetPrecision) it rounds op(A) and op(B) to bf16 and sums in
// float32 as GemmForward does, calling epi on each finished tile the same
// way; under FP32 it is GemmEpilogue, the same bits.
func GemmForwardEpilogue(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, epi func(i0, i1, j0, j1 int)) {
	if kern := forwardKernel(); kern != nil && m > 0 && n > 0 && k > 0 && alpha != 0 {
		gemmPackedRun(kern, false, nil, nil, epi, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	GemmEpilogue(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epi)
}
