package kernels

// ConvGeom is the geometry of a 2-D convolution window sliding over one
// image of C channels and H×W pixels (row-major, channel-major: CHW), with
// a KH×KW kernel, strides StrideH, StrideW and zero padding PadH, PadW on
// each side. A 1-D convolution is the case H = KH = 1, PadH = 0.
type ConvGeom struct {
	C, H, W          int
	KH, KW           int
	StrideH, StrideW int
	PadH, PadW       int
}

// OutH is the output height ⌊(H + 2·PadH − KH) / StrideH⌋ + 1.
func (g ConvGeom) OutH() int { return (g.H+2*g.PadH-g.KH)/g.StrideH + 1 }

// OutW is the output width ⌊(W + 2·PadW − KW) / StrideW⌋ + 1.
func (g ConvGeom) OutW() int { return (g.W+2*g.PadW-g.KW)/g.StrideW + 1 }

// ColRows is the number of rows of the column matrix, C·KH·KW.
func (g ConvGeom) ColRows() int { return g.C * g.KH * g.KW }

// ColCols is the number of columns of the column matrix, OutH·OutW.
func (g ConvGeom) ColCols() int { return g.OutH() * g.OutW() }

// Im2col unfolds img (C, H, W) into col, the (C·KH·KW) × (OutH·OutW)
// row-major matrix with
//
//	col[(c·KH + ki)·KW + kj][oy·OutW + ox] = img[c][oy·StrideH − PadH + ki][ox·StrideW − PadW + kj]
//
// and zero where the index falls in the padding. A convolution of img with
// a weight W (Cout, C·KH·KW) is then the product W·col. col is overwritten;
// it must hold at least ColRows()·ColCols() elements.
func Im2col(g ConvGeom, img, col []float32) { Im2colLD(g, img, col, g.ColCols()) }

// Im2colLD is Im2col into a column matrix whose rows are ld ≥ ColCols()
// elements apart: row r is col[r·ld : r·ld+ColCols()], and the elements
// between rows are left alone. Placing several images side by side in one
// (C·KH·KW) × (images·OutH·OutW) matrix lets one GEMM convolve them all.
func Im2colLD(g ConvGeom, img, col []float32, ld int) {
	oh, ow := g.OutH(), g.OutW()
	n := oh * ow
	img = img[:g.C*g.H*g.W]
	if rows := g.ColRows(); rows > 0 {
		col = col[:(rows-1)*ld+n]
	}
	for c := 0; c < g.C; c++ {
		plane := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := col[((c*g.KH+ki)*g.KW+kj)*ld:][:n]
				lo, hi := validRange(kj-g.PadW, g.StrideW, g.W, ow)
				if g.StrideH == 1 && g.StrideW == 1 && ow == g.W {
					shiftPlane(row, plane, ki-g.PadH, kj-g.PadW, g.H, ow, oh, lo, hi)
					continue
				}
				for oy := 0; oy < oh; oy++ {
					dst := row[oy*ow : (oy+1)*ow]
					iy := oy*g.StrideH - g.PadH + ki
					if iy < 0 || iy >= g.H || lo >= hi {
						clear(dst)
						continue
					}
					clear(dst[:lo])
					clear(dst[hi:])
					src := plane[iy*g.W:][:g.W]
					ix := lo*g.StrideW - g.PadW + kj
					if g.StrideW == 1 {
						copy(dst[lo:hi], src[ix:])
						continue
					}
					for ox := lo; ox < hi; ox++ {
						dst[ox] = src[ix]
						ix += g.StrideW
					}
				}
			}
		}
	}
}

// Col2im is the adjoint of Im2col: it adds every entry of col, a
// (C·KH·KW) × (OutH·OutW) matrix, into the pixel of img (C, H, W) that
// Im2col read it from; entries that fall in the padding are dropped. The
// backward pass of a convolution uses it to fold the column gradient back
// into the image gradient.
func Col2im(g ConvGeom, col, img []float32) { Col2imLD(g, col, img, g.ColCols()) }

