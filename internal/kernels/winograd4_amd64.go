//go:build !purego

package kernels

// The F(4×4) band transforms in assembly (winograd4_amd64.s, AVX-512), for
// n ≥ 1 tiles; each reads and writes whole vectors of 16 tiles, past n up
// to the next multiple. wino4InAVX512 keeps the 36 vectors of d B in
// scratch.
//
//go:noescape
func wino4InAVX512(dst *float32, blk int, src *float32, bl, q, n int, scratch *float32)

//go:noescape
func wino4GradAVX512(dst *float32, blk int, src *float32, bl, n int)

//go:noescape
func wino4OutAVX512(rows *float32, bl int, src *float32, blk, n int)

// wino4CopyRowsChecked checks the bounds a row copy's assembly (AVX-512
// or AVX2) cannot: false when there is nothing to copy.
func wino4CopyRowsChecked(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int) bool {
	if l <= 0 || rows <= 0 || planes <= 0 {
		return false
	}
	if l > dstStride || l > srcStride || dstPlane < 0 || srcPlane < 0 {
		panic("kernels: rows longer than their stride")
	}
	_ = dst[(planes-1)*dstPlane+(rows-1)*dstStride+l-1]
	_ = src[(planes-1)*srcPlane+(rows-1)*srcStride+l-1]
	return true
}

// wino4RowsOutChecked checks the bounds an output rows' pass's assembly
// (AVX-512 or AVX2) cannot and returns the residual it reads (nil for
// none); ok is false when there is nothing to do.
func wino4RowsOutChecked(dst []float32, dstStride int, src []float32, srcStride int, res []float32, l, rows int, add bool) (rp *float32, ok bool) {
	if l <= 0 || rows <= 0 {
		return nil, false
	}
	if l > dstStride || l > srcStride {
		panic("kernels: rows longer than their stride")
	}
	last := (rows-1)*dstStride + l - 1
	_, _ = dst[last], src[(rows-1)*srcStride+l-1]
	if res != nil && !add {
		_ = res[last]
		rp = &res[0]
	}
	return rp, true
}

// wino4BandsOutAVX512 is wino4BandsOutGeneric for rows, l ≥ 1.
//
//go:noescape
func wino4BandsOutAVX512(dst *float32, dstStride int, src *float32, srcStride, srcBand int, res *float32, l, rows int, b, sh float32, add bool)

// wino4BandsOutVec checks the bounds the assembly cannot, then runs it.
func wino4BandsOutVec(dst []float32, dstStride int, src []float32, srcStride, srcBand int, res []float32, l, rows int, b, sh float32, add bool) {
	if l <= 0 || rows <= 0 {
		return
	}
	if l > dstStride || l > srcStride || srcBand < 0 {
		panic("kernels: rows longer than their stride")
	}
	last := (rows-1)*dstStride + l - 1
	_ = dst[last]
	for r := range min(4, rows) {
		_ = src[r*srcBand+(rows-1-r)/4*srcStride+l-1]
	}
	var rp *float32
	if res != nil && !add {
		_ = res[last]
		rp = &res[0]
	}
	wino4BandsOutAVX512(&dst[0], dstStride, &src[0], srcStride, srcBand, rp, l, rows, b, sh, add)
}

// wino4CopyBandsAVX512 is wino4CopyBandsGeneric for nb, planes ≥ 1 and
// bands of l, rows ≥ 1, plane by plane.
//
//go:noescape
func wino4CopyBandsAVX512(dst *float32, src *float32, bands *wino4CopyBand, nb, dstStride, srcStride, planes, dstPlane, srcPlane int)

