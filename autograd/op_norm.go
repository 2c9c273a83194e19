package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// LayerNorm normalises x (…, D) over its last axis,
//
//	y = (x − mean) / √(var + eps) · weight + bias,
//
// with the biased variance (Ba et al., 2016; as PyTorch). weight and bias
// are (D); either may be nil (scale 1, shift 0). Statistics are
// accumulated in float64.
func (g *Graph) LayerNorm(x, weight, bias *Var, eps float64) *Var {
	xs := x.Value.Shape
	if len(xs) == 0 {
		tensor.Shapef("LayerNorm", [][]int{xs}, "input needs at least 1 axis")
	}
	d := xs[len(xs)-1]
	checkAffine("LayerNorm", xs, d, weight, bias)
	rows := tensor.Numel(xs[:len(xs)-1])
	// One "group" per row, one "channel" per feature: the same fused
	// kernels as GroupNorm, with per-element affine parameters.
	return g.normalize(x, weight, bias, normLayout{rows: rows, cpg: 1, s: d, perElem: true}, eps)
}

// GroupNorm normalises x (N, C, *spatial) with any number of spatial axes
// (none for (N, C)) over groups of C/groups channels and all spatial
// positions, per sample, then applies a per-channel affine map:
//
//	y[n, c, …] = (x[n, c, …] − mean[n, g]) / √(var[n, g] + eps) · weight[c] + bias[c],
//
// with the biased variance (Wu & He, 2018; as PyTorch). weight and bias
// are (C); either may be nil. Forward and backward are each one fused
// pass per (sample, group), in parallel, with float64 statistics; the
// forward keeps mean and 1/√(var + eps) for backward.
func (g *Graph) GroupNorm(x *Var, groups int, weight, bias *Var, eps float64) *Var {
	xs := x.Value.Shape
	if len(xs) < 2 {
		tensor.Shapef("GroupNorm", [][]int{xs}, "input needs shape (N, C, …)")
	}
	c := xs[1]
	if groups < 1 || c%groups != 0 {
		tensor.Shapef("GroupNorm", [][]int{xs}, "%d channels do not split into %d groups", c, groups)
	}
	checkAffine("GroupNorm", xs, c, weight, bias)
	return g.normalize(x, weight, bias, normLayout{rows: xs[0] * groups, cpg: c / groups, s: tensor.Numel(xs[2:])}, eps)
}

// negZero is −0, the float64 that leaves every x unchanged under x + negZero.
var negZero = math.Copysign(0, -1)

// checkAffine panics unless weight and bias are nil or have shape (n).
func checkAffine(op string, xs []int, n int, weight, bias *Var) {
	for _, p := range []*Var{weight, bias} {
		if p != nil && (len(p.Value.Shape) != 1 || p.Value.Shape[0] != n) {
			tensor.Shapef(op, [][]int{xs, p.Value.Shape}, "affine parameter must have shape %s", tensor.FormatShape([]int{n}))
		}
	}
}

// normLayout describes x as rows of contiguous blocks, each normalised on
// its own: a block is cpg channels of s elements. Channel k of block r has
// affine index (r mod groups)·cpg + k, where groups = channels/cpg; with
// perElem the affine index is the element's position in its block instead.
type normLayout struct {
	rows, cpg, s int
	perElem      bool
	silu         bool // GroupNormSiLU: SiLU follows the affine map
}