// Col2imLD is Col2im from a column matrix whose rows are ld ≥ ColCols()
// elements apart, the adjoint of Im2colLD.
func Col2imLD(g ConvGeom, col, img []float32, ld int) {
	oh, ow := g.OutH(), g.OutW()
	n := oh * ow
	img = img[:g.C*g.H*g.W]
	if rows := g.ColRows(); rows > 0 {
		col = col[:(rows-1)*ld+n]
	}
	for c := 0; c < g.C; c++ {
		plane := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := col[((c*g.KH+ki)*g.KW+kj)*ld:][:n]
				lo, hi := validRange(kj-g.PadW, g.StrideW, g.W, ow)
				if lo >= hi {
					continue
				}
				for oy := 0; oy < oh; oy++ {
					iy := oy*g.StrideH - g.PadH + ki
					if iy < 0 || iy >= g.H {
						continue
					}
					src := row[oy*ow : (oy+1)*ow]
					dst := plane[iy*g.W:][:g.W]
					ix := lo*g.StrideW - g.PadW + kj
					if g.StrideW == 1 {
						AddTo(dst[ix:ix+hi-lo], src[lo:hi])
						continue
					}
					for ox := lo; ox < hi; ox++ {
						dst[ix] += src[ox]
						ix += g.StrideW
					}
				}
			}
		}
	}
}

// validRange returns the outputs [lo, hi) ⊆ [0, out) whose input index
// o·stride + off lies in [0, size).
func validRange(off, stride, size, out int) (lo, hi int) {
	// o·stride + off ≥ 0  ⇔  o ≥ ⌈−off / stride⌉
	if off < 0 {
		lo = (-off + stride - 1) / stride
	}
	// o·stride + off ≤ size − 1  ⇔  o ≤ ⌊(size − 1 − off) / stride⌋
	if last := size - 1 - off; last < 0 {
		hi = 0
	} else {
		hi = last/stride + 1
	}
	lo, hi = min(lo, out), min(hi, out)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// shiftPlane is one row of Im2col for stride 1 when output and input rows
// have the same width w: dst[oy·w + ox] = plane[(oy + dy)·w + ox + dx]
// where that pixel exists and 0 elsewhere, with [lo, hi) the valid ox.
// Output rows oy and oy+1 read input rows that are w apart, as they are
// written, so all valid rows move in one copy; the few entries of it that
// wrapped around a row edge are then zeroed.
func shiftPlane(dst, plane []float32, dy, dx, h, w, oh, lo, hi int) {
	yLo, yHi := validRange(dy, 1, h, oh)
	if yLo >= yHi || lo >= hi {
		clear(dst)
		return
	}
	clear(dst[:yLo*w])
	clear(dst[yHi*w:])
	start, end := yLo*w+lo, (yHi-1)*w+hi
	from := (yLo+dy)*w + lo + dx
	copy(dst[start:end], plane[from:from+end-start])
	for oy := yLo; oy < yHi; oy++ {
		r := dst[oy*w : (oy+1)*w]
		for x := range lo {
			r[x] = 0
		}
		for x := hi; x < w; x++ {
			r[x] = 0
		}
	}
}

// Col2imLDScratch is Col2imLD that may overwrite col: for stride 1 with
// output rows as wide as input rows, it zeroes the entries of each column
// row that fall in the horizontal padding and then adds all valid output
// rows of a kernel tap into the image in one AddTo (output rows oy, oy+1
// land on input rows W apart, as they are stored). Every pixel gets the
// same additions in the same order as from Col2imLD, so the same bits.
// Other geometries go through Col2imLD unchanged.
func Col2imLDScratch(g ConvGeom, col, img []float32, ld int) {
	oh, ow := g.OutH(), g.OutW()
	if g.StrideH != 1 || g.StrideW != 1 || ow != g.W {
		Col2imLD(g, col, img, ld)
		return
	}
	n := oh * ow
	img = img[:g.C*g.H*g.W]
	if rows := g.ColRows(); rows > 0 {
		col = col[:(rows-1)*ld+n]
	}
	for c := 0; c < g.C; c++ {
		plane := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < g.KH; ki++ {
			yLo, yHi := validRange(ki-g.PadH, 1, g.H, oh)
			for kj := 0; kj < g.KW; kj++ {
				lo, hi := validRange(kj-g.PadW, 1, g.W, ow)
				if lo >= hi || yLo >= yHi {
					continue
				}
				row := col[((c*g.KH+ki)*g.KW+kj)*ld:][:n]
				for oy := yLo; oy < yHi; oy++ {
					r := row[oy*ow : (oy+1)*ow]
					for x := range lo {
						r[x] = 0
					}
					for x := hi; x < ow; x++ {
						r[x] = 0
					}
				}
				start, end := yLo*ow+lo, (yHi-1)*ow+hi
				to := (yLo+ki-g.PadH)*g.W + lo + kj - g.PadW
				AddTo(plane[to:to+end-start], row[start:end])
			}
		}
	}
}
