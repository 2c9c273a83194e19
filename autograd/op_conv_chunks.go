package autograd

import (
	"sync"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// A convolution runs over chunks of s consecutive samples (s differs by
// at most one from chunk to chunk: parallel.Balanced, span). The chunk's
// column matrix col is (C·KH·KW) × (s·OH·OW): sample j's im2col fills
// columns [j·OH·OW, (j+1)·OH·OW). Then, per group g,
//
//	forward:   Yt_g  = W_g · col_g                  (Cout/groups) × (s·OH·OW)
//	backward:  dW_g += dYt_g · col_gᵀ               one GEMM of depth s·OH·OW
//	           dcol_g = W_gᵀ · dYt_g, folded back into dx with col2im
//
// where Yt is the chunk's output with channels outermost, scattered into
// (and dYt gathered from) the (N, Cout, OH, OW) layout. One GEMM per chunk
// packs the weight once for s samples and gives the weight gradient a deep
// sum, instead of one short GEMM per sample. The chunks run in order and
// every GEMM is deterministic, so results are the same bits on every run.
// Tests lower these to force many chunks.
var (
	convChunkCols = 1024    // columns of a chunk's GEMM to aim for
	convChunkMax  = 1 << 18 // floats of col plus Yt at most (8 MiB)
)

// convChunks holds one convolution's sizes and operands.
type convChunks struct {
	geom                   kernels.ConvGeom
	n, groups, s, nch      int // samples, groups, samples in the largest chunk, chunks
	cout, coutG, kG, hw, K int // kG = K/groups weight columns per group, K = C·KH·KW
	inSize, outSize        int // per sample
	X, W                   []float32
}

func newConvChunks(x, w *Var, n int, geom kernels.ConvGeom, groups int) *convChunks {
	c := &convChunks{geom: geom, n: n, groups: groups, X: x.Value.Data, W: w.Value.Data}
	c.hw, c.K, c.cout = geom.ColCols(), geom.ColRows(), w.Value.Shape[0]
	c.coutG, c.kG = c.cout/groups, c.K/groups
	c.inSize, c.outSize = geom.C*geom.H*geom.W, c.cout*c.hw
	s := (convChunkCols + c.hw - 1) / c.hw
	s = min(s, convChunkMax/((c.K+c.cout)*c.hw))
	s = max(1, min(s, n))
	c.nch = parallel.Balanced(n, (n+s-1)/s)
	c.s = (n + c.nch - 1) / c.nch // the largest chunk
	return c
}

// span is chunk ch's samples: from lo, m of them. The chunks cut the
// batch as evenly as whole samples allow, as parallel.For cuts ranges.
func (c *convChunks) span(ch int) (lo, m int) {
	lo, hi := parallel.Range(ch, c.n, c.nch)
	return lo, hi - lo
}

// convBufs holds column and output buffers between calls, a free list
// per length. They are parallel.FreeLists rather than a sync.Pool: a
// sync.Pool is emptied at every collection, and refilling it made each
// training step allocate tens of megabytes of garbage, which grew the
// heap between collections. Buffers only come back through putConvBuf, so
// the lists never hold more than were out at once. Finding a length's
// list and taking a buffer from it take no lock in the steady state
// (sync.Map, parallel.FreeList): the workers of one parallel call each
// take their buffers at about the same moment.
var convBufs sync.Map // int → *parallel.FreeList[[]float32]

// convBufList is the free list of buffers of n elements.
func convBufList(n int) *parallel.FreeList[[]float32] {
	if l, ok := convBufs.Load(n); ok {
		return l.(*parallel.FreeList[[]float32])
	}
	l, _ := convBufs.LoadOrStore(n, new(parallel.FreeList[[]float32]))
	return l.(*parallel.FreeList[[]float32])
}

// getConvBuf returns a buffer of n elements (contents undefined); give it
// back with putConvBuf.
func getConvBuf(n int) *[]float32 {
	if p := convBufList(n).Get(); p != nil {
		return p
	}
	buf := make([]float32, n)
	return &buf
}

// putConvBuf returns a buffer from getConvBuf for reuse.
func putConvBuf(p *[]float32) { convBufList(len(*p)).Put(p) }

// columns fills col (K × m·hw) with the im2col of samples lo..lo+m.
func (c *convChunks) columns(lo, m int, col []float32) {
	ld := m * c.hw
	c.samples(m, c.K*c.hw, func(j int) {
		kernels.Im2colLD(c.geom, c.X[(lo+j)*c.inSize:], col[j*c.hw:], ld)
	})
}

// samples calls fn(j) for the m samples of a chunk, j < m, each moving
// about size floats. When the chunks run in parallel it calls them in
// order on the calling goroutine; when one chunk is the whole call (its
// GEMMs split across the workers instead), in parallel, so that the
// copies around the GEMMs do not run on one core while the others wait.
// fn must write only sample j's part of its output.
func (c *convChunks) samples(m, size int, fn func(j int)) {
	if c.serial() || m == 1 {
		for j := range m {
			fn(j)
		}
		return
	}
	parallel.For(m, 1+grainElems/max(1, size), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			fn(j)
		}
	})
}

