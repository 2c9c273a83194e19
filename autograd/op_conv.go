package autograd

import (
	"sync"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Conv2d is the 2-D convolution of PyTorch's torch.nn.functional.conv2d
// (a cross-correlation): x (N, Cin, H, W), w (Cout, Cin/groups, kH, kW), b
// (Cout) or nil, the same stride and zero padding along both axes. The
// channels split into groups consecutive blocks; output block j sees only
// input block j. The result is (N, Cout, OH, OW) with
// OH = ⌊(H + 2·padding − kH) / stride⌋ + 1, and likewise OW.
//
// Each sample is unfolded with im2col and multiplied by the weight (one
// GEMM per group); 1×1 convolutions with stride 1 and no padding multiply
// x directly. Backward recomputes the columns instead of keeping them.
func (g *Graph) Conv2d(x, w, b *Var, stride, padding, groups int) *Var {
	const op = "Conv2d"
	xs, ws := x.Value.Shape, w.Value.Shape
	if len(xs) != 4 || len(ws) != 4 {
		tensor.Shapef(op, convShapes(x, w, b), "want x (N, Cin, H, W) and w (Cout, Cin/groups, kH, kW)")
	}
	geom := kernels.ConvGeom{C: xs[1], H: xs[2], W: xs[3], KH: ws[2], KW: ws[3],
		StrideH: stride, StrideW: stride, PadH: padding, PadW: padding}
	checkConv(op, x, w, b, geom, groups)
	return g.conv(x, w, b, xs[0], geom, groups, []int{xs[0], ws[0], geom.OutH(), geom.OutW()})
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
	return g.conv(x, w, b, xs[0], geom, groups, []int{xs[0], ws[0], geom.OutW()})
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

// convBufs holds column and partial-gradient buffers between calls.
var convBufs = sync.Pool{New: func() any { return new([]float32) }}

// getConvBuf returns a pooled buffer of n elements (contents undefined).
func getConvBuf(n int) *[]float32 {
	p := convBufs.Get().(*[]float32)
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}

// conv computes the grouped convolution of the n images in x with w (and
// b), all flat, whose output has outShape, and records its backward step.
func (g *Graph) conv(x, w, b *Var, n int, geom kernels.ConvGeom, groups int, outShape []int) *Var {
	hw := geom.ColCols()                             // output pixels per channel
	cout := w.Value.Shape[0]                         //
	coutG := cout / groups                           // output channels per group
	kG := geom.ColRows() / groups                    // weight columns = column rows per group
	inSize, outSize := geom.C*geom.H*geom.W, cout*hw // per sample
	direct := geom.KH == 1 && geom.KW == 1 && geom.StrideH == 1 && geom.StrideW == 1 &&
		geom.PadH == 0 && geom.PadW == 0 // x itself is the column matrix
	X, W := x.Value.Data, w.Value.Data

	// columns returns sample i's column matrix (ColRows × hw), unfolding
	// it into buf unless the conv is direct.
	columns := func(i int, buf *[]float32) []float32 {
		if direct {
			return X[i*inSize : (i+1)*inSize]
		}
		kernels.Im2col(geom, X[i*inSize:], *buf)
		return *buf
	}
	withColumns := func(fn func(buf *[]float32)) {
		if direct {
			fn(nil)
			return
		}
		buf := getConvBuf(geom.ColRows() * hw)
		fn(buf)
		convBufs.Put(buf)
	}

	out := tensor.New(outShape...) // (N, Cout, *out spatial)
	Y := out.Data
	parallel.For(n, 1, func(lo, hi int) {
		withColumns(func(buf *[]float32) {
			for i := lo; i < hi; i++ {
				col, y := columns(i, buf), Y[i*outSize:(i+1)*outSize]
				for gi := range groups { // y_g (coutG×hw) = W_g (coutG×kG) · col_g (kG×hw)
					kernels.Gemm(false, false, coutG, hw, kG, 1, W[gi*coutG*kG:], kG, col[gi*kG*hw:], hw, 0, y[gi*coutG*hw:], hw)
				}
				if b != nil {
					for o, bv := range b.Value.Data {
						row := y[o*hw : (o+1)*hw]
						for j := range row {
							row[j] += bv
						}
					}
				}
			}
		})
	})

	return g.Record(out, func(o *Var) {
		dY := o.Grad.Data
		if b != nil && b.requiresGrad { // db[c] = Σ over samples and pixels of dY[·, c, ·]
			dB := b.GradBuf().Data
			parallel.For(cout, 1, func(lo, hi int) {
				for c := lo; c < hi; c++ {
					var s float64
					for i := range n {
						for _, v := range dY[i*outSize+c*hw : i*outSize+(c+1)*hw] {
							s += float64(v)
						}
					}
					dB[c] += float32(s)
				}
			})
		}
		if x.requiresGrad { // dcol_g = W_gᵀ · dY_g, folded back with col2im
			dX := x.GradBuf().Data
			parallel.For(n, 1, func(lo, hi int) {
				withColumns(func(buf *[]float32) {
					for i := lo; i < hi; i++ {
						dx, dy := dX[i*inSize:(i+1)*inSize], dY[i*outSize:]
						dcol, beta := dx, float32(1) // direct: add straight into dx
						if !direct {
							dcol, beta = *buf, 0
						}
						for gi := range groups {
							kernels.Gemm(true, false, kG, hw, coutG, 1, W[gi*coutG*kG:], kG, dy[gi*coutG*hw:], hw, beta, dcol[gi*kG*hw:], hw)
						}
						if !direct {
							kernels.Col2im(geom, dcol, dx)
						}
					}
				})
			})
		}
		if w.requiresGrad { // dW_g = Σ_i dY_g · col_gᵀ
			convWeightGrad(w.GradBuf().Data, dY, n, outSize, hw, groups, coutG, kG, columns, withColumns)
		}
	}, x, w, b)
}

// convWeightGrad adds Σ_i dY_i,g · col_i,gᵀ into dW for every group g. The
// batch is split into about one chunk per worker; each chunk sums its
// samples into its own partial gradient, and the partials are added into
// dW in chunk order, so the result does not depend on timing.
func convWeightGrad(dW, dY []float32, n, outSize, hw, groups, coutG, kG int,
	columns func(int, *[]float32) []float32, withColumns func(func(*[]float32))) {
	grain := (n + parallel.Workers() - 1) / parallel.Workers()
	chunks := parallel.Chunks(n, grain)
	size := len(dW)
	var partials *[]float32
	if chunks > 1 {
		partials = getConvBuf(chunks * size)
		defer convBufs.Put(partials)
	}
	parallel.ForChunks(n, grain, func(ch, lo, hi int) {
		p, beta := dW, float32(1)
		if chunks > 1 {
			p, beta = (*partials)[ch*size:(ch+1)*size], 0
		}
		withColumns(func(buf *[]float32) {
			for i := lo; i < hi; i++ {
				col, dy := columns(i, buf), dY[i*outSize:]
				for gi := range groups {
					kernels.Gemm(false, true, coutG, kG, hw, 1, dy[gi*coutG*hw:], hw, col[gi*kG*hw:], hw, beta, p[gi*coutG*kG:], kG)
				}
				beta = 1
			}
		})
	})
	if chunks > 1 {
		parts := *partials
		parallel.For(size, 4096, func(lo, hi int) {
			for ch := range chunks {
				part := parts[ch*size+lo : ch*size+hi]
				d := dW[lo:hi]
				for j, v := range part {
					d[j] += v
				}
			}
		})
	}
}
