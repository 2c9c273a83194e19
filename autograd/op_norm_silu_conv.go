package autograd

import (
	"sync"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// GroupNormSiLUConv2dAdd is a ResBlock's conv(SiLU(GroupNorm(x))) plus its
// additions,
//
//	out = Conv2dAdd(GroupNormSiLU(x, groups, nw, nb, eps), w, b, stride, padding, 1, shift, res),
//
// with the same bits. When no backward step is recorded (sampling) and the
// convolution runs through Winograd's F(4×4, 3×3), the norm's affine map
// and the SiLU are applied in the input transform's copy of each image row
// into its zero-padded tiles (kernels.Winograd4InputNormSiLU), so the
// activated input is never written: only the statistics of each (sample,
// group) are computed first. Otherwise it runs the two ops, giving the
// activation back (Evict) once the convolution has read it, as a ResBlock
// does, so that a recording graph recomputes it in backward.
func (g *Graph) GroupNormSiLUConv2dAdd(x *Var, groups int, nw, nb *Var, eps float64, w, b *Var, stride, padding int, shift, res *Var) *Var {
	if g.Needs(x, nw, nb, w, b, shift, res) {
		return g.normSiLUConvTwoSteps(x, groups, nw, nb, eps, w, b, stride, padding, shift, res)
	}
	const op = "GroupNormSiLUConv2dAdd"
	c := normSiLUConvChunks(x, groups, w, stride, padding)
	if c == nil { // the two ops' checks say what is wrong, if anything
		return g.normSiLUConvTwoSteps(x, groups, nw, nb, eps, w, b, stride, padding, shift, res)
	}
	xs, ws := x.Value.Shape, w.Value.Shape
	checkAffine(op, xs, xs[1], nw, nb)
	checkConv(op, x, w, b, c.geom, 1)
	outShape := []int{xs[0], ws[0], c.geom.OutH(), c.geom.OutW()}
	if shift != nil && !tensor.SameShape(shift.Value.Shape, outShape[:2]) {
		tensor.Shapef(op, [][]int{xs, ws, shift.Value.Shape}, "shift wants shape %s", tensor.FormatShape(outShape[:2]))
	}
	if res != nil && !tensor.SameShape(res.Value.Shape, outShape) {
		tensor.Shapef(op, [][]int{xs, ws, res.Value.Shape}, "res wants shape %s", tensor.FormatShape(outShape))
	}
	aff := getNormSiLUAffine(xs[0] * xs[1])
	defer putNormSiLUAffine(aff)
	groupNormMaps(*aff, x.Value.Data, xs[0], xs[1], groups, xs[2]*xs[3], data(nw), data(nb), eps)
	out := g.allocDirty(outShape...) // every element written by the output transform
	c.winoForwardNorm(out.Data, data(b), data(shift), data(res), !g.Recording(), *aff)
	return g.recordOp(out, nil, nil)
}

// normSiLUConvChunks is the convolution of a GroupNormSiLUConv2dAdd call
// that records no backward step when its input can be normalised in the
// Winograd input transform (F(4×4, 3×3) forward), else nil.
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

// groupNormMaps sets aff[s·c + ch] to the affine map of sample s, channel
// ch of GroupNorm over x (n × c × hw, in groups of c/groups channels):
// mean and 1/√(var + eps) of the channel's (sample, group) as normalize
// computes them (rowStats), a = rstd·weight and sh = bias (channelAffine),
// so that NormAffine under the map makes GroupNorm's output bit for bit.
func groupNormMaps(aff []kernels.NormSiLUAffine, x []float32, n, c, groups, hw int, W, B []float32, eps float64) {
	cpg := c / groups
	block := cpg * hw
	parallel.For(n*groups, max(1, 16384/max(1, block)), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			mu, rs := rowStats(x[r*block:(r+1)*block], eps)
			s, c0 := r/groups, (r%groups)*cpg
			for ch := c0; ch < c0+cpg; ch++ {
				a, sh := channelAffine(W, B, ch, rs)
				aff[s*c+ch] = kernels.NormSiLUAffine{Mu: mu, A: a, Sh: sh}
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