// direct reports whether a sample's column matrix is the sample itself:
// a 1×1 kernel, stride 1, no padding.
func (c *convChunks) direct() bool {
	g := c.geom
	return g.KH == 1 && g.KW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0
}

// chunkColumns returns the column matrix of samples lo..lo+m: the sample
// itself for one sample of a direct convolution, otherwise col filled by
// columns.
func (c *convChunks) chunkColumns(lo, m int, col []float32) []float32 {
	if m == 1 && c.direct() {
		return c.X[lo*c.inSize:][:c.inSize]
	}
	c.columns(lo, m, col)
	return col
}

// fold adds dcol (K × m·hw) into dX of samples lo..lo+m with col2im;
// dcol is scratch, and is overwritten.
func (c *convChunks) fold(lo, m int, dcol, dX []float32) {
	ld := m * c.hw
	for j := range m {
		kernels.Col2imLDScratch(c.geom, dcol[j*c.hw:], dX[(lo+j)*c.inSize:], ld)
	}
}

// serial reports whether the chunks alone keep every worker busy, so that
// each chunk's GEMMs run on its own goroutine.
func (c *convChunks) serial() bool { return c.chunks() >= parallel.Workers() }

// gemm is kernels.GemmSerial when the chunks run in parallel themselves,
// and the parallel kernels.Gemm otherwise.
func (c *convChunks) gemm() func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, cc []float32, ldc int) {
	if c.serial() {
		return kernels.GemmSerial
	}
	return kernels.Gemm
}

// chunks is the number of chunks; chunk i covers the samples span(i).
func (c *convChunks) chunks() int { return c.nch }

// forward sets Y (N, Cout, OH, OW) to the convolution plus bias (Cout),
// plus shift (N, Cout) at every position, plus res (N, Cout, OH, OW), in
// that order; each of the three may be nil. Chunks run in parallel, each
// on its own buffers. The weight is packed once for all chunks, and where
// kernels.ImplicitConv allows (stride 1, output rows as wide as input
// rows) the GEMM packs its columns straight from the images instead of
// from an im2col buffer. The three terms are added by the GEMM's
// epilogue (outTile), to each tile of the product while it is in cache.
func (c *convChunks) forward(Y, bias, shift, res []float32) {
	serial := c.serial()
	implicit := kernels.ImplicitConv(c.geom)
	ws := c.packWeights(false)
	defer releaseWeights(c.shape(false), ws)
	parallel.For(c.chunks(), 1, func(clo, chi int) {
		var colBuf *[]float32 // taken when a chunk needs a column matrix
		ytBuf := getConvBuf(c.cout * c.s * c.hw)
		for ch := clo; ch < chi; ch++ {
			lo, m := c.span(ch)
			ld := m * c.hw
			yt := (*ytBuf)[:c.cout*ld]
			if m == 1 { // one sample: its output is Yt already
				yt = Y[lo*c.outSize:][:c.outSize]
			}
			done := implicit // the GEMM packs its columns straight from the images
			if implicit {
				gg := c.geom
				gg.C /= c.groups
				for gi := range c.groups {
					ytg := yt[gi*c.coutG*ld:]
					epi := c.outTile(Y, ytg, lo, m, gi*c.coutG, bias, shift, res)
					done = done && kernels.ConvGemmEpilogue(ws[gi], serial, gg, c.X[lo*c.inSize+gi*gg.C*gg.H*gg.W:], c.inSize, m, ytg, ld, epi)
				}
			}
			if !done { // through a column buffer
				if colBuf == nil {
					colBuf = getConvBuf(c.K * c.s * c.hw)
				}
				col := c.chunkColumns(lo, m, (*colBuf)[:c.K*ld])
				for gi := range c.groups {
					ytg := yt[gi*c.coutG*ld:]
					epi := c.outTile(Y, ytg, lo, m, gi*c.coutG, bias, shift, res)
					kernels.GemmAEpilogue(ws[gi], serial, false, ld, 1, col[gi*c.kG*ld:], ld, 0, ytg, ld, epi)
				}
			}
		}
		if colBuf != nil {
			putConvBuf(colBuf)
		}
		putConvBuf(ytBuf)
	})
}

