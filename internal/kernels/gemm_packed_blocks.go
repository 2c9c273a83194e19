package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// PackBlocks packs len(ps) matrices at once: ps[ξ] as Pack(false, m, k,
// a[ξ·blk:], k) would (the same panels, bit for bit), with the panels of
// all of them split across workers in one parallel loop. A set of small
// matrices (a Winograd convolution's 16 or 36 transformed filters, packed
// again at every training step) packed one after another would run
// mostly on one worker each.
func PackBlocks(ps []*PackedA, m, k int, a []float32, blk int) {
	for xi, p := range ps {
		p.transA, p.m, p.k, p.a, p.lda, p.kern = false, m, k, a[xi*blk:], k, gemmPackedKernel
	}
	if m <= 0 || k <= 0 || len(ps) == 0 {
		return
	}
	_ = a[(len(ps)-1)*blk+m*k-1]
	mPad := ceilDiv(m, packMR) * packMR
	for _, p := range ps {
		p.mPad = mPad
		p.buf = grow(p.buf, mPad*k)
	}
	depth := sliceDepth(k)
	slices, panels := ceilDiv(k, depth), mPad/packMR
	per := slices * panels // panels of one matrix
	parallel.For(len(ps)*per, 1+8192/(packMR*depth), func(lo, hi int) {
		for t := lo; t < hi; t++ {
			p := ps[t/per]
			pc, i := t%per/panels*depth, t%panels*packMR
			j := gemmJob{kern: p.kern, m: m, k: k, a: p.a, lda: k, pc: pc, kc: min(depth, k-pc)}
			j.packA(p.buf[pc*mPad+i*j.kc:], i, min(i+packMR, m))
		}
	})
}
