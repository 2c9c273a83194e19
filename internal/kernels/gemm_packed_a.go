package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// PackedA is the left operand op(A) of Gemm packed once into the panels
// the micro-kernel reads, for a caller that multiplies the same A by many
// right operands: a convolution applies its weight to chunk after chunk of
// samples, and packing the weight again for every chunk cost as much as
// packing the chunk's columns at the lowest resolutions. The zero value is
// ready to use; Pack reuses the buffer from call to call.
//
// Products through a PackedA are the same bits as Gemm's with A itself.
type PackedA struct {
	transA bool
	m, k   int
	a      []float32
	lda    int
	kern   *microKernel // the kernel the panels are for
	mPad   int          // m rounded up to whole panels of packMR rows
	buf    []float32    // per kc-slice of the sum, mPad/packMR panels of kc×packMR
}

// Pack records op(A) (m×k; A is k×m when transA, row stride lda) and packs
// it for the micro-kernel this machine uses. A must not change while the
// PackedA is in use.
func (p *PackedA) Pack(transA bool, m, k int, a []float32, lda int) {
	p.pack(gemmPackedKernel, transA, m, k, a, lda)
}

// pack is Pack for the micro-kernel kern.
func (p *PackedA) pack(kern *microKernel, transA bool, m, k int, a []float32, lda int) {
	p.transA, p.m, p.k, p.a, p.lda, p.kern = transA, m, k, a, lda, kern
	if m <= 0 || k <= 0 {
		return
	}
	p.mPad = ceilDiv(m, packMR) * packMR
	p.buf = grow(p.buf, p.mPad*k)
	// Row panels of every kc-slice are packed in parallel: a weight is
	// packed again at every call, as it changes at every step.
	depth := sliceDepth(k)
	slices, panels := ceilDiv(k, depth), p.mPad/packMR
	parallel.For(slices*panels, 1+8192/(packMR*depth), func(lo, hi int) {
		j := gemmJob{kern: kern, transA: transA, m: m, k: k, a: a, lda: lda}
		for t := lo; t < hi; t++ {
			pc, i := t/panels*depth, t%panels*packMR
			kc := min(depth, k-pc)
			j.packA(p.buf[pc*p.mPad+i*kc:], i, min(i+packMR, m), pc, kc)
		}
	})
}

// panels returns the packed rows [i0, …) of the kc-slice starting at pc,
// laid out as packA lays out a tile's rows.
func (p *PackedA) panels(pc, kc, i0 int) []float32 {
	return p.buf[pc*p.mPad+i0*kc : pc*p.mPad+p.mPad*kc]
}

// GemmA computes C = alpha·op(A)·op(B) + beta·C as Gemm does, with op(A)
// (m×k) the packed operand: op(B) is k×n (B is n×k when transB) and C is
// m×n. Tiles are split across workers.
func GemmA(p *PackedA, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedA(p, false, transB, n, alpha, b, ldb, beta, c, ldc)
}

// GemmASerial is GemmA on the calling goroutine only, as GemmSerial is
// Gemm; the result is the same bits.
func GemmASerial(p *PackedA, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedA(p, true, transB, n, alpha, b, ldb, beta, c, ldc)
}

// gemmPackedA runs the packed driver with p's panels in place of packing A.
func gemmPackedA(p *PackedA, serial, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedSrc(p.kern, serial, p, nil, p.transA, transB, p.m, n, p.k, alpha, p.a, p.lda, b, ldb, beta, c, ldc)
}
