package autograd

import (
	"slices"
	"sync"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// GroupNormSiLUConv2dAdd is a ResBlock's conv(SiLU(GroupNorm(x))) plus its
// additions,
//
//	out = Conv2dAdd(GroupNormSiLU(x, groups, nw, nb, eps), w, b, stride, padding, 1, shift, res),
//
// with the same bits, gradients included. Where the convolution runs
// through Winograd's F(4×4, 3×3), the forward pass never writes the
// activation: only the statistics of each (sample, group) are computed
// first, and the norm's affine map and the SiLU are applied channel by
// channel as the input transform copies the image into its zero-padded
// tiles (kernels.Winograd4InputNormSiLU). Backward makes the activation
// once, as the two ops' Evict would make it again, for the convolution's
// weight gradient and the norm's SiLU′. Elsewhere it runs the two ops,
// giving the activation back (Evict) once the convolution has read it, as
// a ResBlock does.
func (g *Graph) GroupNormSiLUConv2dAdd(x *Var, groups int, nw, nb *Var, eps float64, w, b *Var, stride, padding int, shift, res *Var) *Var {
	return g.GroupNormSiLUConv2dAddCat([]*Var{x}, groups, nw, nb, eps, w, b, stride, padding, shift, res)
}

// GroupNormSiLUConv2dAddCat is GroupNormSiLUConv2dAdd of the concatenation
// Concat(1, xs...) of inputs (N, C_k, H, W), as a U-Net decoder's
// ResBlock reads its input and skip, with the same bits. Where the op
// fuses, the concatenation is never made: the statistics and the input
// transform read each channel in its part (a group that spans two parts
// is copied into a scratch block), and backward adds each part's
// gradient into that part's own buffer. Elsewhere, and where a Var is
// listed twice (the norm's backward would add both copies' gradients into
// its one buffer from two workers at once), it makes the concatenation,
// runs the two ops on it, and gives it back (Evict) for backward to make
// again.
func (g *Graph) GroupNormSiLUConv2dAddCat(xs []*Var, groups int, nw, nb *Var, eps float64, w, b *Var, stride, padding int, shift, res *Var) *Var {
	const op = "GroupNormSiLUConv2dAdd"
	x := newChannelParts(op, xs)
	c := normSiLUConvChunks(x, groups, w, stride, padding)
	if c == nil || repeats(xs) { // the two ops' checks say what is wrong, if anything
		if len(xs) == 1 {
			return g.normSiLUConvTwoSteps(xs[0], groups, nw, nb, eps, w, b, stride, padding, shift, res)
		}
		cat := g.Concat(1, xs...)
		out := g.normSiLUConvTwoSteps(cat, groups, nw, nb, eps, w, b, stride, padding, shift, res)
		g.Evict(cat) // made again from the parts in backward
		return out
	}
	shape := x.shape()
	checkAffine(op, shape, shape[1], nw, nb)
	checkConv(op, &Var{Value: &tensor.Tensor{Shape: shape}}, w, b, c.geom, 1) // checkConv reads x's shape alone
	outShape := convAddShape(op, shape, w.Value.Shape, c.geom, shift, res)
	n, cin := shape[0], shape[1]
	l := normLayout{rows: n * groups, cpg: cin / groups, s: x.s, silu: true}
	stats := getFloat64s(2 * l.rows)
	mean, rstd := (*stats)[:l.rows], (*stats)[l.rows:]
	aff := getNormSiLUAffine(n * cin)
	groupNormMaps(*aff, mean, rstd, x, l, data(nw), data(nb), eps)
	out := g.allocDirty(outShape...) // every element written by the output transform
	c.winoForwardIn(out.Data, data(b), data(shift), data(res), !g.Recording(), x.normSiLUInput(*aff, c.geom))
	putNormSiLUAffine(aff)
	inputs := append(append([]*Var(nil), xs...), nw, nb, w, b, shift, res)
	if !g.Needs(inputs...) {
		putFloat64s(stats)
		return g.recordOp(out, nil, nil)
	}
	W, B := data(nw), data(nb)
	return g.recordOp(out, func(o *Var) {
		defer putFloat64s(stats) // backward runs once
		// res takes o's gradient buffer at the end, unless it is another input too
		last := passLast(res, inputs[:len(inputs)-1]...)
		if last {
			c.addsBackward(o, b, shift, nil)
			defer g.passGrad(o, res) // after every read of o's gradient
		} else {
			c.addsBackward(o, b, shift, res)
		}
		wantA := (nw != nil && nw.requiresGrad) || (nb != nil && nb.requiresGrad)
		for _, v := range xs {
			wantA = wantA || v.requiresGrad
		}
		if !wantA && !w.requiresGrad {
			return
		}
		// The activation, made once, as GroupNormSiLU's forward (and Evict's
		// recomputation) makes it: the convolution's weight gradient and
		// the norm's backward read it.
		act := getConvBuf(n * c.inSize)
		defer putConvBuf(act)
		groupNormBlocks(l, cin, *act, x, W, B, mean, rstd) // the parts may have been evicted and made again (Evict)
		c.X = *act
		var dA, dW []float32 // the gradients at the activation (set, not added: a scratch) and at w
		if wantA {
			buf := getConvBuf(n * c.inSize)
			defer putConvBuf(buf)
			dA = *buf
		}
		if w.requiresGrad {
			dW = w.GradBuf().Data
		}
		c.winoBackward(o.Grad.Data, dA, dW, true)
		if dA != nil {
			normBackward(l, cin, x, nw, nb, dA, mean, rstd, &siluBack{W: W, B: B, Y: *act})
		}
	}, pins{w, nw, nb}, inputs...) // w: packed in backward; nw, nb: their data kept
}

// normSiLUConvChunks is the convolution of a GroupNormSiLUConv2dAdd call
// when its input x can be normalised in the Winograd input transform
// (F(4×4, 3×3) forward; backward may take either algorithm), else nil.
// Its X is not x (the forward pass reads x through normSiLUInput).
func normSiLUConvChunks(x *channelParts, groups int, w *Var, stride, padding int) *convChunks {
	xs, ws := x.shape(), w.Value.Shape
	if len(xs) != 4 || len(ws) != 4 || groups < 1 || xs[1]%groups != 0 || ws[1] != xs[1] {
		return nil
	}
	geom := kernels.ConvGeom{C: xs[1], H: xs[2], W: xs[3], KH: ws[2], KW: ws[3],
		StrideH: stride, StrideW: stride, PadH: padding, PadW: padding}
	c := newConvChunks(x.vars[0], w, xs[0], geom, 1)
	if !c.winograd() || c.algo(false) != wino4 {
		return nil
	}
	c.X = nil
	return c
}

// repeats reports whether a Var stands more than once in xs.
func repeats(xs []*Var) bool {
	for i, x := range xs {
		if slices.Contains(xs[:i], x) {
			return true
		}
	}
	return false
}

// normSiLUConvTwoSteps is GroupNormSiLUConv2dAdd as two ops.
func (g *Graph) normSiLUConvTwoSteps(x *Var, groups int, nw, nb *Var, eps float64, w, b *Var, stride, padding int, shift, res *Var) *Var {
	a := g.GroupNormSiLU(x, groups, nw, nb, eps)
	out := g.Conv2dAdd(a, w, b, stride, padding, 1, shift, res)
	g.Evict(a) // made again from x in backward, for the convolution's weight gradient
	return out
}

// groupNormMaps sets mean[r] and rstd[r] to the mean and 1/√(var + eps)
// of block r of x, a (sample, group) of GroupNormSiLU's layout l, as
// normalize computes them (rowStats), and aff to the affine map of every
// sample and channel (a = rstd·weight and sh = bias: channelAffine), laid
// out as normSiLUInput reads them, so that NormAffine under the map makes
// GroupNorm's output bit for bit.
func groupNormMaps(aff []kernels.NormSiLUAffine, mean, rstd []float64, x *channelParts, l normLayout, W, B []float32, eps float64) {
	c := x.channels()
	n := l.rows * l.cpg / c
	x.eachBlock(l, func(r int, xb []float32) {
		mu, rs := rowStats(xb, eps)
		mean[r], rstd[r] = mu, rs
		a0 := affineBase(l, r, c)
		for k := range l.cpg {
			a, sh := channelAffine(W, B, a0+k, rs)
			aff[x.mapIndex(n, r*l.cpg/c, a0+k)] = kernels.NormSiLUAffine{Mu: mu, A: a, Sh: sh}
		}
	})
}

// mapIndex is where normSiLUInput finds the affine map of sample i and
// channel ch of the n samples: part by part, and within a part sample by
// sample (i·C + ch for one part).
func (x *channelParts) mapIndex(n, i, ch int) int {
	k := x.part(ch)
	return n*x.c0[k] + i*(x.c0[k+1]-x.c0[k]) + ch - x.c0[k]
}

// normSiLUInput is the F(4×4) input transform of SiLU(z), z the parts of
// x under the maps aff (groupNormMaps), part by part: each part's
// channels go to their rows of v (kernels.Winograd4InputNormSiLU).
func (x *channelParts) normSiLUInput(aff []kernels.NormSiLUAffine, geom kernels.ConvGeom) winoInput {
	xd := x.values()
	n := len(aff) / x.channels()
	return func(v []float32, blk, ld, lo, ms int, par bool) {
		for k, d := range xd {
			c0, ck := x.c0[k], x.c0[k+1]-x.c0[k]
			kernels.Winograd4InputNormSiLU(v[c0*ld:], blk, ld, d[lo*ck*x.s:], ck*x.s, ms, ck, geom.H, geom.W,
				aff[x.mapIndex(n, lo, c0):], par)
		}
	}
}

// normSiLUMaps keeps the maps' buffers between calls.
var normSiLUMaps sync.Pool

// getNormSiLUAffine returns a buffer of n maps, from the pool when one is
// large enough.
func getNormSiLUAffine(n int) *[]kernels.NormSiLUAffine {
	if p, ok := normSiLUMaps.Get().(*[]kernels.NormSiLUAffine); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]kernels.NormSiLUAffine, n)
	return &s
}

// putNormSiLUAffine gives p back; the caller must not use it again.
func putNormSiLUAffine(p *[]kernels.NormSiLUAffine) { normSiLUMaps.Put(p) }