// normalize is the fused forward of LayerNorm and GroupNorm.
func (g *Graph) normalize(x, weight, bias *Var, l normLayout, eps float64) *Var {
	out := g.allocDirty(x.Value.Shape...) // rows·block elements, all written below
	X, Y := x.Value.Data, out.Data
	block := l.cpg * l.s
	nAff := 0 // number of affine parameters
	if l.perElem {
		nAff = l.s
	} else if len(x.Value.Shape) >= 2 {
		nAff = x.Value.Shape[1]
	}
	var W, B []float32
	if weight != nil {
		W = weight.Value.Data
	}
	if bias != nil {
		B = bias.Value.Data
	}
	stats := getFloat64s(2 * l.rows)
	mean, rstd := (*stats)[:l.rows], (*stats)[l.rows:]
	grain := max(1, 16384/max(1, block))
	parallel.For(l.rows, grain, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			xb := X[r*block : (r+1)*block]
			yb := Y[r*block : (r+1)*block]
			if block == 0 {
				continue
			}
			mu, rs := rowStats(xb, eps)
			mean[r], rstd[r] = mu, rs
			if l.perElem && W == nil && B == nil { // LayerNorm without affine parameters
				kernels.NormAffine(yb, xb, mu, rs, negZero) // + −0 keeps every bit of (x − mean)·rstd
				continue
			}
			if l.perElem { // LayerNorm: one parameter per element
				for i, v := range xb {
					y := (float64(v) - mu) * rs
					if W != nil {
						y *= float64(W[i])
					}
					if B != nil {
						y += float64(B[i])
					}
					yb[i] = float32(y)
				}
				continue
			}
			groupNormBlock(l, nAff, r, yb, xb, W, B, mu, rs)
		}
	})
	if !g.Needs(x, weight, bias) { // no backward will read the statistics
		putFloat64s(stats)
		return g.recordOp(out, nil, nil)
	}
	// GroupNorm keeps W and B for the SiLU's backward and for making the
	// output again (Evict); LayerNorm's backward reads weight through the
	// Var.
	var pinned pins
	if !l.perElem {
		pinned = pins{weight, bias}
	}
	v := g.recordOp(out, func(o *Var) {
		defer putFloat64s(stats) // backward runs once
		var sb *siluBack
		if l.silu {
			sb = &siluBack{W: W, B: B, Y: o.Value.Data} // Y may have been evicted and recomputed
		}
		normBackward(l, nAff, oneChannelPart(x), weight, bias, o.Grad.Data, mean, rstd, sb)
	}, pinned, x, weight, bias)
	if l.perElem || block == 0 {
		return v
	}
	// GroupNorm: the output can be made again from x and the statistics,
	// which backward keeps anyway (Evict).
	return g.rematerializable(v, func(dst *tensor.Tensor) {
		x.materialize()
		groupNormBlocks(l, nAff, dst.Data, oneChannelPart(x), W, B, mean, rstd)
	})
}

// groupNormBlocks writes every block of a GroupNorm output Y from its
// input x (one Var, or parts along the channels) and the statistics of
// the forward pass (groupNormBlock), in parallel: Evict's recomputation,
// and GroupNormSiLUConv2dAdd's backward.
func groupNormBlocks(l normLayout, nAff int, Y []float32, x *channelParts, W, B []float32, mean, rstd []float64) {
	block := l.cpg * l.s
	x.eachBlock(l, func(r int, xb []float32) {
		groupNormBlock(l, nAff, r, Y[r*block:(r+1)*block], xb, W, B, mean[r], rstd[r])
	})
}

// eachBlock calls fn(r, xb) for every block r of layout l of x's values,
// in parallel: xb lies in place, or, for a block that spans two parts, is
// gathered into a scratch of the worker's, valid during the call.
func (x *channelParts) eachBlock(l normLayout, fn func(r int, xb []float32)) {
	block := l.cpg * l.s
	xd := x.values()
	parallel.For(l.rows, max(1, 16384/max(1, block)), func(lo, hi int) {
		var buf *[]float32 // a block that spans two parts, gathered
		if len(xd) > 1 {
			buf = getConvBuf(block)
			defer putConvBuf(buf)
		}
		for r := lo; r < hi; r++ {
			xb, _ := x.block(xd, r, l, bufOf(buf))
			fn(r, xb)
		}
	})
}

