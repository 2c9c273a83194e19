package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// WinogradFilter sets u (16 blocks of cout × cin, u[ξ·cout·cin + co·cin +
// ci]) to U = G g Gᵀ for every 3×3 filter g = w[co][ci] of w (cout × cin
// × 3 × 3).
func WinogradFilter(u, w []float32, cout, cin int) { winogradFilter(u, w, cout, cin, false) }

// WinogradFilterFlipped sets u (16 blocks of cin × cout) to the
// transforms U' = G g' Gᵀ of the flipped filters of the input gradient,
// g' = W'[ci][co] = rot180(w[co][ci]) (w: cout × cin × 3 × 3): the same
// bits as WinogradFilter of the flipped weight, read from w directly
// instead of building it first.
func WinogradFilterFlipped(u, w []float32, cout, cin int) { winogradFilter(u, w, cout, cin, true) }

// WinogradFilterPacked packs the F(2×2) transforms of the filters w
// (cout × cin × 3 × 3), or with flipped those of the input gradient's
// flipped filters, into ps[ξ] (16 of them), as PackBlocks of
// WinogradFilter's (WinogradFilterFlipped's) u, through a scratch u.
func WinogradFilterPacked(ps []*PackedA, w []float32, cout, cin int, flipped bool) {
	if len(ps) != 16 {
		panic("kernels: WinogradFilterPacked wants 16 PackedA")
	}
	m, k := cout, cin
	if flipped {
		m, k = cin, cout
	}
	buf := winoScratch.get()
	defer winoScratch.put(buf)
	*buf = grow(*buf, 16*m*k)
	winogradFilter(*buf, w, cout, cin, flipped)
	PackBlocks(ps, m, k, *buf, m*k)
}

// winogradFilter is WinogradFilter, or with flipped WinogradFilterFlipped.
func winogradFilter(u, w []float32, cout, cin int, flipped bool) {
	blk := cout * cin
	_ = u[16*blk-1]
	_ = w[9*blk-1]
	parallel.For(blk, 1024, func(lo, hi int) {
		var turned [9]float32
		for f := lo; f < hi; f++ {
			var g *[9]float32
			if flipped { // f = ci·cout + co
				src := (*[9]float32)(w[9*(f%cout*cin+f/cout):])
				for e := range 9 {
					turned[e] = src[8-e]
				}
				g = &turned
			} else {
				g = (*[9]float32)(w[9*f:])
			}
			var t [4][3]float32 // G g
			for j := range 3 {
				g0, g1, g2 := g[j], g[3+j], g[6+j]
				t[0][j] = g0
				t[1][j] = 0.5 * (g0 + g1 + g2)
				t[2][j] = 0.5 * (g0 - g1 + g2)
				t[3][j] = g2
			}
			for r := range 4 { // (G g) Gᵀ
				a, b, c := t[r][0], t[r][1], t[r][2]
				u[(4*r+0)*blk+f] = a
				u[(4*r+1)*blk+f] = 0.5 * (a + b + c)
				u[(4*r+2)*blk+f] = 0.5 * (a - b + c)
				u[(4*r+3)*blk+f] = c
			}
		}
	})
}
