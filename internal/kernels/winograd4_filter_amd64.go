//go:build !purego

package kernels

// wino4FilterAVX512 sets u[ξ·blk + k] = (G g_k Gᵀ)[ξ] in assembly
// (winograd4_filter_amd64.s) for n ≥ 1 filters g_k whose element t
// (row-major 3×3) is w[idx[k] + step·t]: step 1 reads the filter as it
// is, step −1 with w at element 8 turned by 180°.
//
//go:noescape
func wino4FilterAVX512(u *float32, blk int, w *float32, step int, idx *int32, n int)

// wino4FilterGradAVX512 is wino4FilterGradGeneric in assembly for n ≥ 1
// filters.
//
//go:noescape
func wino4FilterGradAVX512(dw, du *float32, blk, n int)

// wino4FilterVec checks the bounds the assembly cannot, then runs it.
func wino4FilterVec(u []float32, blk int, w []float32, stride int, flip bool, n int) {
	if n <= 0 {
		return
	}
	if stride < 9 || blk < n || wino4Group*stride > 1<<29 {
		panic("kernels: Winograd F(4×4) filter layout out of range")
	}
	_ = u[35*blk+n-1]
	_ = w[(n-1)*stride+8]
	step, at := 1, 0
	if flip {
		step, at = -1, 8
	}
	var idx [wino4Group]int32
	for k := range min(n, wino4Group) {
		idx[k] = int32(k * stride)
	}
	// The transforms of up to wino4Group filters at a time go to a small
	// buffer and then block by block to u: the 36 blocks lie blk floats
	// apart, and at blk a multiple of 1024 their stores would all fall in
	// the same L1 sets.
	var buf [36 * wino4Group]float32
	for lo := 0; lo < n; lo += wino4Group {
		m := min(wino4Group, n-lo)
		wino4FilterAVX512(&buf[0], wino4Group, &w[lo*stride+at], step, &idx[0], m)
		for xi := range 36 {
			copy(u[xi*blk+lo:][:m], buf[xi*wino4Group:][:m])
		}
	}
}

// wino4FilterTableVec checks the bounds the assembly cannot, then runs it.
func wino4FilterTableVec(u []float32, blk int, w []float32, idx []int32, flip bool) {
	n := len(idx)
	if n == 0 {
		return
	}
	if blk < n || len(w) < 9 {
		panic("kernels: Winograd F(4×4) filter layout out of range")
	}
	_ = u[35*blk+n-1]
	for _, at := range idx {
		if at < 0 || int(at) > len(w)-9 {
			panic("kernels: Winograd F(4×4) filter offset out of range")
		}
	}
	if flip {
		wino4FilterAVX512(&u[0], blk, &w[8], -1, &idx[0], n)
	} else {
		wino4FilterAVX512(&u[0], blk, &w[0], 1, &idx[0], n)
	}
}

// wino4FilterGradVec checks the bounds the assembly cannot, then runs it.
func wino4FilterGradVec(dw, du []float32, blk, n int) {
	if n <= 0 {
		return
	}
	if blk < n {
		panic("kernels: Winograd F(4×4) filter layout out of range")
	}
	_ = du[35*blk+n-1]
	_ = dw[9*n-1]
	wino4FilterGradAVX512(&dw[0], &du[0], blk, n)
}

// wino4FilterAVX512Path is the assembly's wino4FilterPath.
var wino4FilterAVX512Path = wino4FilterPath{"avx512", wino4FilterTableVec, wino4FilterVec, wino4FilterGradVec}

// wino4FilterUse is the set of F(4×4) filter transforms this machine
// uses: AVX-512 on CPUs with AVX-512F, the Go loops elsewhere or with
// DIFFUSEGO_KERNELS=generic or avx2.
var wino4FilterUse = func() wino4FilterPath {
	if hasAVX512 && !genericForced && !avx2Forced {
		return wino4FilterAVX512Path
	}
	return wino4FilterGenericPath
}()

// wino4FilterPaths lists every set of F(4×4) filter transforms this
// machine can run, for tests.
func wino4FilterPaths() []wino4FilterPath {
	p := []wino4FilterPath{wino4FilterGenericPath}
	if hasAVX512 {
		p = append(p, wino4FilterAVX512Path)
	}
	return p
}