// groupNormBlock writes block r of a GroupNorm output from its input xb,
// mean mu and reciprocal standard deviation rs: y = (x − mu)·rs·w + b per
// channel, then SiLU(y) with l.silu. The forward pass and Evict's
// recomputation both make the output here, so they agree to the bit. The
// SiLU runs as a second pass over the block, which is still in L1: one
// loop doing both per vector measured slower (its dependency chain, the
// float64 affine map with its conversions then σ, is too long for the
// out-of-order window; see kernels.NormAffineSiLUGrad for the backward,
// where one pass pays).
func groupNormBlock(l normLayout, nAff, r int, yb, xb, W, B []float32, mu, rs float64) {
	a0 := affineBase(l, r, nAff)
	for c := 0; c < l.cpg; c++ { // one parameter per channel
		a, sh := channelAffine(W, B, a0+c, rs) // y = (x − mean)·a + sh
		kernels.NormAffine(yb[c*l.s:(c+1)*l.s], xb[c*l.s:(c+1)*l.s], mu, a, sh)
	}
	if l.silu {
		kernels.SiLU(yb, yb) // while the block is in cache
	}
}

// channelAffine returns the map y = (x − mean)·a + sh of affine index i,
// a = rs·W[i] and sh = B[i] (1 and 0 where W or B is nil).
func channelAffine(W, B []float32, i int, rs float64) (a, sh float64) {
	a = rs
	if W != nil {
		a *= float64(W[i])
	}
	if B != nil {
		sh = float64(B[i])
	}
	return a, sh
}

// affineBase is the affine index of channel 0 of block r.
func affineBase(l normLayout, r, nAff int) int {
	if l.perElem || l.cpg == 0 {
		return 0
	}
	groups := nAff / l.cpg
	return (r % groups) * l.cpg
}

