package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// Conv2d is the 2-D convolution of PyTorch's torch.nn.functional.conv2d
// (a cross-correlation): x (N, Cin, H, W), w (Cout, Cin/groups, kH, kW), b
// (Cout) or nil, the same stride and zero padding along both axes. The
// channels split into groups consecutive blocks; output block j sees only
// input block j. The result is (N, Cout, OH, OW) with
// OH = ⌊(H + 2·padding − kH) / stride⌋ + 1, and likewise OW.
//
// The batch is cut into chunks of a few samples whose columns (im2col)
// sit side by side in one matrix, so that one GEMM per group and chunk
// convolves them all (op_conv_chunks.go). Backward recomputes the columns
// instead of keeping them.
func (g *Graph) Conv2d(x, w, b *Var, stride, padding, groups int) *Var {
	const op = "Conv2d"
	xs, ws := x.Value.Shape, w.Value.Shape
	if len(xs) != 4 || len(ws) != 4 {
		tensor.Shapef(op, convShapes(x, w, b), "want x (N, Cin, H, W) and w (Cout, Cin/groups, kH, kW)")
	}
	geom := kernels.ConvGeom{C: xs[1], H: xs[2], W: xs[3], KH: ws[2], KW: ws[3],
		StrideH: stride, StrideW: stride, PadH: padding, PadW: padding}
	checkConv(op, x, w, b, geom, groups)
	return g.conv(x, w, b, xs[0], geom, groups, []int{xs[0], ws[0], geom.OutH(), geom.OutW()}, nil, nil)
}

// Conv1d is the 1-D convolution of torch.nn.functional.conv1d: x (N, Cin,
// L), w (Cout, Cin/groups, K), b (Cout) or nil. The result is (N, Cout, OL)
// with OL = ⌊(L + 2·padding − K) / stride⌋ + 1. It is Conv2d with H = kH = 1.
func (g *Graph) Conv1d(x, w, b *Var, stride, padding, groups int) *Var {
	const op = "Conv1d"
	xs, ws := x.Value.Shape, w.Value.Shape
	if len(xs) != 3 || len(ws) != 3 {
		tensor.Shapef(op, convShapes(x, w, b), "want x (N, Cin, L) and w (Cout, Cin/groups, K)")
	}
	geom := kernels.ConvGeom{C: xs[1], H: 1, W: xs[2], KH: 1, KW: ws[2],
		StrideH: 1, StrideW: stride, PadH: 0, PadW: padding}
	checkConv(op, x, w, b, geom, groups)
	return g.conv(x, w, b, xs[0], geom, groups, []int{xs[0], ws[0], geom.OutW()}, nil, nil)
}

// convShapes lists the operands' shapes for a ShapeError.
func convShapes(x, w, b *Var) [][]int {
	shapes := [][]int{x.Value.Shape, w.Value.Shape}
	if b != nil {
		shapes = append(shapes, b.Value.Shape)
	}
	return shapes
}

// checkConv panics with a ShapeError unless x, w and b fit geom and groups.
// w.Value.Shape[1] is the number of input channels per group.
func checkConv(op string, x, w, b *Var, geom kernels.ConvGeom, groups int) {
	shapes := convShapes(x, w, b)
	cout, cinG := w.Value.Shape[0], w.Value.Shape[1]
	switch {
	case geom.StrideW < 1 || geom.StrideH < 1 || geom.PadW < 0 || groups < 1:
		tensor.Shapef(op, shapes, "stride %d, padding %d, groups %d: want stride ≥ 1, padding ≥ 0, groups ≥ 1",
			geom.StrideW, geom.PadW, groups)
	case geom.C%groups != 0 || cout%groups != 0:
		tensor.Shapef(op, shapes, "%d input and %d output channels do not split into %d groups", geom.C, cout, groups)
	case cinG*groups != geom.C:
		tensor.Shapef(op, shapes, "input has %d channels, weight wants %d (%d per group × groups %d)",
			geom.C, cinG*groups, cinG, groups)
	case b != nil && !tensor.SameShape(b.Value.Shape, []int{cout}):
		tensor.Shapef(op, shapes, "bias wants shape %s", tensor.FormatShape([]int{cout}))
	case geom.H+2*geom.PadH < geom.KH || geom.W+2*geom.PadW < geom.KW:
		tensor.Shapef(op, shapes, "kernel %d×%d larger than padded input %d×%d",
			geom.KH, geom.KW, geom.H+2*geom.PadH, geom.W+2*geom.PadW)
	}
}
