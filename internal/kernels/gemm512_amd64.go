//go:build !purego

package kernels

import "math"

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

// gemmKernel6x32AVX512 is the wide form of gemmKernel6x16AVX512
// (gemm512_amd64.s): it sets the 6×32 tile at c from the A panel at a and
// the B panels at b1 (columns 0…15) and b2 (16…31), every element summed
// exactly as the 6×16 kernel sums it.
//
//go:noescape
func gemmKernel6x32AVX512(k int, a, b1, b2, c *float32, ldc int, alpha, beta float32)

// kernelAVX512Wide checks the bounds that the assembly cannot, then runs it.
func kernelAVX512Wide(k int, a, b1, b2, c []float32, ldc int, alpha, beta float32) {
	_ = a[k*packMR-1]
	_ = b1[k*packNR-1]
	_ = b2[k*packNR-1]
	_ = c[(packMR-1)*ldc+2*packNR-1]
	gemmKernel6x32AVX512(k, &a[0], &b1[0], &b2[0], &c[0], ldc, alpha, beta)
}

// gemmKernel12x32AVX512 is the big form of gemmKernel6x16AVX512
// (gemm512_amd64.s): it sets the first h rows (1 ≤ h ≤ 12) of the 12×32
// tile at c from the A panels at a1 (rows 0…5) and a2 (rows 6…11, not
// read when h ≤ 6) and the B panels at b1 (columns 0…15) and b2 (16…31),
// with up to 24 accumulators; every element is summed exactly as the 6×16
// kernel sums it, whatever h is.
//
//go:noescape
func gemmKernel12x32AVX512(k, h int, a1, a2, b1, b2, c *float32, ldc int, alpha, beta float32)

// kernelAVX512Big checks the bounds that the assembly cannot, then runs it.
func kernelAVX512Big(k, h int, a1, a2, b1, b2, c []float32, ldc int, alpha, beta float32) {
	_ = a1[k*packMR-1]
	if h > packMR {
		_ = a2[k*packMR-1]
	} else {
		a2 = a1
	}
	_ = b1[k*packNR-1]
	_ = b2[k*packNR-1]
	_ = c[(h-1)*ldc+2*packNR-1]
	gemmKernel12x32AVX512(k, h, &a1[0], &a2[0], &b1[0], &b2[0], &c[0], ldc, alpha, beta)
}

// gemmKernel12x16AVX512 is the narrow form of gemmKernel6x16AVX512
// (gemm512_amd64.s): it sets the first w columns (1 ≤ w ≤ 16) of the first
// h rows (1 ≤ h ≤ 12) of the 12×16 tile at c from the A panels at a1 (rows
// 0…5) and a2 (rows 6…11, not read when h ≤ 6) and the B panel at b,
// through an opmask: no scratch tile at the edges. Every element is
// summed exactly as the 6×16 kernel sums it.
//
//go:noescape
func gemmKernel12x16AVX512(k, h, w int, a1, a2, b, c *float32, ldc int, alpha, beta float32)

// kernelAVX512Narrow checks the bounds that the assembly cannot, then runs
// it.
func kernelAVX512Narrow(k, h, w int, a1, a2, b, c []float32, ldc int, alpha, beta float32) {
	_ = a1[k*packMR-1]
	if h > packMR {
		_ = a2[k*packMR-1]
	} else {
		a2 = a1
	}
	_ = b[k*packNR-1]
	_ = c[(h-1)*ldc+w-1]
	gemmKernel12x16AVX512(k, h, w, &a1[0], &a2[0], &b[0], &c[0], ldc, alpha, beta)
}

// avx512Kernel is the AVX-512 micro-kernel, with its wide, big and narrow
// forms when they pass their checks on this CPU.
var avx512Kernel = &microKernel{
	tile:   kernelAVX512,
	wide:   checkedWide(kernelAVX512, kernelAVX512Wide),
	big:    checkedBig(kernelAVX512, kernelAVX512Big),
	narrow: checkedNarrow(kernelAVX512, kernelAVX512Narrow),
}

// narrowChecked records whether the narrow AVX-512 kernel passed its
// check at start-up (false also where it was not checked: no AVX-512).
var narrowChecked bool

