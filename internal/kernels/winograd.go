package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast Algorithms
// for Convolutional Neural Networks", CVPR 2016) computes a 2×2 tile of a
// 3×3 stride-1 convolution's output from the 4×4 tile of input around it
// with 16 multiplications instead of 36:
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
//	     ⎡1  0 −1  0⎤        ⎡ 1    0    0 ⎤
//	Bᵀ = ⎢0  1  1  0⎥    G = ⎢1/2  1/2  1/2⎥    Aᵀ = ⎡1  1  1  0⎤
//	     ⎢0 −1  1  0⎥        ⎢1/2 −1/2  1/2⎥         ⎣0  1 −1 −1⎦
//	     ⎣0  1  0 −1⎦        ⎣ 0    0    1 ⎦
//
// where g is a 3×3 filter and d the input tile (rows 2ty−1 … 2ty+2 and
// columns 2tx−1 … 2tx+2 of the image for tile (ty, tx), zero outside it:
// padding 1). Summed over input channels, the 16 products become 16
// matrix products, one per position ξ of the 4×4 tile:
//
//	M_ξ (Cout × tiles) = U_ξ (Cout × Cin) · V_ξ (Cin × tiles)
//
// with U = G g Gᵀ per filter (WinogradFilter) and V = Bᵀ d B per tile and
// channel (WinogradInput); WinogradOutput then gives Y = Aᵀ M A. Only
// additions and multiplications by ±1/2 enter the transforms, so the
// result differs from the direct convolution by rounding alone. The
// stated bound: every output is within 1e-6 × Σ|terms| of the float64
// direct sum (Σ|terms| is the sum of the absolute values of its products
// and bias). Over random inputs of all ten of bench-unet's 3×3 shapes
// the worst measured was 1.4e-7, and the input and weight gradients were
// within 8.4e-7 of the implicit GEMM's, relative to their largest
// magnitude (autograd's TestWinogradUNetShapes checks both bounds, 1e-6
// and 1e-5; TestWinogradConv here checks the first on odd sizes).
//
// Backward: with dM = A dY Aᵀ per tile (WinogradOutputGrad), the filter's
// gradient is Gᵀ (Σ_tiles dM_ξ V_ξᵀ) G (WinogradFilterGrad); the input's
// gradient is the same kind of convolution of dY with the flipped filter.
//
// Layout: a transformed operand of c channels is 16 blocks (one per ξ, ξ
// = 4·row + column) of c rows; row ch of block ξ starts at ξ·blk + ch·ld
// and holds the tiles of sample 0, then sample 1, …, each sample's tiles
// in row-major order (ty, tx) of its ⌈H/2⌉ × ⌈W/2⌉ tiles. The vector
// kernels read and write whole vectors, up to WinogradPad elements past
// the last tile of a row: ld must leave that room (ld ≥ samples·tiles +
// WinogradPad), and the buffer must extend WinogradPad past its last row.

// WinogradPad is the room a transformed operand's rows need past their
// last tile (see the layout above).
const WinogradPad = 16

// WinogradTiles is the number of 2×2 output tiles of an h×w image,
// ⌈h/2⌉·⌈w/2⌉.
func WinogradTiles(h, w int) int { return ((h + 1) / 2) * ((w + 1) / 2) }

// winoRowWidth is the width of a padded scratch row for images w wide:
// room for the tiles' 2·⌈w/2⌉ + 2 columns, rounded up to whole vectors
// of tiles, plus a vector of overrun.
func winoRowWidth(w int) int {
	n := (w + 1) / 2
	return 2*(ceilDiv(n, 16)*16) + 2 + 32
}

// winoScratch holds per-goroutine scratch planes between calls.
var winoScratch = freeList[[]float32]{new: func() *[]float32 { return new([]float32) }}

// WinogradFilterGrad adds Gᵀ dU G into dw (cout × cin × 3 × 3) for every
// filter, du laid out as WinogradFilter's u: the gradient of a filter
// whose transform's gradient is dU.
func WinogradFilterGrad(dw, du []float32, cout, cin int) {
	blk := cout * cin
	_ = du[16*blk-1]
	_ = dw[9*blk-1]
	parallel.For(blk, 1024, func(lo, hi int) {
		for f := lo; f < hi; f++ {
			var t [4][3]float32 // dU G
			for r := range 4 {
				a, b, c, d := du[(4*r)*blk+f], du[(4*r+1)*blk+f], du[(4*r+2)*blk+f], du[(4*r+3)*blk+f]
				t[r][0] = a + 0.5*(b+c)
				t[r][1] = 0.5 * (b - c)
				t[r][2] = 0.5*(b+c) + d
			}
			g := (*[9]float32)(dw[9*f:])
			for j := range 3 { // Gᵀ (dU G)
				a, b, c, d := t[0][j], t[1][j], t[2][j], t[3][j]
				g[j] += a + 0.5*(b+c)
				g[3+j] += 0.5 * (b - c)
				g[6+j] += 0.5*(b+c) + d
			}
		}
	})
}

