package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// The F(4×4, 3×3) filter transforms (winograd4.go): U = G g Gᵀ of every
// filter, and the filter's gradient Gᵀ dU G, computed in float64 and
// rounded once. A training step runs them at every call, as the weights
// change, and their cost does not shrink with the batch; on CPUs with
// AVX-512 they run on eight filters at a time in assembly, with the Go
// loops' operations in the same order, so the bits are the same.

// Winograd4Filter sets u (36 blocks of cout × cin, u[ξ·cout·cin + co·cin +
// ci]) to U = G g Gᵀ for every 3×3 filter g = w[co][ci] of w (cout × cin
// × 3 × 3), computed in float64 and rounded once. Filters go through in
// groups of wino4Group, split across workers.
func Winograd4Filter(u, w []float32, cout, cin int) {
	blk := cout * cin
	_ = u[36*blk-1]
	_ = w[9*blk-1]
	filter := wino4FilterUse.filter
	parallel.For(ceilDiv(blk, wino4Group), 8, func(glo, ghi int) {
		for grp := glo; grp < ghi; grp++ {
			lo := grp * wino4Group
			filter(u[lo:], blk, w[9*lo:], 9, false, min(wino4Group, blk-lo))
		}
	})
}

// Winograd4FilterFlipped sets u (36 blocks of cin × cout) to the
// transforms U' = G g' Gᵀ of the flipped filters of the input gradient,
// g' = W'[ci][co] = rot180(w[co][ci]) (w: cout × cin × 3 × 3): the same
// bits as Winograd4Filter of the flipped weight, read from w directly
// instead of building it first.
func Winograd4FilterFlipped(u, w []float32, cout, cin int) {
	blk := cout * cin
	_ = u[36*blk-1]
	_ = w[9*blk-1]
	filter := wino4FilterUse.filter
	per := ceilDiv(cout, wino4Group) // groups per row of U'
	parallel.For(cin*per, 8, func(glo, ghi int) {
		for grp := glo; grp < ghi; grp++ {
			// Row ci of U' holds the flipped w[co][ci], co = c0 … c0+n−1:
			// 9·cin floats apart in w.
			ci, c0 := grp/per, grp%per*wino4Group
			filter(u[ci*cout+c0:], blk, w[9*(c0*cin+ci):], 9*cin, true, min(wino4Group, cout-c0))
		}
	})
}

// Winograd4FilterGrad adds Gᵀ dU G into dw (cout × cin × 3 × 3) for every
// filter, du laid out as Winograd4Filter's u, in float64 rounded once: the
// gradient of a filter whose transform's gradient is dU. Filters go
// through in groups, as in Winograd4Filter.
func Winograd4FilterGrad(dw, du []float32, cout, cin int) {
	blk := cout * cin
	_ = du[36*blk-1]
	_ = dw[9*blk-1]
	grad := wino4FilterUse.grad
	parallel.For(ceilDiv(blk, wino4Group), 8, func(glo, ghi int) {
		for grp := glo; grp < ghi; grp++ {
			lo := grp * wino4Group
			grad(dw[9*lo:], du[lo:], blk, min(wino4Group, blk-lo))
		}
	})
}

// Winograd4FilterPacked packs the F(4×4) transforms of the filters w
// (cout × cin × 3 × 3), or with flipped those of the input gradient's
// flipped filters (Winograd4FilterFlipped), straight into ps[ξ] (36 of
// them): the same panels, bit for bit, as PackBlocks of Winograd4Filter's
// (Winograd4FilterFlipped's) u, without u. A training step transforms and
// packs every 3×3 filter twice (forward and input gradient); this writes
// each transform once, into the micro-kernel's panels, in one parallel
// loop over them.
func Winograd4FilterPacked(ps []*PackedA, w []float32, cout, cin int, flipped bool) {
	if len(ps) != 36 {
		panic("kernels: Winograd4FilterPacked wants 36 PackedA")
	}
	m, k, rs, cs := cout, cin, 9*cin, 9 // filter (row, col) of U_ξ at w[row·rs + col·cs]
	if flipped {
		m, k, rs, cs = cin, cout, 9, 9*cin
	}
	if m <= 0 || k <= 0 {
		PackBlocks(ps, m, k, nil, 0)
		return
	}
	_ = w[9*m*k-1]
	if gemmPackedKernel.bf16 || 9*m*k > 1<<31-1 { // panels this path does not write: through u
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		*buf = grow(*buf, 36*m*k)
		if flipped {
			Winograd4FilterFlipped(*buf, w, cout, cin)
		} else {
			Winograd4Filter(*buf, w, cout, cin)
		}
		PackBlocks(ps, m, k, *buf, m*k)
		return
	}
	mPad, depth := packBlocksReady(ps, m, k, nil, 0)
	slices, panels := ceilDiv(k, depth), mPad/packMR
	filter := wino4FilterUse.table
	parallel.For(slices*panels, 1, func(lo, hi int) {
		// A panel's transforms go to a scratch buffer first, then block by
		// block into the panels: storing straight into 36 buffers at the
		// same offsets would send every store to the same few cache sets.
		// The blocks are a cache line longer than a panel for the same
		// reason.
		idx := wino4FilterIdx.get() // kept: as a local it escaped, 12 KiB a call
		defer wino4FilterIdx.put(idx)
		sb := winoScratch.get()
		defer winoScratch.put(sb)
		*sb = grow(*sb, 36*(packMR*depth+16))
		buf := *sb
		for t := lo; t < hi; t++ {
			// Panel i of slice pc: step p, row r at at + 6p + r holds
			// filter (i+r, pc+p); rows past m are zero.
			pc, i := t/panels*depth, t%panels*packMR
			kc, h := min(depth, k-pc), min(packMR, m-i)
			at, n := pc*mPad+i*kc, packMR*kc
			for q := range n {
				r := min(q%packMR, h-1) // a row past m: any filter, cleared below
				idx[q] = int32((i+r)*rs + (pc+q/packMR)*cs)
			}
			blk := n + 16
			filter(buf, blk, w, idx[:n], flipped)
			for xi, p := range ps {
				d := p.buf[at:][:n]
				copy(d, buf[xi*blk:][:n])
				if h < packMR {
					for s := range kc {
						clear(d[s*packMR+h : (s+1)*packMR])
					}
				}
			}
		}
	})
}

