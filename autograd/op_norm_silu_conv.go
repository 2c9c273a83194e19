package autograd

import (
	"sync"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
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
	const op = "GroupNormSiLUConv2dAdd"
	record := g.Needs(x, nw, nb, w, b, shift, res)
	c := normSiLUConvChunks(x, groups, w, stride, padding)
	if c == nil { // the two ops' checks say what is wrong, if anything
		return g.normSiLUConvTwoSteps(x, groups, nw, nb, eps, w, b, stride, padding, shift, res)
	}
	xs, ws := x.Value.Shape, w.Value.Shape
	checkAffine(op, xs, xs[1], nw, nb)
	checkConv(op, x, w, b, c.geom, 1)
	outShape := convAddShape(op, xs, ws, c.geom, shift, res)
	n, cin := xs[0], xs[1]
	l := normLayout{rows: n * groups, cpg: cin / groups, s: xs[2] * xs[3], silu: true}
	stats := getFloat64s(2 * l.rows)
	mean, rstd := (*stats)[:l.rows], (*stats)[l.rows:]
	aff := getNormSiLUAffine(n * cin)
	groupNormMaps(*aff, mean, rstd, x.Value.Data, l, cin, data(nw), data(nb), eps)
	out := g.allocDirty(outShape...) // every element written by the output transform
	c.winoForwardNorm(out.Data, data(b), data(shift), data(res), !g.Recording(), *aff)
	putNormSiLUAffine(aff)
	if !record {
		putFloat64s(stats)
		return g.recordOp(out, nil, nil)
	}
	W, B := data(nw), data(nb)
	return g.recordOp(out, func(o *Var) {
		defer putFloat64s(stats) // backward runs once
		c.addsBackward(o, b, shift, res)
		wantA := x.requiresGrad || (nw != nil && nw.requiresGrad) || (nb != nil && nb.requiresGrad)
		if !wantA && !w.requiresGrad {
			return
		}
		// The activation, made once, as GroupNormSiLU's forward (and Evict's
		// recomputation) makes it: the convolution's weight gradient and
		// the norm's backward read it.
		act := getConvBuf(n * c.inSize)
		defer putConvBuf(act)
		groupNormBlocks(l, cin, *act, x.Value.Data, W, B, mean, rstd) // x may have been evicted and made again (Evict)
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
		c.winoBackwardTo(o.Grad.Data, dA, dW, false)
		if dA != nil {
			normBackward(l, cin, x, nw, nb, dA, mean, rstd, &siluBack{W: W, B: B, Y: *act})
		}
	}, pins{w, nw, nb}, x, nw, nb, w, b, shift, res) // w: packed in backward; nw, nb: their data kept
}

// normSiLUConvChunks is the convolution of a GroupNormSiLUConv2dAdd call
// when its input can be normalised in the Winograd input transform
// (F(4×4, 3×3) forward; backward may take either algorithm), else nil.
func normSiLUConvChunks(x *Var, groups int, w *Var, stride, padding int) *convChunks {
	xs, ws := x.Value.Shape, w.Value.Shape
	if len(xs) != 4 || len(ws) != 4 || groups < 1 || xs[1]%groups != 0 || ws[1] != xs[1] {
		return nil
	}
	geom := kernels.ConvGeom{C: xs[1], H: xs[2], W: xs[3], KH: ws[2], KW: ws[3],
		StrideH: stride, StrideW: stride, PadH: padding, PadW: padding}
	c := newConvChunks(x, w, xs[0], geom, 1)
	if !c.winograd() || c.algo(false) != wino4 {
		return nil
	}
	return c
}

// normSiLUConvTwoSteps is GroupNormSiLUConv2dAdd as two ops.
func (g *Graph) normSiLUConvTwoSteps(x *Var, groups int, nw, nb *Var, eps float64, w, b *Var, stride, padding int, shift, res *Var) *Var {
	a := g.GroupNormSiLU(x, groups, nw, nb, eps)
	out := g.Conv2dAdd(a, w, b, stride, padding, 1, shift, res)
	g.Evict(a) // made again from x in backward, for the convolution's weight gradient
	return out
}

// groupNormMaps sets mean[r] and rstd[r] to the mean and 1/√(var + eps)
// of block r of x, a (sample, group) of GroupNormSiLU's layout l over c
// channels, as normalize computes them (rowStats), and aff[s·c + ch] to
// the affine map of sample s, channel ch: a = rstd·weight and sh = bias
// (channelAffine), so that NormAffine under the map makes GroupNorm's
// output bit for bit. Channel k of block r is the flat (sample, channel)
// index r·cpg + k.
func groupNormMaps(aff []kernels.NormSiLUAffine, mean, rstd []float64, x []float32, l normLayout, c int, W, B []float32, eps float64) {
	block := l.cpg * l.s
	parallel.For(l.rows, max(1, 16384/max(1, block)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			mu, rs := rowStats(x[r*block:(r+1)*block], eps)
			mean[r], rstd[r] = mu, rs
			a0 := affineBase(l, r, c)
			for k := range l.cpg {
				a, sh := channelAffine(W, B, a0+k, rs)
				aff[r*l.cpg+k] = kernels.NormSiLUAffine{Mu: mu, A: a, Sh: sh}
			}
		}
	})
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
