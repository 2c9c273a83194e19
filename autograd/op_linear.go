package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// Linear is x·wᵀ + b, the affine map of a Linear layer: x (…, In), w
// (Out, In), b (Out) or nil; the result is (…, Out). It gives the same
// bits as Add(MatMulT(x, w), b) for the value and the gradients of x and
// w, with one output buffer instead of two and no broadcasting: the bias
// is added to each tile of the product as soon as the GEMM has finished
// it (kernels.GemmForwardEpilogue: bf16 products under kernels.BF16),
// while the tile is in cache, and backward
// reads the output's gradient directly instead of a copy of it. The bias
// gradient, the column sums of the output's gradient, is summed in vector
// blocks of rows (biasGrad) instead of Add's column-by-column float64
// loop: it differs from Add's in the last bits. Shapes that do not fit
// panic as MatMulT and Add do.
func (g *Graph) Linear(x, w, b *Var) *Var {
	xs, ws := x.Value.Shape, w.Value.Shape
	if b == nil || len(xs) < 2 || len(ws) != 2 || xs[len(xs)-1] != ws[1] ||
		len(b.Value.Shape) != 1 || b.Value.Shape[0] != ws[0] {
		return g.linearUnfused(x, w, b) // either fine without a bias, or it panics there
	}
	in, n := ws[1], ws[0]
	rows := x.Value.Len() / max(1, in)
	outShape := append(append([]int(nil), xs[:len(xs)-1]...), n)
	out := g.allocDirty(outShape...) // Gemm with beta = 0 overwrites it
	X, W, B, C := x.Value.Data, w.Value.Data, b.Value.Data, out.Data
	linearForward(X, W, B, C, rows, n, in)
	return g.recordOp(out, func(o *Var) {
		dC := o.Grad.Data
		// The products MatMulTrans's backward makes for a shared, transposed b.
		if x.requiresGrad { // dX = dC·W
			kernels.Gemm(false, false, rows, in, n, 1, dC, n, W, in, 1, x.GradBuf().Data, in)
		}
		if w.requiresGrad { // dW = dCᵀ·X
			kernels.Gemm(true, false, n, in, rows, 1, dC, n, X, in, 1, w.GradBuf().Data, in)
		}
		if b.requiresGrad { // db = Σ rows of dC
			biasGrad(b.GradBuf().Data, dC, rows, n)
		}
	}, pins{x, w}, x, w, b) // X and W, read in backward
}

// linearUnfused is Linear as MatMulT then Add, for a nil bias and for the
// shape errors those ops report.
func (g *Graph) linearUnfused(x, w, b *Var) *Var {
	y := g.MatMulT(x, w)
	if b == nil {
		return y
	}
	if bs := b.Value.Shape; len(bs) != 1 {
		tensor.Shapef("Linear", [][]int{x.Value.Shape, w.Value.Shape, bs}, "bias must have shape (Out)")
	}
	return g.Add(y, b)
}

// linearForward sets C = X·Wᵀ + B for X (rows, in), W (n, in) and B (n):
// the bias is added to each tile of the product as soon as the GEMM has
// finished it, while the tile is in cache (kernels.GemmForwardEpilogue,
// bf16 products under kernels.BF16). Linear and MLP make their outputs
// here.
func linearForward(X, W, B, C []float32, rows, n, in int) {
	kernels.GemmForwardEpilogue(false, true, rows, n, in, 1, X, in, W, in, 0, C, n, func(i0, i1, j0, j1 int) {
		for r := i0; r < i1; r++ {
			kernels.AddTo(C[r*n+j0:r*n+j1], B[j0:j1])
		}
	})
}
