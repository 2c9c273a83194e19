package kernels

import "github.com/diffusego/diffusego/internal/parallel"

// Winograd's F(4×4, 3×3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", CVPR 2016, section 4.2) computes a 4×4 tile of a 3×3
// stride-1 convolution's output from the 6×6 tile of input around it with
// 36 multiplications instead of 144 (2.25 per output against F(2×2)'s 4):
//
//	Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
//	     ⎡4  0 −5  0  1  0⎤        ⎡ 1/4    0     0 ⎤
//	     ⎢0 −4 −4  1  1  0⎥        ⎢−1/6  −1/6  −1/6⎥        ⎡1  1  1  1  1  0⎤
//	Bᵀ = ⎢0  4 −4 −1  1  0⎥    G = ⎢−1/6   1/6  −1/6⎥   Aᵀ = ⎢0  1 −1  2 −2  0⎥
//	     ⎢0 −2 −1  2  1  0⎥        ⎢1/24  1/12  1/6 ⎥        ⎢0  1  1  4  4  0⎥
//	     ⎢0  2 −1 −2  1  0⎥        ⎢1/24 −1/12  1/6 ⎥        ⎣0  1 −1  8 −8  1⎦
//	     ⎣0  4  0 −5  0  1⎦        ⎣ 0     0     1  ⎦
//
// the Toom–Cook construction at the points 0, 1, −1, 2, −2 and ∞ (the
// kernels' TestWinograd4Matrices checks the one-dimensional identity
// y = Aᵀ[(G g) ⊙ (Bᵀ d)] against the direct sum). d is the input tile:
// rows 4ty−1 … 4ty+4 and columns 4tx−1 … 4tx+4 of the image for tile
// (ty, tx), zero outside it (padding 1). As for F(2×2) (winograd.go), the
// 36 products summed over input channels become 36 matrix products, one
// per position ξ = 6·row + column of the 6×6 tile:
//
//	M_ξ (Cout × tiles) = U_ξ (Cout × Cin) · V_ξ (Cin × tiles)
//
// with U = G g Gᵀ (Winograd4Filter), V = Bᵀ d B (Winograd4Input) and
// Y = Aᵀ M A (Winograd4Output). Backward: dM = A dY Aᵀ per tile
// (Winograd4OutputGrad), the filter's gradient Gᵀ (Σ_tiles dM_ξ V_ξᵀ) G
// (Winograd4FilterGrad); the input's gradient is the same convolution of
// dY with the flipped filters.
//
// Accuracy: Bᵀ and Aᵀ hold only integers (powers of two and 5), so the
// input and output transforms round like a few additions, but their
// entries are larger than F(2×2)'s (up to 8 in Aᵀ, rows of Bᵀ summing to
// 10 in absolute value) and G's entries are not binary fractions, so the
// result is further from the direct sum than F(2×2)'s. The filter
// transforms are computed in float64 and rounded once. The stated bound:
// every output within 2e-5 × Σ|terms| of the float64 direct sum (Σ|terms|
// is the sum of the absolute values of its products and bias);
// autograd's TestWinogradUNetShapes measures it on bench-unet's ten 3×3
// shapes (the worst is given in autograd/op_conv_winograd.go).
//
// Layout: as F(2×2)'s, with 36 blocks: a transformed operand of c
// channels is 36 blocks of c rows; row ch of block ξ starts at ξ·blk +
// ch·ld and holds the tiles of sample 0, then sample 1, …, each sample's
// tiles in row-major order of its ⌈H/4⌉ × ⌈W/4⌉ tiles. The vector kernels
// read and write whole vectors of 16 tiles, up to WinogradPad elements past
// the last tile of a row: ld ≥ samples·tiles + WinogradPad, and the buffer
// must extend WinogradPad past its last row.
//
// The row kernels work on bands: all tiles of one channel of all samples
// side by side, tile k (= s·tiles + ty·tw + tx) at 4k. For the input,
// band i (i = 0…5) holds row 4ty+i−1 of the image, columns 4tx−1 …
// 4tx+2 at 4k … 4k+3, and a second band q floats further columns 4tx+3
// and 4tx+4 at q+4k and q+4k+1; for the output and its gradient, band r
// (r = 0…3) holds row 4ty+r, columns 4tx … 4tx+3 at 4k … 4k+3.

