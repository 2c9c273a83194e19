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

// GemmAEpilogue is GemmA (GemmASerial when serial: the same tiles, so the
// same bits in C) that also calls epi(i0, i1, j0, j1) on each finished
// tile of C as GemmEpilogue does. A convolution adds its bias, time shift
// and residual to each tile of its output this way while the tile is in
// cache, instead of in passes over the whole output. A nil epi is
// GemmA's (GemmASerial's) product alone.
func GemmAEpilogue(p *PackedA, serial, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, c []float32, ldc int, epi func(i0, i1, j0, j1 int)) {
	gemmPackedRun(p.kern, serial, p, nil, epi, p.transA, transB, p.m, n, p.k, alpha, p.a, p.lda, b, ldb, beta, c, ldc)
}

// ConvGemmEpilogue is ConvGemm that also calls epi(i0, i1, j0, j1) on
// each finished tile of C as GemmEpilogue does (none when epi is nil); C
// holds ConvGemm's bits. It returns false, and does nothing, unless ImplicitConv(g).
func ConvGemmEpilogue(p *PackedA, serial bool, g ConvGeom, x []float32, inSize, samples int, c []float32, ldc int, epi func(i0, i1, j0, j1 int)) bool {
	if !ImplicitConv(g) || p.k != g.ColRows() {
		return false
	}
	src := &convPanels{g: g, x: x, inSize: inSize, hw: g.ColCols(), ow: g.OutW(), taps: g.KH * g.KW}
	gemmPackedRun(p.kern, serial, p, src, epi, p.transA, false, p.m, samples*src.hw, p.k, 1, p.a, p.lda, nil, 0, 0, c, ldc)
	return true
}