// outTile returns the GEMM epilogue of forward for the chunk of m samples
// from lo and the group whose output channels start at o0: it moves rows
// [i0, i1) and columns [j0, j1) of the group's product yt (row stride
// m·hw; column j is position j mod hw of sample lo + j/hw) into Y, adding
// bias, shift and res in the order of the unfused ops, ((y + b) + sh) +
// res, so the bits are those of Conv2d followed by two Adds. With one
// sample yt is Y itself and the terms are added in place. It returns nil
// when there is nothing to do: one sample and no terms.
func (c *convChunks) outTile(Y, yt []float32, lo, m, o0 int, bias, shift, res []float32) func(i0, i1, j0, j1 int) {
	if m == 1 && bias == nil && shift == nil && res == nil {
		return nil
	}
	ld := m * c.hw
	return func(i0, i1, j0, j1 int) {
		for i := i0; i < i1; i++ {
			o := o0 + i
			b := kernels.NegZero // x + (−0) is x: a term left out
			if bias != nil {
				b = bias[o]
			}
			for j := j0; j < j1; { // one run per sample the tile's columns cross
				s, p := j/c.hw, j%c.hw
				e := min(j1, (s+1)*c.hw)
				at := (lo+s)*c.outSize + o*c.hw + p
				dst, src := Y[at:][:e-j], yt[i*ld+j:][:e-j]
				sh := kernels.NegZero
				if shift != nil {
					sh = shift[(lo+s)*c.cout+o]
				}
				switch {
				case bias != nil || shift != nil: // (y + b) + sh, the unfused order
					kernels.AddScalars(dst, src, b, sh)
				case m > 1:
					copy(dst, src)
				}
				if res != nil {
					kernels.AddTo(dst, res[at:][:e-j])
				}
				j = e
			}
		}
	}
}

// backGeom is the geometry of the convolution that gives the input
// gradient of a stride-1 convolution whose output is as large as its
// input ("same" padding): for
//
//	y[co, i, j] = Σ_{ci, a, b} W[co, ci, a, b] · x[ci, i+a−p, j+b−q]
//
// the gradient is dx[ci, i, j] = Σ_{co, a, b} W[co, ci, a, b] ·
// dy[co, i−a+p, j−b+q], which is the same kind of convolution of dy (one
// group's coutG channels) with the weight W' of rotateWeights, padded by
// KH−1−p and KW−1−q. It reports false when the convolution is not of that
// kind (strided, or an output of another size), or that convolution could
// not take its columns straight from dy.
func (c *convChunks) backGeom() (kernels.ConvGeom, bool) {
	g := c.geom
	if !kernels.ImplicitConv(g) || g.PadH > g.KH-1 || g.PadW > g.KW-1 {
		return kernels.ConvGeom{}, false
	}
	gb := kernels.ConvGeom{C: c.coutG, H: g.OutH(), W: g.OutW(), KH: g.KH, KW: g.KW,
		StrideH: 1, StrideW: 1, PadH: g.KH - 1 - g.PadH, PadW: g.KW - 1 - g.PadW}
	ok := kernels.ImplicitConv(gb) && gb.OutH() == g.H && gb.OutW() == g.W
	return gb, ok
}

// rotateWeights packs, for every group, the weight W'_g of the input
// gradient's convolution (backGeom): W'[ci, co, a, b] = W[co, ci, KH−1−a,
// KW−1−b], a (C/groups) × (coutG·KH·KW) matrix, into wr and packs it. Give
// the result back with releaseWeights(c.rotatedShape(), …); wr must not
// change until then.
func (c *convChunks) rotateWeights(wr []float32) []*kernels.PackedA {
	sh := c.rotatedShape()
	ps := takeWeights(sh)
	c.rotate(wr)
	for gi, p := range ps {
		p.Pack(false, sh.m, sh.k, wr[gi*sh.m*sh.k:][:sh.m*sh.k], sh.k)
	}
	return ps
}