// Winograd4Tiles is the number of 4×4 output tiles of an h×w image,
// ⌈h/4⌉·⌈w/4⌉.
func Winograd4Tiles(h, w int) int { return ((h + 3) / 4) * ((w + 3) / 4) }

// wino4G is G of F(4×4, 3×3), in float64 for the filter transforms.
var wino4G = [6][3]float64{
	{1.0 / 4, 0, 0},
	{-1.0 / 6, -1.0 / 6, -1.0 / 6},
	{-1.0 / 6, 1.0 / 6, -1.0 / 6},
	{1.0 / 24, 1.0 / 12, 1.0 / 6},
	{1.0 / 24, -1.0 / 12, 1.0 / 6},
	{0, 0, 1},
}

// wino4Group is the number of filters the F(4×4) filter transforms take
// at a time.
const wino4Group = 64

// The reciprocals of G's denominators, for multiplications in float64
// (what they change is far below float32's rounding).
const (
	sixth        = 1.0 / 6
	twelfth      = 1.0 / 12
	twentyFourth = 1.0 / 24
)

// wino4GCol is G a for a column a of three (G as wino4G).
func wino4GCol(a0, a1, a2 float64) (t0, t1, t2, t3, t4, t5 float64) {
	s := a0 + a2
	p := a0*twentyFourth + a2*sixth
	q := a1 * twelfth
	return a0 * 0.25, -(s + a1) * sixth, (a1 - s) * sixth, p + q, p - q, a2
}

// wino4GTCol is Gᵀ x for a column x of six.
func wino4GTCol(x0, x1, x2, x3, x4, x5 float64) (g0, g1, g2 float64) {
	s, d := x1+x2, x2-x1
	p, q := x3+x4, x3-x4
	return x0*0.25 - s*sixth + p*twentyFourth, d*sixth + q*twelfth, (p-s)*sixth + x5
}

// wino4Vec is the number of tiles the vector kernels take a step: the
// bands are rounded up to whole steps.
const wino4Vec = 16

// Winograd4Input sets the transformed input V = Bᵀ d B of every tile of
// channels 0…c−1 of samples 0…samples−1 of x (sample s's image, c × h × w,
// at x[s·inSize:]) into v, laid out as described above with blocks blk
// apart and rows ld apart. par splits the channels across workers;
// otherwise it runs on the calling goroutine. Each channel's tiles of all
// samples go through the row kernel in one call, from bands (see above)
// copied out of the image one tile row at a time.
func Winograd4Input(v []float32, blk, ld int, x []float32, inSize, samples, c, h, w int, par bool) {
	winograd4Input(v, blk, ld, x, inSize, samples, c, h, w, par, nil)
}

// winograd4Input is Winograd4Input, or with aff (not nil)
// Winograd4InputNormSiLU: each channel's planes are then activated into a
// scratch (normSiLUPlanes) and the bands copied from there.
func winograd4Input(v []float32, blk, ld int, x []float32, inSize, samples, c, h, w int, par bool, aff []NormSiLUAffine) {
	tiles := Winograd4Tiles(h, w)
	n := samples * tiles
	checkWino4Operand(v, blk, ld, c, n)
	tw := (w + 3) / 4
	bl := 4 * ceilDiv(n, wino4Vec) * wino4Vec // a band's floats
	list := wino4InputBands(h, w, bl)
	run := func(lo, hi int) {
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		*buf = grow(*buf, 12*bl)
		bands := *buf
		clear(bands[:12*bl]) // what no image row fills stays zero
		in, copyBands := wino4Use.in, wino4Use.copyBands
		planes := inSize // the planes' stride in img
		var act *[]float32
		if aff != nil {
			act = winoScratch.get() // the channel's activated planes, h·w apart
			defer winoScratch.put(act)
			*act = grow(*act, samples*h*w)
			planes = h * w
		}
		for ch := lo; ch < hi; ch++ {
			img := x[ch*h*w : (samples-1)*inSize+(ch+1)*h*w] // the channel's planes, inSize apart
			if act != nil {
				img = normSiLUPlanes(*act, img, inSize, samples, h*w, aff[ch:], c)
			}
			copyBands(bands, img, list, 4*tw, 4*w, samples, 4*tiles, planes)
			in(v[ch*ld:], blk, bands, bl, 6*bl, n)
		}
	}
	if par {
		parallel.For(c, 1, run)
	} else {
		run(0, c)
	}
}