// WinogradInput sets the transformed input V = Bᵀ d B of every tile of
// channels 0…c−1 of samples 0…samples−1 of x (sample s's image, c × h × w,
// at x[s·inSize:]) into v, laid out as described above with blocks blk
// apart and rows ld apart. par splits the channels across workers;
// otherwise it runs on the calling goroutine.
//
// Rows of tiles go through the vector kernels one at a time, from a
// zero-padded copy of the image. Images at most winoBandMax tiles wide
// (7×7: 4 tiles) would fill only part of each vector that way; their
// tiles go through in one call instead, as one band: band i holds row
// 2ty+i−1 of the image, columns 2tx−1 and 2tx for tile (ty, tx) at
// 2(ty·tw+tx), and a second set of bands columns 2tx+1 and 2tx+2.
func WinogradInput(v []float32, blk, ld int, x []float32, inSize, samples, c, h, w int, par bool) {
	tiles := WinogradTiles(h, w)
	checkWinoOperand(v, blk, ld, c, samples*tiles)
	th, tw := (h+1)/2, (w+1)/2
	band := tw <= winoBandMax
	run := func(lo, hi int) {
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		if band {
			bl := winoRowWidth(tiles * 2) // room for 2·tiles floats and the overrun
			*buf = grow(*buf, 8*bl)
			bands := *buf
			clear(bands) // what no image row fills stays zero
			in := winoPick(tiles).in
			for ch := lo; ch < hi; ch++ {
				for s := range samples {
					img := x[s*inSize+ch*h*w:][:h*w]
					for i := range 4 {
						b, q := bands[i*bl:], bands[(4+i)*bl:]
						for ty := range th {
							y := 2*ty + i - 1
							if y < 0 || y >= h {
								continue // stays zero
							}
							row := img[y*w:][:w]
							seg, segq := b[ty*2*tw:][:2*tw], q[ty*2*tw:][:2*tw]
							copy(seg[1:], row)  // seg[k] = row[k−1]
							copy(segq, row[1:]) // segq[k] = row[k+1]
							if n := w - 1; n < 2*tw {
								clear(segq[n:])
							}
						}
					}
					in(v[ch*ld+s*tiles:], blk, bands, bands[bl:], bands[2*bl:], bands[3*bl:], 4*bl, tiles)
				}
			}
			return
		}
		rw := winoRowWidth(w)
		*buf = grow(*buf, (2*th+2)*rw)
		pad := *buf
		clear(pad) // the border stays zero; the image overwrites the rest
		in := winoPick(tw).in
		for ch := lo; ch < hi; ch++ {
			for s := range samples {
				img := x[s*inSize+ch*h*w:][:h*w]
				for y := range h {
					copy(pad[(y+1)*rw+1:][:w], img[y*w:][:w])
				}
				out := v[ch*ld+s*tiles:]
				for ty := range th {
					r := pad[2*ty*rw:]
					in(out[ty*tw:], blk, r, r[rw:], r[2*rw:], r[3*rw:], 2, tw)
				}
			}
		}
	}
	if par {
		parallel.For(c, 1, run)
	} else {
		run(0, c)
	}
}

// winoBandMax is the widest image, in tiles, whose tiles go through the
// vector kernels as one band (WinogradInput); tests change it.
var winoBandMax = 4