// rotate writes into wr, for every group, the weight W'_g of the input
// gradient's convolution: W'[ci, co, a, b] = W[co, ci, KH−1−a, KW−1−b],
// a (C/groups) × (coutG·KH·KW) matrix per group (rotatedShape). The rows
// of W', one input channel each, are independent: they are written in
// parallel, each from start to end, gathering one block of KH·KW taps
// from every output channel's row of W.
func (c *convChunks) rotate(wr []float32) {
	sh := c.rotatedShape()
	taps := c.geom.KH * c.geom.KW
	cinG := c.kG / taps
	parallel.For(c.groups*cinG, 1+grainElems/sh.k, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			gi, ci := r/cinG, r%cinG
			wg := c.W[gi*c.coutG*c.kG:]
			dst := wr[gi*sh.m*sh.k+ci*sh.k:][:sh.k]
			if taps == 9 { // 3×3, as good as every rotated weight: unrolled
				for co := range c.coutG {
					s := (*[9]float32)(wg[co*c.kG+ci*9:])
					d := (*[9]float32)(dst[co*9:])
					d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8] = s[8], s[7], s[6], s[5], s[4], s[3], s[2], s[1], s[0]
				}
				continue
			}
			for co := range c.coutG {
				src := wg[co*c.kG+ci*taps:][:taps]
				d := dst[co*taps:][:taps]
				for t, v := range src {
					d[taps-1-t] = v
				}
			}
		}
	})
}

// backward adds the gradients of x (dX, nil: not wanted) and w (dW, nil:
// not wanted) given dY (N, Cout, OH, OW); with setX it sets dX instead of
// adding into it (dX's contents are undefined then: Var.GradDst's first
// contribution), as adding into zeros would, to the bit. The chunks are
// split into about one part per worker; with more than one part, each
// sums its weight gradient into its own partial, and the partials are
// added into dW in part order, so the result does not depend on timing.
//
// The input gradient of a stride-1 "same" convolution (every 1×1 one
// without padding among them) is itself such a convolution of dY
// (backGeom), whose GEMM packs its columns straight
// from dY (kernels.ConvGemm) and writes C/groups rows per chunk, added
// into dX. Other convolutions multiply Wᵀ by dY into a column matrix
// (K rows) and fold it back into dX with col2im, which writes KH·KW
// times as much and adds it again: with setX, dX is cleared first for
// them.
func (c *convChunks) backward(dY, dX, dW []float32, setX bool) {
	nch := c.chunks()
	gemm, gemmA := c.gemm(), c.gemmA()
	gb, rotated := c.backGeom()
	rotated = rotated && dX != nil
	if setX && !rotated { // col2im adds into dX
		clear(dX)
		setX = false
	}
	var wts []*kernels.PackedA // W_gᵀ (or W'_g when rotated), packed once for every chunk
	switch {
	case rotated:
		wr := getConvBuf(c.groups * c.rotatedShape().m * c.rotatedShape().k)
		wts = c.rotateWeights(*wr)
		defer putConvBuf(wr)
		defer releaseWeights(c.rotatedShape(), wts)
	case dX != nil:
		wts = c.packWeights(true)
		defer releaseWeights(c.shape(true), wts)
	}
	serial := c.serial()
	grain := (nch + parallel.Workers() - 1) / parallel.Workers()
	parts := parallel.Chunks(nch, grain)
	size := len(dW)
	var partials *[]float32
	if parts > 1 && dW != nil {
		partials = getConvBuf(parts * size)
		defer putConvBuf(partials)
	}
	parallel.ForChunks(nch, grain, func(part, clo, chi int) {
		pW, beta := dW, float32(1)
		if partials != nil {
			pW, beta = (*partials)[part*size:(part+1)*size], 0
		}
		colBuf := getConvBuf(c.K * c.s * c.hw)
		ytBuf := getConvBuf(c.cout * c.s * c.hw)
		for ch := clo; ch < chi; ch++ {
			lo, m := c.span(ch)
			ld := m * c.hw
			col, dyt := (*colBuf)[:c.K*ld], (*ytBuf)[:c.cout*ld]
			if m == 1 { // one sample: its gradient is dYt already
				dyt = dY[lo*c.outSize:][:c.outSize]
			} else if dW != nil || !rotated { // the rotated product reads dY itself
				c.samples(m, c.outSize, func(j int) { // gather dY, channels outermost
					for o := range c.cout {
						copy(dyt[o*ld+j*c.hw:][:c.hw], dY[(lo+j)*c.outSize+o*c.hw:][:c.hw])
					}
				})
			}
			if dW != nil { // dW_g += dYt_g · col_gᵀ
				cols := c.chunkColumns(lo, m, col)
				for gi := range c.groups {
					gemm(false, true, c.coutG, c.kG, ld, 1, dyt[gi*c.coutG*ld:], ld,
						cols[gi*c.kG*ld:], ld, beta, pW[gi*c.coutG*c.kG:], c.kG)
				}
				beta = 1
			}
			if rotated { // dx_g += W'_g ⋆ dY_g, through col's buffer (cin × ld)
				out := col[:c.geom.C*ld]
				cinG := c.geom.C / c.groups
				for gi := range c.groups { // backGeom made sure that ConvGemm takes gb
					outg := out[gi*cinG*ld:]
					kernels.ConvGemmEpilogue(wts[gi], serial, gb, dY[lo*c.outSize+gi*c.coutG*c.hw:], c.outSize, m, outg, ld,
						c.gradTile(dX, outg, lo, m, gi*cinG, setX))
				}
			} else if dX != nil { // dcol_g = W_gᵀ · dYt_g, into col's buffer, then col2im
				for gi := range c.groups {
					gemmA(wts[gi], false, ld, 1, dyt[gi*c.coutG*ld:], ld, 0, col[gi*c.kG*ld:], ld)
				}
				c.fold(lo, m, col, dX)
			}
		}
		putConvBuf(colBuf)
		putConvBuf(ytBuf)
	})
	if partials != nil {
		addPartials(dW, *partials, parts)
	}
}

