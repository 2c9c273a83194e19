package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// LinearGELU is GELU(x·wᵀ + b), a Linear layer followed by the exact GELU
// (a transformer MLP's first half), in one op: x (…, In), w (Out, In), b
// (Out). The bias and the GELU are applied to each tile of the product as
// soon as the GEMM has finished it (kernels.GemmEpilogue), while it is in
// cache, instead of in two more passes over the output in memory. A
// recording graph keeps the pre-activation z = x·wᵀ + b for backward,
//
//	dz = dy·GELU'(z),  dx = dz·w,  dw = dzᵀ·x,  db = Σ_rows dz,
//
// with dz cleared and formed one chunk at a time. Values and gradients are
// those of GELU(Linear(x, w, b)) up to GELU's own path differences (a few
// ulps where a tile's or chunk's last elements take the Go tail instead of
// the vector loop). b must not be nil.
func (g *Graph) LinearGELU(x, w, b *Var) *Var {
	xs, ws := x.Value.Shape, w.Value.Shape
	if b == nil || len(xs) < 2 || len(ws) != 2 || xs[len(xs)-1] != ws[1] ||
		len(b.Value.Shape) != 1 || b.Value.Shape[0] != ws[0] {
		var bs []int
		if b != nil {
			bs = b.Value.Shape
		}
		tensor.Shapef("LinearGELU", [][]int{xs, ws, bs}, "want x (…, In), w (Out, In) and b (Out)")
	}
	in, n := ws[1], ws[0]
	rows := x.Value.Len() / max(1, in)
	outShape := append(append([]int(nil), xs[:len(xs)-1]...), n)
	out := g.allocDirty(outShape...) // GELU(z): every element written
	rec := g.Needs(x, w, b)
	z := out // without recording, z is overwritten by GELU(z) tile by tile
	if rec {
		z = poolDirty(g.pooled, rows*n)
	}
	X, W, B, Z, Y := x.Value.Data, w.Value.Data, b.Value.Data, z.Data, out.Data
	linearGELUForward(X, W, B, Z, Y, rows, n, in)
	if !rec {
		return g.recordOp(out, nil, nil)
	}
	return g.recordOp(out, func(o *Var) {
		dY := o.Grad.Data
		dz := poolDirty(g.pooled, rows*n)
		dZ := dz.Data
		parallel.For(rows*n, grainElems, func(lo, hi int) {
			clear(dZ[lo:hi])
			kernels.GELUGrad(dZ[lo:hi], dY[lo:hi], Z[lo:hi])
		})
		if g.pooled {
			give(z)
		}
		if x.requiresGrad { // dX = dZ·W
			kernels.Gemm(false, false, rows, in, n, 1, dZ, n, W, in, 1, x.GradBuf().Data, in)
		}
		if w.requiresGrad { // dW = dZᵀ·X
			kernels.Gemm(true, false, n, in, rows, 1, dZ, n, X, in, 1, w.GradBuf().Data, in)
		}
		if b.requiresGrad {
			biasGrad(b.GradBuf().Data, dZ, rows, n)
		}
		if g.pooled {
			give(dz)
		}
	}, pins{x, w}, x, w, b) // X and W, read in backward
}

// linearGELUForward sets Z = X·Wᵀ + B and Y = GELU(Z) for X (rows, in),
// W (n, in) and B (n), both applied to each tile of the product as soon
// as the GEMM has finished it (kernels.GemmForwardEpilogue). Z may be Y:
// the pre-activation is then overwritten tile by tile. LinearGELU and
// MLP's hidden layer are made here.
func linearGELUForward(X, W, B, Z, Y []float32, rows, n, in int) {
	kernels.GemmForwardEpilogue(false, true, rows, n, in, 1, X, in, W, in, 0, Z, n, func(i0, i1, j0, j1 int) {
		for r := i0; r < i1; r++ {
			zr := Z[r*n+j0 : r*n+j1]
			kernels.AddTo(zr, B[j0:j1])
			kernels.GELU(Y[r*n+j0:r*n+j1], zr)
		}
	})
}