// wino4InputBands lists the rows of an h×w image plane that the input
// transform's twelve bands (bl floats each) take, as band copies (see
// the layout above): band i (i = 0…5) holds image rows y = 4ty+i−1,
// shifted one float right (b[4k] = row[4tx−1], zero at the left edge),
// and band 6+i the same rows from column 3 on (q[4k] = row[4tx+3]).
// Tile rows whose image row falls outside the image are not listed (they
// stay zero).
func wino4InputBands(h, w, bl int) []wino4CopyBand {
	th, tw := (h+3)/4, (w+3)/4
	list := make([]wino4CopyBand, 0, 12)
	for i := range 6 {
		// Tile rows ty0 … ty0+rows−1 read image rows y = 4ty+i−1
		// inside the image; the others stay zero.
		ty0 := 0
		if i == 0 {
			ty0 = 1
		}
		if h-i < 0 {
			continue
		}
		rows := min(th-1, (h-i)/4) - ty0 + 1
		if rows <= 0 {
			continue
		}
		at, src := 4*ty0*tw, (4*ty0+i-1)*w
		list = append(list, wino4CopyBand{i*bl + at + 1, src, min(w, 4*tw-1), rows}) // b[at+k] = row[k−1]
		if w > 3 {
			list = append(list, wino4CopyBand{(6+i)*bl + at, src + 3, min(w-3, 4*tw), rows}) // q[at+k] = row[k+3]
		}
	}
	return list
}

// Winograd4OutputGrad sets dM = A dY Aᵀ for every 4×4 tile of the output
// gradient dy (sample s's c × h × w gradient at dy[s·outSize:], zero
// outside the image) into dm, laid out as Winograd4Input's v: the gradient
// of the 36 products M_ξ of a forward pass whose output had gradient dy.
func Winograd4OutputGrad(dm []float32, blk, ld int, dy []float32, outSize, samples, c, h, w int, par bool) {
	tiles := Winograd4Tiles(h, w)
	n := samples * tiles
	checkWino4Operand(dm, blk, ld, c, n)
	tw := (w + 3) / 4
	bl := 4 * ceilDiv(n, wino4Vec) * wino4Vec
	list := make([]wino4CopyBand, min(4, h)) // band r takes rows 4ty+r
	for r := range list {
		list[r] = wino4CopyBand{r * bl, r * w, w, (h - r + 3) / 4}
	}
	run := func(lo, hi int) {
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		*buf = grow(*buf, 4*bl)
		bands := *buf
		clear(bands[:4*bl])
		grad, copyBands := wino4Use.grad, wino4Use.copyBands
		for ch := lo; ch < hi; ch++ {
			// The channel's planes, outSize apart.
			img := dy[ch*h*w : (samples-1)*outSize+(ch+1)*h*w]
			copyBands(bands, img, list, 4*tw, 4*w, samples, 4*tiles, outSize)
			grad(dm[ch*ld:], blk, bands, bl, n)
		}
	}
	if par {
		parallel.For(c, 1, run)
	} else {
		run(0, c)
	}
}