// checkedNarrow returns narrow if, for every row count h = 1…12 and
// column count w = 1…16 and both beta cases, it gives tile's bits on the
// h×w corner of a random 12×16 tile (at a depth with a remainder step) and
// leaves the rest of C alone; nil otherwise, as checkedWide does.
func checkedNarrow(tile func(k, h int, a, b, c []float32, ldc int, alpha, beta float32), narrow narrowKernel) narrowKernel {
	if !hasAVX512 {
		return nil
	}
	const k, ldc = 38, packNR + 3
	a1, a2, b := make([]float32, k*packMR), make([]float32, k*packMR), make([]float32, k*packNR)
	seed := uint32(7531)
	next := func() float32 { // a small LCG: no package-level RNG at init
		seed = seed*1664525 + 1013904223
		return float32(int32(seed>>8)-1<<23) / (1 << 23)
	}
	for _, s := range [][]float32{a1, a2, b} {
		for i := range s {
			s[i] = next()
		}
	}
	c0 := make([]float32, 2*packMR*ldc)
	for i := range c0 {
		c0[i] = next()
	}
	want, got := make([]float32, len(c0)), make([]float32, len(c0))
	for h := 1; h <= 2*packMR; h++ {
		for w := 1; w <= packNR; w++ {
			for _, beta := range []float32{0, 0.75} {
				copy(want, c0)
				copy(got, c0)
				tile(k, min(h, packMR), a1, b, want, ldc, 1.5, beta)
				if h > packMR {
					tile(k, h-packMR, a2, b, want[packMR*ldc:], ldc, 1.5, beta)
				}
				for i := range want { // tile wrote all 16 columns: keep w
					if i%ldc >= w {
						want[i] = c0[i]
					}
				}
				narrow(k, h, w, a1, a2, b, got, ldc, 1.5, beta)
				for i := range want {
					if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
						return nil
					}
				}
			}
		}
	}
	narrowChecked = true
	return narrow
}

// bigChecked records whether the big AVX-512 kernel passed its check at
// start-up (false also where it was not checked: no AVX-512).
var bigChecked bool

// checkedBig returns big if, for every row count h = 1…12 and both beta
// cases, it gives tile's bits on the h rows of a random 12×32 tile (at a
// depth with a remainder step) and leaves the rows below alone; nil
// otherwise, as checkedWide does for the wide form.
func checkedBig(tile func(k, h int, a, b, c []float32, ldc int, alpha, beta float32), big bigKernel) bigKernel {
	if !hasAVX512 {
		return nil
	}
	const k, ldc = 39, 2*packNR + 3
	a1, a2 := make([]float32, k*packMR), make([]float32, k*packMR)
	b1, b2 := make([]float32, k*packNR), make([]float32, k*packNR)
	seed := uint32(54321)
	next := func() float32 { // a small LCG: no package-level RNG at init
		seed = seed*1664525 + 1013904223
		return float32(int32(seed>>8)-1<<23) / (1 << 23)
	}
	for _, s := range [][]float32{a1, a2, b1, b2} {
		for i := range s {
			s[i] = next()
		}
	}
	for h := 1; h <= 2*packMR; h++ {
		for _, beta := range []float32{0, 0.75} {
			want, got := make([]float32, 2*packMR*ldc), make([]float32, 2*packMR*ldc)
			for i := range want {
				want[i] = next()
				got[i] = want[i]
			}
			lower := packMR * ldc
			h1 := min(h, packMR)
			tile(k, h1, a1, b1, want, ldc, 1.5, beta)
			tile(k, h1, a1, b2, want[packNR:], ldc, 1.5, beta)
			if h > packMR {
				tile(k, h-packMR, a2, b1, want[lower:], ldc, 1.5, beta)
				tile(k, h-packMR, a2, b2, want[lower+packNR:], ldc, 1.5, beta)
			}
			big(k, h, a1, a2, b1, b2, got, ldc, 1.5, beta)
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
					return nil
				}
			}
		}
	}
	bigChecked = true
	return big
}

// wideChecked records whether the wide AVX-512 kernel passed its check at
// start-up (false also where it was not checked: no AVX-512).
var wideChecked bool

// checkedWide returns wide if it gives tile's bits on a random 6×32 tile
// (both beta cases, a depth with a remainder step), and nil otherwise, so
// that a kernel this CPU computes wrongly is never used. It is checked
// only on CPUs with AVX-512.
func checkedWide(tile func(k, h int, a, b, c []float32, ldc int, alpha, beta float32), wide func(k int, a, b1, b2, c []float32, ldc int, alpha, beta float32)) func(k int, a, b1, b2, c []float32, ldc int, alpha, beta float32) {
	if !hasAVX512 {
		return nil
	}
	const k, ldc = 37, 2*packNR + 3
	a, b1, b2 := make([]float32, k*packMR), make([]float32, k*packNR), make([]float32, k*packNR)
	seed := uint32(12345)
	next := func() float32 { // a small LCG: no package-level RNG at init
		seed = seed*1664525 + 1013904223
		return float32(int32(seed>>8)-1<<23) / (1 << 23)
	}
	for _, s := range [][]float32{a, b1, b2} {
		for i := range s {
			s[i] = next()
		}
	}
	for _, beta := range []float32{0, 0.75} {
		want, got := make([]float32, packMR*ldc), make([]float32, packMR*ldc)
		for i := range want {
			want[i] = next()
			got[i] = want[i]
		}
		tile(k, packMR, a, b1, want, ldc, 1.5, beta)
		tile(k, packMR, a, b2, want[packNR:], ldc, 1.5, beta)
		wide(k, a, b1, b2, got, ldc, 1.5, beta)
		for i := range want {
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
				return nil
			}
		}
	}
	wideChecked = true
	return wide
}

// gemmAVX512 is Gemm through the packed driver and the AVX-512 kernel.
func gemmAVX512(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPacked(avx512Kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmAVX512Serial is gemmAVX512 on the calling goroutine only.
func gemmAVX512Serial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPackedOn(avx512Kernel, true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
