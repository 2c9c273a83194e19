package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// Column strips: a product at least as wide as it is tall (or with A
// packed already) is cut into one strip of columns per worker, and each
// worker runs the single-goroutine packed path on its strip: it packs its
// own B panels, which stay in its own caches, packs A again for itself
// (the cost a wide product can afford), and waits for nobody until the
// end. On two cores of a Zen 5, against B packed by both workers and read
// by both (three alternated rounds of one-second benchmarks): 512² 354–386
// against 327–344 GFLOP/s, 1024² 372–392 against 357–365, 2048² 371–373
// against 358–371; bench-text's weight gradient, 256×1024 summed over
// 8192 rows, 301–309 against 252–257.

// stripMinCols is the fewest columns a strip may have: two pairs of B
// panels, so that every worker still runs the wide kernel.
const stripMinCols = 4 * packNR

// stripPackCols is the fewest columns a strip must have when its worker
// packs A for itself, unless A is small (stripSmallA floats): each packed
// float of A then serves at least 256 flops, as in the narrowest strips
// measured faster than the grouped path (256×256 summed over 8192 rows,
// two strips of 128 columns). The strips were measured on two cores only;
// this bound keeps a machine with many workers from packing a large A
// once per worker for thin strips.
const (
	stripPackCols = 8 * packNR
	stripSmallA   = 1 << 16
)

// useStrips reports whether gemmPackedRun should cut C into column strips:
// on more than one worker, for a product worth splitting, as wide as it
// is tall or with A packed already, and with strips wide enough for the
// wide kernel and for the cost of packing A once per worker.
func useStrips(serial bool, pa *PackedA, m, n, k int) bool {
	return stripsOn(parallel.Workers(), serial, pa, m, n, k)
}

// stripsOn is useStrips on w workers.
func stripsOn(w int, serial bool, pa *PackedA, m, n, k int) bool {
	if serial || w <= 1 || m*n*k < 1<<18 || n < w*stripMinCols {
		return false
	}
	return pa != nil || n >= m && (n >= w*stripPackCols || m*k <= stripSmallA)
}

// gemmStrips is gemmPackedRun over column strips, one per worker, each
// on the single-goroutine path: the same tiles' sums, so the same bits.
func gemmStrips(kern *microKernel, pa *PackedA, bsrc bSource, epi func(i0, i1, j0, j1 int), transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	w := parallel.Workers()
	parallel.For(w, 1, func(lo, hi int) {
		for s := lo; s < hi; s++ {
			c0, c1 := evenSpan(s, w, n, 2*packNR)
			if c0 >= c1 {
				continue
			}
			bs, src, e := b, bsrc, epi
			switch {
			case bsrc != nil:
				src = shiftedB{bsrc, c0}
			case transB:
				bs = b[c0*ldb:]
			default:
				bs = b[c0:]
			}
			if epi != nil {
				e = func(i0, i1, j0, j1 int) { epi(i0, i1, c0+j0, c0+j1) }
			}
			gemmPackedRun(kern, true, pa, src, e, transA, transB, m, c1-c0, k, alpha, a, lda, bs, ldb, beta, c[c0:], ldc)
		}
	})
}

// shiftedB is the B source src with its columns numbered from c0.
type shiftedB struct {
	src bSource
	c0  int
}

func (s shiftedB) packPanel(dst []float32, pc, kc, j0, w int) {
	s.src.packPanel(dst, pc, kc, s.c0+j0, w)
}