// Winograd4Output computes Y = Aᵀ M A for every tile of channels 0…c−1 of
// samples 0…samples−1 from m (laid out as Winograd4Input's v) and sets
// (add: adds into) sample s's c × h × w output at y[s·outSize:]; the parts
// of the last tiles that fall outside the image are dropped. When setting,
// the terms of adds (nil: none) are added in the same pass, as
// WinogradOutput does.
func Winograd4Output(y []float32, outSize int, add bool, adds *WinogradAdds, m []float32, blk, ld, samples, c, h, w int, par bool) {
	if adds == nil {
		adds = &WinogradAdds{}
	}
	tiles := Winograd4Tiles(h, w)
	n := samples * tiles
	checkWino4Operand(m, blk, ld, c, n)
	tw := (w + 3) / 4
	bl := 4 * ceilDiv(n, wino4Vec) * wino4Vec
	run := func(lo, hi int) {
		buf := winoScratch.get()
		defer winoScratch.put(buf)
		*buf = grow(*buf, 4*bl)
		rows := *buf
		out, bandsOut := wino4Use.out, wino4Use.bandsOut
		for ch := lo; ch < hi; ch++ {
			out(rows, bl, m[ch*ld:], blk, n)
			for s := range samples {
				plane := y[s*outSize+ch*h*w:][:h*w]
				b, sh, res := adds.terms(s, ch, c, outSize, h*w)
				if add {
					res = nil
				}
				bandsOut(plane, w, rows[4*s*tiles:], 4*tw, bl, res, w, h, b, sh, add) // band r holds image rows 4ty+r
			}
		}
	}
	if par {
		parallel.For(c, 1, run)
	} else {
		run(0, c)
	}
}

// wino4CopyRowsGeneric copies rows rows of l floats from src, rows
// srcStride apart, to dst, rows dstStride apart (l ≤ both strides), for
// planes planes, srcPlane and dstPlane apart.
func wino4CopyRowsGeneric(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int) {
	for p := range planes {
		for r := range rows {
			copy(dst[p*dstPlane+r*dstStride:][:l], src[p*srcPlane+r*srcStride:][:l])
		}
	}
}

// wino4RowsOutGeneric sets rows rows of l floats of dst, rows dstStride
// apart, from those of src, srcStride apart: dst = ((src + b) + sh) + res
// (res nil: no third term; res's rows dstStride apart), or with add
// dst = dst + src, as AddScalars and AddTo would.
func wino4RowsOutGeneric(dst []float32, dstStride int, src []float32, srcStride int, res []float32, l, rows int, b, sh float32, add bool) {
	for r := range rows {
		d, s := dst[r*dstStride:][:l], src[r*srcStride:][:l]
		switch {
		case add:
			for i, x := range s {
				d[i] += x
			}
		case res != nil:
			rs := res[r*dstStride:][:l]
			for i, x := range s {
				d[i] = ((x + b) + sh) + rs[i]
			}
		default:
			for i, x := range s {
				d[i] = (x + b) + sh
			}
		}
	}
}

// wino4CopyBand is one band's rows in a band copy, in floats: rows rows
// of l floats from src[src:] to dst[dst:] (l, rows ≥ 1).
type wino4CopyBand struct{ dst, src, l, rows int }

// copyBandsByRows is a copyBands made of a row copy (copyRows): the rows of
// every band, band by band. A vector kernel may copy them plane by plane
// instead (all bands of one plane, then the next), so that each plane is
// read while its lines are in cache and the hardware prefetchers see one
// forward stream over the planes, rather than every band walking all
// planes (a page or more apart) again.
func copyBandsByRows(copyRows func(dst []float32, dstStride int, src []float32, srcStride, l, rows, planes, dstPlane, srcPlane int)) func(dst, src []float32, bands []wino4CopyBand, dstStride, srcStride, planes, dstPlane, srcPlane int) {
	return func(dst, src []float32, bands []wino4CopyBand, dstStride, srcStride, planes, dstPlane, srcPlane int) {
		for _, b := range bands {
			copyRows(dst[b.dst:], dstStride, src[b.src:], srcStride, b.l, b.rows, planes, dstPlane, srcPlane)
		}
	}
}

