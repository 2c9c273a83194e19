package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Conv2dAdd is Conv2d(x, w, b, stride, padding, groups) with two additions
// folded into the pass that writes the output:
//
//	out[n, c, i, j] = conv[n, c, i, j] + shift[n, c] + res[n, c, i, j]
//
// shift (N, Cout) is a per-sample, per-channel offset (a ResBlock's time
// embedding, broadcast over positions) and res (N, Cout, OH, OW) a
// residual; either may be nil. It equals Add(Add(Conv2d(…), shift[:, :,
// None, None]), res) to the bit, without making or keeping the two
// intermediate tensors.
func (g *Graph) Conv2dAdd(x, w, b *Var, stride, padding, groups int, shift, res *Var) *Var {
	const op = "Conv2dAdd"
	xs, ws := x.Value.Shape, w.Value.Shape
	if len(xs) != 4 || len(ws) != 4 {
		tensor.Shapef(op, convShapes(x, w, b), "want x (N, Cin, H, W) and w (Cout, Cin/groups, kH, kW)")
	}
	geom := kernels.ConvGeom{C: xs[1], H: xs[2], W: xs[3], KH: ws[2], KW: ws[3],
		StrideH: stride, StrideW: stride, PadH: padding, PadW: padding}
	checkConv(op, x, w, b, geom, groups)
	outShape := convAddShape(op, xs, ws, geom, shift, res)
	return g.conv(x, w, b, xs[0], geom, groups, outShape, shift, res)
}

// convAddShape is the output shape (N, Cout, OH, OW) of a convolution of
// x (xs) with w (ws) in geom; it panics with a ShapeError unless shift
// and res (each may be nil) fit it.
func convAddShape(op string, xs, ws []int, geom kernels.ConvGeom, shift, res *Var) []int {
	outShape := []int{xs[0], ws[0], geom.OutH(), geom.OutW()}
	if shift != nil && !tensor.SameShape(shift.Value.Shape, outShape[:2]) {
		tensor.Shapef(op, [][]int{xs, ws, shift.Value.Shape}, "shift wants shape %s", tensor.FormatShape(outShape[:2]))
	}
	if res != nil && !tensor.SameShape(res.Value.Shape, outShape) {
		tensor.Shapef(op, [][]int{xs, ws, res.Value.Shape}, "res wants shape %s", tensor.FormatShape(outShape))
	}
	return outShape
}

// addsBackward adds the gradients of the terms the convolution added to
// its output o (conv's and GroupNormSiLUConv2dAdd's backward): res gets
// o's gradient dY, shift (N, Cout) the sum of dY over each sample's
// channel plane, b the sum over samples and positions: in float64, the
// planes' sums added in sample order. Each plane is summed once, for both.
func (c *convChunks) addsBackward(o, b, shift, res *Var) {
	if res != nil && res.requiresGrad {
		res.AccumGrad(o.Grad)
	}
	wantS, wantB := shift != nil && shift.requiresGrad, b != nil && b.requiresGrad
	if !wantS && !wantB {
		return
	}
	dY, n, cout, hw := o.Grad.Data, c.n, c.cout, c.hw
	sums := getFloat64s(n * cout) // Σ over the pixels of plane (i, ch), at i·Cout + ch
	defer putFloat64s(sums)
	ps := *sums
	parallel.For(n*cout, 1+4096/hw, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ps[r] = kernels.Sum(dY[r*hw : (r+1)*hw])
		}
	})
	if wantS { // dshift[i, ch] = Σ over pixels of dY[i, ch, ·]
		dS := shift.GradBuf().Data
		for r, s := range ps {
			dS[r] += float32(s)
		}
	}
	if wantB { // db[ch] = Σ over samples and pixels of dY[·, ch, ·]
		dB := b.GradBuf().Data
		for ch := range cout {
			var s float64
			for i := range n {
				s += ps[i*cout+ch]
			}
			dB[ch] += float32(s)
		}
	}
}