// wino4CopyBandsVec checks the bounds the assembly cannot, then runs it.
func wino4CopyBandsVec(dst, src []float32, bands []wino4CopyBand, dstStride, srcStride, planes, dstPlane, srcPlane int) {
	if len(bands) == 0 || planes <= 0 {
		return
	}
	for _, b := range bands {
		if b.l <= 0 || b.rows <= 0 || b.dst < 0 || b.src < 0 {
			panic("kernels: empty or misplaced band")
		}
		if !wino4CopyRowsChecked(dst[b.dst:], dstStride, src[b.src:], srcStride, b.l, b.rows, planes, dstPlane, srcPlane) {
			panic("kernels: empty band")
		}
	}
	wino4CopyBandsAVX512(&dst[0], &src[0], &bands[0], len(bands), dstStride, srcStride, planes, dstPlane, srcPlane)
}

// wino4AVX512 is the wino4Path of the assembly: each checks the bounds
// the assembly cannot (whole vectors past n included), then runs it.
var wino4AVX512 = wino4Path{
	name: "avx512",
	in: func(dst []float32, blk int, src []float32, bl, q, n int) {
		if wino4InChecked(dst, blk, src, bl, q, n, wino4Vec) {
			var scratch [36 * wino4Vec]float32
			wino4InAVX512(&dst[0], blk, &src[0], bl, q, n, &scratch[0])
		}
	},
	grad: func(dst []float32, blk int, src []float32, bl, n int) {
		if wino4GradChecked(dst, blk, src, bl, n, wino4Vec) {
			wino4GradAVX512(&dst[0], blk, &src[0], bl, n)
		}
	},
	out: func(rows []float32, bl int, src []float32, blk, n int) {
		if wino4OutChecked(rows, bl, src, blk, n, wino4Vec) {
			wino4OutAVX512(&rows[0], bl, &src[0], blk, n)
		}
	},
	bandsOut:  wino4BandsOutVec,
	copyBands: wino4CopyBandsVec,
}

// wino4InChecked checks the bounds an input transform's assembly (AVX-512
// or AVX2) cannot, whole vectors of vec tiles past n included: false when
// there are no tiles.
func wino4InChecked(dst []float32, blk int, src []float32, bl, q, n, vec int) bool {
	if n <= 0 {
		return false
	}
	v := ceilDiv(n, vec) * vec
	_ = dst[35*blk+v-1]
	if q < 0 || bl < 0 {
		panic("kernels: negative Winograd band offset")
	}
	_, _ = src[5*bl+4*v-1], src[5*bl+q+4*v-1]
	return true
}

// wino4GradChecked is wino4InChecked for the gradient's input transform.
func wino4GradChecked(dst []float32, blk int, src []float32, bl, n, vec int) bool {
	if n <= 0 {
		return false
	}
	v := ceilDiv(n, vec) * vec
	_ = dst[35*blk+v-1]
	if bl < 0 {
		panic("kernels: negative Winograd band offset")
	}
	_ = src[3*bl+4*v-1]
	return true
}

// wino4OutChecked is wino4InChecked for the output transform.
func wino4OutChecked(rows []float32, bl int, src []float32, blk, n, vec int) bool {
	if n <= 0 {
		return false
	}
	v := ceilDiv(n, vec) * vec
	if bl < 0 {
		panic("kernels: negative Winograd band offset")
	}
	_ = rows[3*bl+4*v-1]
	_ = src[35*blk+v-1]
	return true
}

// wino4Use is the set of F(4×4) row transforms this machine uses: AVX-512
// on CPUs with AVX-512F, AVX2 on the others with AVX2 (and with
// DIFFUSEGO_KERNELS=avx2), the pure-Go loops elsewhere or with
// DIFFUSEGO_KERNELS=generic.
var wino4Use = func() wino4Path {
	if hasAVX512 && !genericForced && !avx2Forced {
		return wino4AVX512
	}
	if hasAVX2 && !genericForced {
		return wino4AVX2
	}
	return wino4Generic
}()

// wino4Paths lists every set of F(4×4) row transforms this machine can
// run, for tests.
func wino4Paths() []wino4Path {
	p := []wino4Path{wino4Generic}
	if hasAVX2 {
		p = append(p, wino4AVX2)
	}
	if hasAVX512 {
		p = append(p, wino4AVX512)
	}
	return p
}
