//go:build !purego

package kernels

//go:generate go run ./gen/gemmbf16 -out gemm_bf16_amd64.s

import (
	"fmt"
	"math"

	"golang.org/x/sys/cpu"
)

// hasBF16 reports whether the bf16 kernels can run here: AVX512_BF16 for
// VDPBF16PS and VCVTNE2PS2BF16, AVX512BW for VPERMW and the masked word
// moves, on top of the AVX-512 GEMM.
var hasBF16 = cpu.X86.HasAVX512BF16 && cpu.X86.HasAVX512BW && hasAVX512

// gemmKernelBF16x12x32 is the bf16 form of gemmKernel12x32AVX512
// (gemm_bf16_amd64.s): it sets the first h rows (1 ≤ h ≤ 12) of the
// 12×32 tile at c from k2 pair steps of the A panels at a1 (rows 0…5) and
// a2 (rows 6…11, not read when h ≤ 6) and the B panels at b1 (columns
// 0…15) and b2 (16…31), as kernelBF16Go sums them.
//
//go:noescape
func gemmKernelBF16x12x32(k2, h int, a1, a2, b1, b2, c *float32, ldc int, alpha, beta float32)

// gemmKernelBF16x12x16 is the bf16 form of gemmKernel12x16AVX512: the
// first w columns (1 ≤ w ≤ 16, through an opmask) of the first h rows of
// the 12×16 tile at c from two A panels and one B panel.
//
//go:noescape
func gemmKernelBF16x12x16(k2, h, w int, a1, a2, b, c *float32, ldc int, alpha, beta float32)

// cvtPanelBF16AVX512 rounds pairs pairs of 16-float rows at src into 16
// bf16 pairs each at dst (pairsBGeneric's layout) with VCVTNE2PS2BF16 and
// VPERMW by perm; dst may be src.
//
//go:noescape
func cvtPanelBF16AVX512(dst, src *float32, pairs int, perm *uint16)

// interleave16 is VPERMW's index for cvtPanelBF16AVX512: word 2j of the
// result is word j (row 2t, column j), word 2j+1 is word 16+j (row 2t+1).
var interleave16 = func() (p [32]uint16) {
	for j := range 16 {
		p[2*j], p[2*j+1] = uint16(j), uint16(16+j)
	}
	return p
}()

// kernelBF16Big checks the bounds that the assembly cannot, then runs it
// on the ⌈k/2⌉ pair steps of a kc = k slice.
func kernelBF16Big(k, h int, a1, a2, b1, b2, c []float32, ldc int, alpha, beta float32) {
	k2 := (k + 1) / 2
	_ = a1[k2*packMR-1]
	if h > packMR {
		_ = a2[k2*packMR-1]
	} else {
		a2 = a1
	}
	_ = b1[k2*packNR-1]
	_ = b2[k2*packNR-1]
	_ = c[(h-1)*ldc+2*packNR-1]
	gemmKernelBF16x12x32(k2, h, &a1[0], &a2[0], &b1[0], &b2[0], &c[0], ldc, alpha, beta)
}

// kernelBF16Narrow checks the bounds that the assembly cannot, then runs
// it on the ⌈k/2⌉ pair steps of a kc = k slice.
func kernelBF16Narrow(k, h, w int, a1, a2, b, c []float32, ldc int, alpha, beta float32) {
	k2 := (k + 1) / 2
	_ = a1[k2*packMR-1]
	if h > packMR {
		_ = a2[k2*packMR-1]
	} else {
		a2 = a1
	}
	_ = b[k2*packNR-1]
	_ = c[(h-1)*ldc+w-1]
	gemmKernelBF16x12x16(k2, h, w, &a1[0], &a2[0], &b[0], &c[0], ldc, alpha, beta)
}

// pairsBAVX512 is pairsBGeneric with the whole pairs of rows rounded by
// cvtPanelBF16AVX512.
func pairsBAVX512(p []float32, kc int) {
	full := kc / 2
	if full > 0 {
		_ = p[2*full*packNR-1]
		cvtPanelBF16AVX512(&p[0], &p[0], full, &interleave16[0])
	}
	if kc%2 == 1 {
		last := p[(kc-1)*packNR : kc*packNR]
		for j, v := range last {
			p[full*packNR+j] = pairBF16(v, 0)
		}
	}
}

// bf16Checked records whether the assembly bf16 kernels passed their
// check at start-up against kernelBF16Go (false also where they were not
// checked: no AVX512_BF16).
var bf16Checked bool

// bf16Kernel is the bf16 micro-kernel of this machine, nil where there is
// none: the assembly kernels when the CPU has AVX512_BF16 and they give
// kernelBF16Go's bits at start-up (checkBF16), unless DIFFUSEGO_KERNELS
// forces the generic or AVX2 paths.
var bf16Kernel = bf16KernelDispatch()

// pairsB is the rounding of B panels into bf16 pairs this machine runs.
var pairsB = pairsBDispatch()