// addPartials adds into dst the parts partial sums that ps holds one after
// another, each len(dst) long, in part order: dst[i] += ps[0][i], then
// += ps[1][i], and so on. Parts of dst run in parallel; each element gets
// the same additions in the same order whatever the split.
func addPartials(dst, ps []float32, parts int) {
	size := len(dst)
	parallel.For(size, grainElems, func(lo, hi int) {
		for p := range parts {
			kernels.AddTo(dst[lo:hi], ps[p*size+lo:p*size+hi])
		}
	})
}

// gradTile returns the GEMM epilogue of backward's rotated product for
// the chunk of m samples from lo and the group whose input channels start
// at c0: it adds rows [i0, i1) and columns [j0, j1) of the group's product
// out (row stride m·H·W; column j is position j mod H·W of sample lo +
// j/(H·W)) into dX, while the tile is in cache. Each element is one
// addition, dX + out, as a pass of AddTo after the product makes it; with
// set it is 0 + out (kernels.SetTo), what adding into zeros gives, so dX
// need not be cleared first.
func (c *convChunks) gradTile(dX, out []float32, lo, m, c0 int, set bool) func(i0, i1, j0, j1 int) {
	plane := c.geom.H * c.geom.W
	ld := m * plane
	put := kernels.AddTo
	if set {
		put = kernels.SetTo
	}
	return func(i0, i1, j0, j1 int) {
		for i := i0; i < i1; i++ {
			for j := j0; j < j1; { // one run per sample the tile's columns cross
				s, p := j/plane, j%plane
				e := min(j1, (s+1)*plane)
				put(dX[(lo+s)*c.inSize+(c0+i)*plane+p:][:e-j], out[i*ld+j:][:e-j])
				j = e
			}
		}
	}
}

// conv computes the grouped convolution of the n images in x with w (and
// b), all flat, whose output has outShape, plus shift (N, Cout) at every
// position and res (outShape) when they are not nil, and records its
// backward step.
func (g *Graph) conv(x, w, b *Var, n int, geom kernels.ConvGeom, groups int, outShape []int, shift, res *Var) *Var {
	c := newConvChunks(x, w, n, geom, groups)
	out := g.allocDirty(outShape...) // (N, Cout, *out spatial); forward writes every element
	wino := c.winograd()
	if wino {
		c.winoForward(out.Data, data(b), data(shift), data(res), !g.Recording())
	} else {
		c.forward(out.Data, data(b), data(shift), data(res))
	}

	return g.recordOp(out, func(o *Var) {
		c.X = x.Value.Data // x may have been evicted and made again (Evict)
		dY := o.Grad.Data
		last := passLast(res, x, w, b, shift) // res takes dY's buffer at the end
		if last {
			c.addsBackward(o, b, shift, nil)
		} else {
			c.addsBackward(o, b, shift, res)
		}
		var dX, dW []float32
		setX := false // dX is x's first gradient: set it, without clearing first
		if x.requiresGrad {
			var t *tensor.Tensor
			t, setX = x.GradDst() // backward writes every element of dX
			dX = t.Data
		}
		if w.requiresGrad {
			dW = w.GradBuf().Data
		}
		switch {
		case (dX != nil || dW != nil) && wino:
			c.winoBackward(dY, dX, dW, setX)
		case dX != nil || dW != nil:
			c.backward(dY, dX, dW, setX)
		}
		if last {
			g.passGrad(o, res)
		}
	}, pins{w}, x, w, b, shift, res) // c.W, packed in backward
}

// data is v's flat data, or nil for a nil v.
func data(v *Var) []float32 {
	if v == nil {
		return nil
	}
	return v.Value.Data
}
