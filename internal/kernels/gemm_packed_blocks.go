package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// PackBlocks packs len(ps) matrices at once: ps[ξ] as Pack(false, m, k,
// a[ξ·blk:], k) would (the same panels, bit for bit), with the panels of
// all of them split across workers in one parallel loop. A set of small
// matrices (a Winograd convolution's 16 or 36 transformed filters, packed
// again at every training step) packed one after another would run
// mostly on one worker each.
func PackBlocks(ps []*PackedA, m, k int, a []float32, blk int) {
	mPad, depth := packBlocksReady(ps, m, k, a, blk)
	if mPad == 0 || len(ps) == 0 {
		return
	}
	_ = a[(len(ps)-1)*blk+m*k-1]
	slices, panels := ceilDiv(k, depth), mPad/packMR
	per := slices * panels // panels of one matrix
	parallel.For(len(ps)*per, 1+8192/(packMR*depth), func(lo, hi int) {
		for t := lo; t < hi; t++ {
			p := ps[t/per]
			pc, i := t%per/panels*depth, t%panels*packMR
			kc := min(depth, k-pc)
			j := gemmJob{kern: p.kern, m: m, k: k, a: p.a, lda: k}
			j.packA(p.buf[pc*mPad+i*kc:], i, min(i+packMR, m), pc, kc)
		}
	})
}

// packBlocksReady records in ps[ξ] the m × k matrix a[ξ·blk:] as
// Pack(false, m, k, a[ξ·blk:], k) does (a nil: none, for panels written
// by other means) and, for m, k ≥ 1, sizes its panels. It returns m
// rounded up to whole panels and the depth of a slice of the sum (0, 0
// for an empty matrix).
func packBlocksReady(ps []*PackedA, m, k int, a []float32, blk int) (mPad, depth int) {
	for xi, p := range ps {
		p.transA, p.m, p.k, p.a, p.lda, p.kern = false, m, k, nil, k, gemmPackedKernel
		if a != nil {
			p.a = a[xi*blk:]
		}
	}
	if m <= 0 || k <= 0 {
		return 0, 0
	}
	mPad = ceilDiv(m, packMR) * packMR
	for _, p := range ps {
		p.mPad, p.buf = mPad, grow(p.buf, mPad*k)
	}
	return mPad, sliceDepth(k)
}
