package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
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
	outShape := []int{xs[0], ws[0], geom.OutH(), geom.OutW()}
	if shift != nil && !tensor.SameShape(shift.Value.Shape, outShape[:2]) {
		tensor.Shapef(op, [][]int{xs, ws, shift.Value.Shape}, "shift wants shape %s", tensor.FormatShape(outShape[:2]))
	}
	if res != nil && !tensor.SameShape(res.Value.Shape, outShape) {
		tensor.Shapef(op, [][]int{xs, ws, res.Value.Shape}, "res wants shape %s", tensor.FormatShape(outShape))
	}
	return g.conv(x, w, b, xs[0], geom, groups, outShape, shift, res)
}