// bandsOutByRows is a bandsOut made of an output rows' pass: the rows rows
// of one output plane, rows dstStride apart, taken from four bands
// srcBand apart in turn (row y from src[(y mod 4)·srcBand +
// ⌊y/4⌋·srcStride:]; band r holds rows 4ty+r), band by band: every fourth
// row, four times. A vector kernel may write the plane's rows in order
// instead, so that the hardware prefetchers see one forward stream.
func bandsOutByRows(rowsOut func(dst []float32, dstStride int, src []float32, srcStride int, res []float32, l, rows int, b, sh float32, add bool)) func(dst []float32, dstStride int, src []float32, srcStride, srcBand int, res []float32, l, rows int, b, sh float32, add bool) {
	return func(dst []float32, dstStride int, src []float32, srcStride, srcBand int, res []float32, l, rows int, b, sh float32, add bool) {
		for r := range min(4, rows) {
			var rr []float32
			if res != nil {
				rr = res[r*dstStride:]
			}
			rowsOut(dst[r*dstStride:], 4*dstStride, src[r*srcBand:], srcStride, rr, l, (rows-r+3)/4, b, sh, add)
		}
	}
}

// wino4CopyBandsGeneric and wino4BandsOutGeneric are the Go loops, band by
// band, that the vector kernels' band passes equal.
var (
	wino4CopyBandsGeneric = copyBandsByRows(wino4CopyRowsGeneric)
	wino4BandsOutGeneric  = bandsOutByRows(wino4RowsOutGeneric)
)

// checkWino4Operand panics unless a transformed operand of c rows of n
// tiles fits the layout's rules; the vector kernels rely on them.
func checkWino4Operand(v []float32, blk, ld, c, n int) {
	if ld < n+WinogradPad || blk < c*ld || len(v) < 35*blk+c*ld {
		panic("kernels: Winograd F(4×4) operand too small for its layout")
	}
}

// wino4B is d ↦ Bᵀ d for one column (or row) of six, in the order of
// operations the vector kernels use (multiplications by 2 and 4 are exact,
// so fused and separate multiply-adds give the same bits).
func wino4B(d0, d1, d2, d3, d4, d5 float32) (o0, o1, o2, o3, o4, o5 float32) {
	a := d4 - 4*d2
	b := d3 - 4*d1
	c := d4 - d2
	e := d1 - d3
	o0 = 4*d0 + (a - d2)
	o1 = a + b
	o2 = a - b
	o3 = c - 2*e
	o4 = c + 2*e
	o5 = 4*d1 + ((d5 - 4*d3) - d3)
	return
}

// wino4A is m ↦ Aᵀ m for one column (or row) of six, in the vector
// kernels' order.
func wino4A(m0, m1, m2, m3, m4, m5 float32) (o0, o1, o2, o3 float32) {
	p := m1 + m2
	q := m1 - m2
	r := m3 + m4
	s := m3 - m4
	o0 = (m0 + p) + r
	o1 = q + 2*s
	o2 = p + 4*r
	o3 = (q + 8*s) + m5
	return
}

// wino4AT is y ↦ A y for one column (or row) of four, in the vector
// kernels' order.
func wino4AT(y0, y1, y2, y3 float32) (o0, o1, o2, o3, o4, o5 float32) {
	a := y0 + y2
	b := y1 + y3
	c := y0 + 4*y2
	d := y1 + 4*y3
	return y0, a + b, a - b, c + 2*d, c - 2*d, y3
}

// wino4InGeneric is the input transform of n tiles of the bands at
// src[i·bl:] (i = 0…5; see the layout above): tile k reads d[i][j] =
// src[i·bl + 4k + j] for j < 4 and src[i·bl + q + 4k + j − 4] for j = 4, 5,
// and dst[ξ·blk + k] = (Bᵀ d B)[ξ]: d B row by row, then Bᵀ (d B), as the
// vector kernels do, so that they give the same bits.
func wino4InGeneric(dst []float32, blk int, src []float32, bl, q, n int) {
	for k := range n {
		var s [6][6]float32 // d B
		for i := range 6 {
			r := src[i*bl:]
			p := &s[i]
			p[0], p[1], p[2], p[3], p[4], p[5] = wino4B(r[4*k], r[4*k+1], r[4*k+2], r[4*k+3], r[q+4*k], r[q+4*k+1])
		}
		for j := range 6 { // Bᵀ (d B)
			o0, o1, o2, o3, o4, o5 := wino4B(s[0][j], s[1][j], s[2][j], s[3][j], s[4][j], s[5][j])
			dst[j*blk+k] = o0
			dst[(6+j)*blk+k] = o1
			dst[(12+j)*blk+k] = o2
			dst[(18+j)*blk+k] = o3
			dst[(24+j)*blk+k] = o4
			dst[(30+j)*blk+k] = o5
		}
	}
}