// wino4FilterIdx holds Winograd4FilterPacked's filter offsets between
// calls.
var wino4FilterIdx = freeList[[packMR * packKC]int32]{new: func() *[packMR * packKC]int32 { return new([packMR * packKC]int32) }}

// wino4FilterPath names one set of F(4×4) filter transforms, so that tests
// can run each.
type wino4FilterPath struct {
	name string
	// table sets u[ξ·blk + k] = (G g_k Gᵀ)[ξ] for the len(idx) filters
	// g_k whose element t is w[idx[k] + t], or with flip w[idx[k] + 8 − t].
	table func(u []float32, blk int, w []float32, idx []int32, flip bool)
	// filter sets u[ξ·blk + k] = (G g_k Gᵀ)[ξ] for the n filters g_k whose
	// element t (row-major 3×3) is w[k·stride + t], or with flip
	// w[k·stride + 8 − t] (the filter turned by 180°).
	filter func(u []float32, blk int, w []float32, stride int, flip bool, n int)
	// grad adds (Gᵀ dU_k G)[t] into dw[9k + t] for the n filters whose
	// dU_k[ξ] is du[ξ·blk + k].
	grad func(dw, du []float32, blk, n int)
}

// wino4FilterGenericPath is the Go loops' set.
var wino4FilterGenericPath = wino4FilterPath{"generic", wino4FilterTableGeneric, wino4FilterGeneric, wino4FilterGradGeneric}

// wino4FilterGeneric is wino4FilterPath.filter in Go, through
// wino4FilterTableGeneric wino4Group filters at a time.
func wino4FilterGeneric(u []float32, blk int, w []float32, stride int, flip bool, n int) {
	var idx [wino4Group]int32
	for lo := 0; lo < n; lo += wino4Group {
		m := min(wino4Group, n-lo)
		for k := range m {
			idx[k] = int32((lo + k) * stride)
		}
		wino4FilterTableGeneric(u[lo:], blk, w, idx[:m], flip)
	}
}

// wino4FilterTableGeneric is wino4FilterPath.table in Go: the transforms
// are gathered in a small buffer and then stored block by block (the
// blocks lie blk floats apart, and storing 36 of them at once, a float
// each, thrashes the cache).
func wino4FilterTableGeneric(u []float32, blk int, w []float32, idx []int32, flip bool) {
	for lo := 0; lo < len(idx); lo += wino4Group {
		wino4FilterGroupGeneric(u[lo:], blk, w, idx[lo:min(lo+wino4Group, len(idx))], flip)
	}
}

// wino4FilterGroupGeneric is wino4FilterTableGeneric for up to wino4Group
// filters.
func wino4FilterGroupGeneric(u []float32, blk int, w []float32, idx []int32, flip bool) {
	var buf [36][wino4Group]float32
	for k, at := range idx {
		g := [9]float32(w[at:][:9])
		if flip {
			for t := range 4 {
				g[t], g[8-t] = g[8-t], g[t]
			}
		}
		var t [6][3]float64 // G g, column by column
		for j := range 3 {
			t[0][j], t[1][j], t[2][j], t[3][j], t[4][j], t[5][j] = wino4GCol(float64(g[j]), float64(g[3+j]), float64(g[6+j]))
		}
		for r := range 6 { // (G g) Gᵀ, row by row
			u0, u1, u2, u3, u4, u5 := wino4GCol(t[r][0], t[r][1], t[r][2])
			buf[6*r][k] = float32(u0)
			buf[6*r+1][k] = float32(u1)
			buf[6*r+2][k] = float32(u2)
			buf[6*r+3][k] = float32(u3)
			buf[6*r+4][k] = float32(u4)
			buf[6*r+5][k] = float32(u5)
		}
	}
	for xi := range 36 {
		copy(u[xi*blk:][:len(idx)], buf[xi][:len(idx)])
	}
}

// wino4FilterGradGeneric is wino4FilterPath.grad in Go, wino4Group filters
// at a time through a small buffer, as wino4FilterGeneric.
func wino4FilterGradGeneric(dw, du []float32, blk, n int) {
	var buf [36][wino4Group]float32
	for lo := 0; lo < n; lo += wino4Group {
		m := min(wino4Group, n-lo)
		for xi := range 36 {
			copy(buf[xi][:m], du[xi*blk+lo:][:m])
		}
		for k := range m {
			var t [6][3]float64 // dU G, row by row
			for r := range 6 {
				b := &buf
				t[r][0], t[r][1], t[r][2] = wino4GTCol(float64(b[6*r][k]), float64(b[6*r+1][k]), float64(b[6*r+2][k]),
					float64(b[6*r+3][k]), float64(b[6*r+4][k]), float64(b[6*r+5][k]))
			}
			g := (*[9]float32)(dw[9*(lo+k):])
			for j := range 3 { // Gᵀ (dU G), column by column
				g0, g1, g2 := wino4GTCol(t[0][j], t[1][j], t[2][j], t[3][j], t[4][j], t[5][j])
				g[j] += float32(g0)
				g[3+j] += float32(g1)
				g[6+j] += float32(g2)
			}
		}
	}
}
