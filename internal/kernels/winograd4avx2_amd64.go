//go:build !purego

package kernels

// The F(4×4) band transforms on AVX2 (winograd4avx2_amd64.s), for CPUs
// without AVX-512: 8 tiles a step, the same bits as the Go loops. The
// three transforms read and write whole vectors of 8 tiles, past n up to
// the next multiple (within the layout's vectors of wino4Vec tiles), and
// keep their first pass in scratch (vectors of 8 floats: 36 for the
// input's, 24 for the gradient's and the output's).

// wino4AVX2Vec is the number of tiles the AVX2 transforms take a step.
const wino4AVX2Vec = 8

//go:noescape
func wino4InAVX2(dst *float32, blk int, src *float32, bl, q, n int, scratch *float32)

//go:noescape
func wino4GradAVX2(dst *float32, blk int, src *float32, bl, n int, scratch *float32)

//go:noescape
func wino4OutAVX2(rows *float32, bl int, src *float32, blk, n int, scratch *float32)

// wino4CopyRowsAVX2 is wino4CopyRowsGeneric for rows, planes, l ≥ 1:
// whole vectors of 8, then the row's last 8 again (or the first and last
// 4 of rows under 8, one at a time under 4), so that it reads and writes
// nothing outside a row's l floats.
//
//go:noescape
func wino4CopyRowsAVX2(dst *float32, dstStride int, src *float32, srcStride, l, rows, planes, dstPlane, srcPlane int)

// wino4RowsOutAVX2 is wino4RowsOutGeneric for rows, l ≥ 1: whole vectors
// of 8 and the row's last 8 (computed before the others are stored, so
// that the overlap gets the same values), or the first and last 4 of rows
// under 8, one at a time under 4; nothing outside a row's l floats is read
// or written.
//
//go:noescape
func wino4RowsOutAVX2(dst *float32, dstStride int, src *float32, srcStride int, res *float32, l, rows int, b, sh float32, add bool)

// wino4CopyRowsVec2 checks the bounds the assembly cannot, then runs it.
func wino4CopyRowsVec2(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int) {
	if wino4CopyRowsChecked(dst, dstStride, src, srcStride, l, rows, planes, dstPlane, srcPlane) {
		wino4CopyRowsAVX2(&dst[0], dstStride, &src[0], srcStride, l, rows, planes, dstPlane, srcPlane)
	}
}

// wino4RowsOutVec2 checks the bounds the assembly cannot, then runs it.
func wino4RowsOutVec2(dst []float32, dstStride int, src []float32, srcStride int, res []float32, l, rows int, b, sh float32, add bool) {
	if rp, ok := wino4RowsOutChecked(dst, dstStride, src, srcStride, res, l, rows, add); ok {
		wino4RowsOutAVX2(&dst[0], dstStride, &src[0], srcStride, rp, l, rows, b, sh, add)
	}
}

// wino4AVX2 is the wino4Path of the AVX2 assembly: each checks the bounds
// the assembly cannot (whole vectors of 8 past n included), then runs it.
var wino4AVX2 = wino4Path{
	name: "avx2",
	in: func(dst []float32, blk int, src []float32, bl, q, n int) {
		if wino4InChecked(dst, blk, src, bl, q, n, wino4AVX2Vec) {
			var scratch [36 * wino4AVX2Vec]float32
			wino4InAVX2(&dst[0], blk, &src[0], bl, q, n, &scratch[0])
		}
	},
	grad: func(dst []float32, blk int, src []float32, bl, n int) {
		if wino4GradChecked(dst, blk, src, bl, n, wino4AVX2Vec) {
			var scratch [24 * wino4AVX2Vec]float32
			wino4GradAVX2(&dst[0], blk, &src[0], bl, n, &scratch[0])
		}
	},
	out: func(rows []float32, bl int, src []float32, blk, n int) {
		if wino4OutChecked(rows, bl, src, blk, n, wino4AVX2Vec) {
			var scratch [24 * wino4AVX2Vec]float32
			wino4OutAVX2(&rows[0], bl, &src[0], blk, n, &scratch[0])
		}
	},
	bandsOut:  bandsOutByRows(wino4RowsOutVec2),
	copyBands: copyBandsByRows(wino4CopyRowsVec2),
}