// WinogradOutputGrad sets dM = A dY Aᵀ for every 2×2 tile of the output
// gradient dy (sample s's c × h × w gradient at dy[s·outSize:], zero
// outside the image) into dm, laid out as WinogradInput's v: the gradient
// of the 16 products M_ξ of a forward pass whose output had gradient dy.
// Narrow images go through as one band, as in WinogradInput.
func WinogradOutputGrad(dm []float32, blk, ld int, dy []float32, outSize, samples, c, h, w int, par bool) {
	tiles := WinogradTiles(h, w)
	checkWinoOperand(dm, blk, ld, c, samples*tiles)
	th, tw := (h+1)/2, (w+1)/2
	band := tw <= winoBandMax
	run := func(lo, hi int) {
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		if band { // band i holds row 2ty+i at 2(ty·tw+tx)
			bl := winoRowWidth(tiles * 2)
			*buf = grow(*buf, 2*bl)
			bands := *buf
			clear(bands)
			grad := winoPick(tiles).grad
			for ch := lo; ch < hi; ch++ {
				for s := range samples {
					img := dy[s*outSize+ch*h*w:][:h*w]
					for y := range h {
						copy(bands[(y%2)*bl+y/2*2*tw:][:w], img[y*w:][:w])
					}
					grad(dm[ch*ld+s*tiles:], blk, bands, bands[bl:], tiles)
				}
			}
			return
		}
		rw := winoRowWidth(w)
		*buf = grow(*buf, 2*th*rw)
		pad := *buf
		clear(pad)
		grad := winoPick(tw).grad
		for ch := lo; ch < hi; ch++ {
			for s := range samples {
				img := dy[s*outSize+ch*h*w:][:h*w]
				for y := range h {
					copy(pad[y*rw:][:w], img[y*w:][:w])
				}
				out := dm[ch*ld+s*tiles:]
				for ty := range th {
					r := pad[2*ty*rw:]
					grad(out[ty*tw:], blk, r, r[rw:], tw)
				}
			}
		}
	}
	if par {
		parallel.For(c, 1, run)
	} else {
		run(0, c)
	}
}

// WinogradAdds are the terms WinogradOutput adds to the products in the
// same pass, in this order, as a convolution's output pass adds them:
// ((y + Bias[ch]) + Shift[s·c + ch]) + Res[s·outSize + ch·h·w + i]. Any
// of the three may be nil.
type WinogradAdds struct {
	Bias, Shift, Res []float32
}

// terms gives the adds of channel ch of sample s (c channels, outSize
// floats per sample, planes of hw floats): its bias and shift, −0 where
// there is none (x + (−0) is x: a term left out), and its residual plane,
// nil where there is none.
func (a *WinogradAdds) terms(s, ch, c, outSize, hw int) (b, sh float32, res []float32) {
	b, sh = NegZero, NegZero
	if a.Bias != nil {
		b = a.Bias[ch]
	}
	if a.Shift != nil {
		sh = a.Shift[s*c+ch]
	}
	if a.Res != nil {
		res = a.Res[s*outSize+ch*hw:][:hw]
	}
	return b, sh, res
}

// WinogradOutput computes Y = Aᵀ M A for every tile of channels 0…c−1 of
// samples 0…samples−1 from m (laid out as WinogradInput's v) and sets
// (add: adds into) sample s's c × h × w output at y[s·outSize:]; the
// parts of the last tiles that fall outside the image are dropped. When
// setting, the terms of adds (nil: none) are added in the same pass.
// Narrow images go through as one band, as in WinogradInput.
func WinogradOutput(y []float32, outSize int, add bool, adds *WinogradAdds, m []float32, blk, ld, samples, c, h, w int, par bool) {
	if adds == nil {
		adds = &WinogradAdds{}
	}
	tiles := WinogradTiles(h, w)
	checkWinoOperand(m, blk, ld, c, samples*tiles)
	th, tw := (h+1)/2, (w+1)/2
	band := tw <= winoBandMax
	run := func(lo, hi int) {
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		n, rows := tw, th // tiles per kernel call, calls per plane
		if band {
			n, rows = tiles, 1
		}
		rw := winoRowWidth(2 * n)
		*buf = grow(*buf, 2*rw)
		r0, r1 := (*buf)[:rw], (*buf)[rw:2*rw]
		out := winoPick(n).out
		for p := lo; p < hi; p++ {
			s, ch := p/c, p%c
			plane := y[s*outSize+ch*h*w:][:h*w]
			src := m[ch*ld+s*tiles:]
			scalars := adds.Bias != nil || adds.Shift != nil
			b, sh, res := adds.terms(s, ch, c, outSize, h*w)
			for call := range rows {
				out(r0, r1, src[call*n:], blk, n)
				for ty := call * (th / rows); ty < (call+1)*(th/rows); ty++ {
					at := (ty - call*(th/rows)) * 2 * tw // the tile row's place in r0 and r1
					for i, r := range [2][]float32{r0, r1} {
						yy := 2*ty + i
						if yy >= h {
							break
						}
						dst := plane[yy*w:][:w]
						switch {
						case add:
							AddTo(dst, r[at:][:w])
						case scalars:
							AddScalars(dst, r[at:][:w], b, sh)
						default:
							copy(dst, r[at:][:w])
						}
						if res != nil && !add {
							AddTo(dst, res[yy*w:][:w])
						}
					}
				}
			}
		}
	}
	if par {
		parallel.For(samples*c, 1, run)
	} else {
		run(0, samples*c)
	}
}