// normBackward is the fused backward of normalize. With x̂ = (x − mean)·rstd
// and dx̂ = dy·w, over the M elements of a block:
//
//	dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),
//	dw = Σ dy · x̂,  db = Σ dy  (over everything sharing the parameter).
//
// Each block writes its own partial sums of dy·x̂ and dy per affine index;
// the partials are then added in block (LayerNorm: chunk) order, so the
// result does not depend on scheduling. With sb (GroupNormSiLU), dY is the
// gradient at the SiLU's output, and each block's dy at the norm's output
// is made from it first, in a scratch block, while the block is in cache.
// x is the input: one Var, or for GroupNorm the parts of a concatenation
// along the channels that was never made, each of whose gradients gets
// its channels of dx.
func normBackward(l normLayout, nAff int, x *channelParts, weight, bias *Var, dY []float32, mean, rstd []float64, sb *siluBack) {
	xd := x.values()
	dxd, setX := x.grads() // dxd nil: no gradient wanted; setX: clear each block as it is reached, in cache
	block := l.cpg * l.s
	var W []float32
	if weight != nil {
		W = weight.Value.Data
	}
	wantAff := (weight != nil && weight.requiresGrad) || (bias != nil && bias.requiresGrad)
	// GroupNorm keeps per-block partial sums per channel; LayerNorm's
	// per-element sums are reduced over rows in chunks below.
	var pdw, pdb []float64
	if !l.perElem {
		partials := getFloat64s(2 * l.rows * l.cpg)
		defer putFloat64s(partials)
		clear(*partials) // rows of an empty block add nothing
		pdw, pdb = (*partials)[:l.rows*l.cpg], (*partials)[l.rows*l.cpg:]
	}
	grain := max(1, 16384/max(1, block))
	if dxd != nil || !l.perElem {
		parallel.For(l.rows, grain, func(lo, hi int) {
			var dz *[]float32 // sb: one block of the gradient at the norm's output
			if sb != nil {
				dz = getConvBuf(block)
				defer putConvBuf(dz)
			}
			var xs, dxs *[]float32 // blocks that span parts of x, gathered
			if len(x.vars) > 1 {
				xs, dxs = getConvBuf(block), getConvBuf(block)
				defer putConvBuf(xs)
				defer putConvBuf(dxs)
			}
			for r := lo; r < hi; r++ {
				if block == 0 {
					continue
				}
				xb, _ := x.block(xd, r, l, bufOf(xs))
				gb := dY[r*block : (r+1)*block]
				mu, rs := mean[r], rstd[r]
				if sb != nil {
					sb.block(l, nAff, r, xb, gb, *dz, mu, rs)
					gb = *dz
				}
				var m1, m2 float64 // Σ dx̂, Σ dx̂·x̂
				// LayerNorm reaches here only when dX is wanted.
				if l.perElem && W == nil { // vectorised: Σ dy and Σ dy·(x − mean)
					m1, m2 = kernels.NormGradSums(gb, xb, mu)
				} else if l.perElem {
					for i, v := range xb {
						dxh := float64(gb[i])
						if W != nil {
							dxh *= float64(W[i])
						}
						m1 += dxh
						m2 += dxh * (float64(v) - mu)
					}
				} else {
					a0 := affineBase(l, r, nAff)
					for c := 0; c < l.cpg; c++ {
						// Σ dy, Σ dy·(x − mean) over the channel
						sdy, sdyx := kernels.NormGradSums(gb[c*l.s:(c+1)*l.s], xb[c*l.s:(c+1)*l.s], mu)
						pdb[r*l.cpg+c], pdw[r*l.cpg+c] = sdy, sdyx*rs
						w := 1.0
						if W != nil {
							w = float64(W[a0+c])
						}
						m1 += w * sdy
						m2 += w * sdyx
					}
				}
				if dxd == nil {
					continue
				}
				m1 /= float64(block)
				m2 *= rs / float64(block)
				// gathered only where GroupNorm's block spans parts: scattered below
				dxb, gathered := x.block(dxd, r, l, bufOf(dxs))
				if setX { // one part, in place: every branch below adds into the whole block
					clear(dxb)
				}
				if l.perElem && W == nil { // the loop below with w = 1, vectorised
					kernels.NormGradApply(dxb, gb, xb, mu, rs, 1, m1, m2)
					continue
				}
				if l.perElem {
					for i, v := range xb {
						dxh := float64(gb[i])
						if W != nil {
							dxh *= float64(W[i])
						}
						dxb[i] += float32(rs * (dxh - m1 - (float64(v)-mu)*rs*m2))
					}
					continue
				}
				a0 := affineBase(l, r, nAff)
				for c := 0; c < l.cpg; c++ {
					w := 1.0
					if W != nil {
						w = float64(W[a0+c])
					}
					// dx += rs·((dy·w − m1) − x̂·m2)
					kernels.NormGradApply(dxb[c*l.s:(c+1)*l.s], gb[c*l.s:(c+1)*l.s], xb[c*l.s:(c+1)*l.s], mu, rs, w, m1, m2)
				}
				if gathered {
					x.scatter(dxd, r, l, dxb)
				}
			}
		})
	}
	if !wantAff {
		return
	}
	dw := make([]float64, nAff)
	dbias := make([]float64, nAff)
	if l.perElem {
		// Reduce over rows in chunks; partials are added in chunk order.
		nc := parallel.Chunks(l.rows, max(1, 16384/max(1, l.s)))
		cw := make([]float64, nc*nAff)
		cb := make([]float64, nc*nAff)
		parallel.ForChunks(l.rows, max(1, 16384/max(1, l.s)), func(ch, lo, hi int) {
			pw, pb := cw[ch*nAff:(ch+1)*nAff], cb[ch*nAff:(ch+1)*nAff]
			for r := lo; r < hi; r++ {
				mu, rs := mean[r], rstd[r]
				for i := 0; i < l.s; i++ {
					j := r*l.s + i
					dy := float64(dY[j])
					pw[i] += dy * (float64(xd[0][j]) - mu) * rs // LayerNorm: x is one part
					pb[i] += dy
				}
			}
		})
		for ch := 0; ch < nc; ch++ {
			for i := 0; i < nAff; i++ {
				dw[i] += cw[ch*nAff+i]
				dbias[i] += cb[ch*nAff+i]
			}
		}
	} else {
		for r := 0; r < l.rows; r++ {
			a0 := affineBase(l, r, nAff)
			for c := 0; c < l.cpg; c++ {
				dw[a0+c] += pdw[r*l.cpg+c]
				dbias[a0+c] += pdb[r*l.cpg+c]
			}
		}
	}
	if weight != nil && weight.requiresGrad {
		gw := weight.GradBuf().Data
		for i, v := range dw {
			gw[i] += float32(v)
		}
	}
	if bias != nil && bias.requiresGrad {
		gb := bias.GradBuf().Data
		for i, v := range dbias {
			gb[i] += float32(v)
		}
	}
}