func pairsBDispatch() func([]float32, int) {
	if hasBF16 && !genericForced && !avx2Forced {
		return pairsBAVX512
	}
	return pairsBGeneric
}

func bf16KernelDispatch() *microKernel {
	if !hasBF16 || genericForced || avx2Forced {
		return nil
	}
	k := &microKernel{tile: kernelBF16Go, big: kernelBF16Big, narrow: kernelBF16Narrow, bf16: true}
	if !checkBF16(k) {
		return nil
	}
	bf16Checked = true
	return k
}

// checkBF16 reports whether k's big and narrow forms give kernelBF16Go's
// bits for every row count h = 1…12, column count w = 1…16 (narrow) and
// both beta cases, on bf16 panels of a random slice with an odd depth and
// a remainder step, leaving C outside the tile alone; and whether
// pairsBAVX512 rounds as pairsBGeneric does. It costs about 1.3 ms of CPU
// (BenchmarkCheckBF16), once per process.
func checkBF16(k *microKernel) bool {
	const kc = 39
	k2 := (kc + 1) / 2
	seed := uint32(24680)
	next := func() float32 { // a small LCG: no package-level RNG at init
		seed = seed*1664525 + 1013904223
		return float32(int32(seed>>8)-1<<23) / (1 << 23)
	}
	panel := func(width int) []float32 { // a float32 panel rounded to pairs
		p := make([]float32, kc*width)
		for i := range p {
			p[i] = next()
		}
		if width == packNR {
			q := append([]float32(nil), p...)
			pairsBGeneric(p, kc)
			pairsBAVX512(q, kc)
			for i := range k2 * packNR {
				if math.Float32bits(p[i]) != math.Float32bits(q[i]) {
					return nil
				}
			}
			return p
		}
		pairsA(p, kc)
		return p
	}
	a1, a2, b1, b2 := panel(packMR), panel(packMR), panel(packNR), panel(packNR)
	if b1 == nil || b2 == nil {
		return false
	}
	const ldc = 2*packNR + 3
	c0 := make([]float32, 2*packMR*ldc)
	for i := range c0 {
		c0[i] = next()
	}
	want, got := make([]float32, len(c0)), make([]float32, len(c0))
	same := func() bool {
		for i := range want {
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
				return false
			}
		}
		return true
	}
	lower := packMR * ldc
	for h := 1; h <= 2*packMR; h++ {
		h1 := min(h, packMR)
		for _, beta := range []float32{0, 0.75} {
			copy(want, c0)
			copy(got, c0)
			kernelBF16Go(kc, h1, a1, b1, want, ldc, 1, beta)
			kernelBF16Go(kc, h1, a1, b2, want[packNR:], ldc, 1, beta)
			if h > packMR {
				kernelBF16Go(kc, h-packMR, a2, b1, want[lower:], ldc, 1, beta)
				kernelBF16Go(kc, h-packMR, a2, b2, want[lower+packNR:], ldc, 1, beta)
			}
			k.big(kc, h, a1, a2, b1, b2, got, ldc, 1, beta)
			if !same() {
				return false
			}
			full := append([]float32(nil), c0...) // the Go kernel on all 16 columns of b1
			kernelBF16Go(kc, h1, a1, b1, full, ldc, 1, beta)
			if h > packMR {
				kernelBF16Go(kc, h-packMR, a2, b1, full[lower:], ldc, 1, beta)
			}
			for w := 1; w <= packNR; w++ {
				for i := range want { // keep the first w columns of the Go kernel's
					want[i] = c0[i]
					if i%ldc < w {
						want[i] = full[i]
					}
				}
				copy(got, c0)
				k.narrow(kc, h, w, a1, a2, b1, got, ldc, 1, beta)
				if !same() {
					return false
				}
			}
		}
	}
	return true
}

// bf16Usable says why BF16 products cannot run here, or nil.
func bf16Usable() error {
	switch {
	case !cpu.X86.HasAVX512BF16:
		return fmt.Errorf("%w: this CPU lacks AVX512_BF16", ErrNoBF16)
	case !hasBF16:
		return fmt.Errorf("%w: this CPU has AVX512_BF16 but lacks AVX512F or AVX512BW", ErrNoBF16)
	case genericForced:
		return fmt.Errorf("%w: DIFFUSEGO_KERNELS=generic turns them off", ErrNoBF16)
	case avx2Forced:
		return fmt.Errorf("%w: DIFFUSEGO_KERNELS=avx2 turns them off", ErrNoBF16)
	case bf16Kernel == nil:
		return fmt.Errorf("%w: they gave wrong results in their start-up check on this CPU", ErrNoBF16)
	}
	return nil
}

// bf16Paths lists the bf16 Gemm paths this machine can run, for tests.
func bf16Paths() []gemmPath {
	p := []gemmPath{{"bf16-go", gemmBF16Go}}
	if bf16Kernel != nil {
		p = append(p, gemmPath{"bf16-avx512", func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			gemmPacked(bf16Kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}}, gemmPath{"bf16-avx512-serial", func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			gemmPackedOn(bf16Kernel, true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}})
	}
	return p
}