// checkWinoOperand panics unless a transformed operand of c rows of n
// tiles fits the layout's rules; the vector kernels rely on them.
func checkWinoOperand(v []float32, blk, ld, c, n int) {
	if ld < n+WinogradPad || blk < c*ld || len(v) < 15*blk+c*ld {
		panic("kernels: Winograd operand too small for its layout")
	}
}

// winoInRowGeneric is the input transform of n tiles side by side: tile
// tx reads d[i][0…1] = ri[2tx…2tx+1] and d[i][2…3] = ri[q+2tx…q+2tx+1]
// for rows r0…r3 (q = 2 for a row of the image, where the pairs overlap),
// and dst[ξ·blk + tx] = (Bᵀ d B)[ξ]. It takes d B row by row, then
// Bᵀ (d B), in the order the vector kernels do, so that they give the
// same bits.
func winoInRowGeneric(dst []float32, blk int, r0, r1, r2, r3 []float32, q, n int) {
	for tx := range n {
		k := 2 * tx
		var s [4][4]float32 // d B
		for i, r := range [4][]float32{r0, r1, r2, r3} {
			d0, d1, d2, d3 := r[k], r[k+1], r[q+k], r[q+k+1]
			s[i] = [4]float32{d0 - d2, d1 + d2, d2 - d1, d1 - d3}
		}
		for c := range 4 { // Bᵀ (d B)
			dst[c*blk+tx] = s[0][c] - s[2][c]
			dst[(4+c)*blk+tx] = s[1][c] + s[2][c]
			dst[(8+c)*blk+tx] = s[2][c] - s[1][c]
			dst[(12+c)*blk+tx] = s[1][c] - s[3][c]
		}
	}
}

// winoGradRowGeneric is the output-gradient transform of n tiles side by
// side: tile tx reads dy[i][j] = ri[2tx+j] for rows r0, r1, and
// dst[ξ·blk + tx] = (A dy Aᵀ)[ξ], dy Aᵀ first, as the vector kernels do.
// Negation is 0 − x, as there.
func winoGradRowGeneric(dst []float32, blk int, r0, r1 []float32, n int) {
	for tx := range n {
		k := 2 * tx
		var s [2][4]float32 // dy Aᵀ
		for i, r := range [2][]float32{r0, r1} {
			a, b := r[k], r[k+1]
			s[i] = [4]float32{a, a + b, a - b, 0 - b}
		}
		for c := range 4 { // A (dy Aᵀ)
			dst[c*blk+tx] = s[0][c]
			dst[(4+c)*blk+tx] = s[0][c] + s[1][c]
			dst[(8+c)*blk+tx] = s[0][c] - s[1][c]
			dst[(12+c)*blk+tx] = 0 - s[1][c]
		}
	}
}

// winoOutRowGeneric is the output transform of n tiles side by side: tile
// tx reads m[ξ] = src[ξ·blk + tx] and writes Aᵀ M A into y0[2tx],
// y0[2tx+1] (its top row) and y1[2tx], y1[2tx+1], Aᵀ M first, as the
// vector kernels do.
func winoOutRowGeneric(y0, y1, src []float32, blk, n int) {
	for tx := range n {
		var t [2][4]float32 // Aᵀ M
		for j := range 4 {
			m0, m1, m2, m3 := src[j*blk+tx], src[(4+j)*blk+tx], src[(8+j)*blk+tx], src[(12+j)*blk+tx]
			t[0][j] = m0 + m1 + m2
			t[1][j] = m1 - m2 - m3
		}
		y0[2*tx] = t[0][0] + t[0][1] + t[0][2]
		y0[2*tx+1] = t[0][1] - t[0][2] - t[0][3]
		y1[2*tx] = t[1][0] + t[1][1] + t[1][2]
		y1[2*tx+1] = t[1][1] - t[1][2] - t[1][3]
	}
}

// winoPath names one set of Winograd row transforms, so that tests can run
// each.
type winoPath struct {
	name string
	in   func(dst []float32, blk int, r0, r1, r2, r3 []float32, q, n int)
	grad func(dst []float32, blk int, r0, r1 []float32, n int)
	out  func(y0, y1, src []float32, blk, n int)
}