// wino4GradGeneric is the output-gradient transform of n tiles of the
// bands at src[r·bl:] (r = 0…3): tile k reads dy[r][j] = src[r·bl + 4k +
// j], and dst[ξ·blk + k] = (A dy Aᵀ)[ξ], dy Aᵀ first, as the vector
// kernels do.
func wino4GradGeneric(dst []float32, blk int, src []float32, bl, n int) {
	for k := range n {
		var s [4][6]float32 // dy Aᵀ
		for r := range 4 {
			b := src[r*bl+4*k:][:4]
			p := &s[r]
			p[0], p[1], p[2], p[3], p[4], p[5] = wino4AT(b[0], b[1], b[2], b[3])
		}
		for j := range 6 { // A (dy Aᵀ)
			o0, o1, o2, o3, o4, o5 := wino4AT(s[0][j], s[1][j], s[2][j], s[3][j])
			dst[j*blk+k] = o0
			dst[(6+j)*blk+k] = o1
			dst[(12+j)*blk+k] = o2
			dst[(18+j)*blk+k] = o3
			dst[(24+j)*blk+k] = o4
			dst[(30+j)*blk+k] = o5
		}
	}
}

// wino4OutGeneric is the output transform of n tiles: tile k reads m[ξ] =
// src[ξ·blk + k] and writes Aᵀ M A into rows[r·bl + 4k + c] (r, c = 0…3),
// Aᵀ M first (column by column), as the vector kernels do.
func wino4OutGeneric(rows []float32, bl int, src []float32, blk, n int) {
	for k := range n {
		var t [4][6]float32 // Aᵀ M
		for j := range 6 {
			t[0][j], t[1][j], t[2][j], t[3][j] = wino4A(src[j*blk+k], src[(6+j)*blk+k], src[(12+j)*blk+k],
				src[(18+j)*blk+k], src[(24+j)*blk+k], src[(30+j)*blk+k])
		}
		for r := range 4 {
			y := rows[r*bl+4*k:][:4]
			y[0], y[1], y[2], y[3] = wino4A(t[r][0], t[r][1], t[r][2], t[r][3], t[r][4], t[r][5])
		}
	}
}

// wino4Path names one set of F(4×4) row transforms, so that tests can run
// each. The vector kernels read and write whole vectors of tiles: the
// bands and rows must hold 4v floats past their starts (v: n rounded up
// to whole vectors of wino4Vec tiles), and dst v tiles per block. The
// band copy (copyBands) and the output plane's pass (bandsOut) that fill
// and empty the bands read and write nothing outside a row's floats.
type wino4Path struct {
	name string
	in   func(dst []float32, blk int, src []float32, bl, q, n int)
	grad func(dst []float32, blk int, src []float32, bl, n int)
	out  func(rows []float32, bl int, src []float32, blk, n int)
	// bandsOut writes one output plane from its four bands
	// (wino4BandsOutGeneric); copyBands copies a list of bands' rows into
	// the tile scratch (wino4CopyBandsGeneric). A path without kernels of
	// its own for them makes them from its row kernels (bandsOutByRows,
	// copyBandsByRows).
	bandsOut  func(dst []float32, dstStride int, src []float32, srcStride, srcBand int, res []float32, l, rows int, b, sh float32, add bool)
	copyBands func(dst, src []float32, bands []wino4CopyBand, dstStride, srcStride, planes, dstPlane, srcPlane int)
}

// wino4Generic is the pure-Go set of F(4×4) row transforms.
var wino4Generic = wino4Path{"generic", wino4InGeneric, wino4GradGeneric, wino4OutGeneric, wino4BandsOutGeneric, wino4CopyBandsGeneric}

// Wino4Vector reports whether the F(4×4) transforms run on vector kernels
// on this machine (the selection rule takes F(4×4) only then).
func Wino4Vector() bool { return wino4Use.name != wino4Generic.name }
