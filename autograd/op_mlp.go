package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// MLP is a transformer's feed-forward block as one op,
//
//	y = GELU(x·w1ᵀ + b1)·w2ᵀ + b2,
//
// for x (…, In), w1 (Hidden, In), b1 (Hidden), w2 (Out, Hidden), b2 (Out);
// the result is (…, Out). It equals Linear(LinearGELU(x, w1, b1), w2, b2):
// the value bit for bit (the same products and epilogues), the gradients
// up to GELU's own path differences (a few ulps where a tile's or chunk's
// last elements take the Go tail instead of the vector loop, which
// LinearGELU's chunks and these tiles cut differently). Backward never
// forms the hidden
// layer's gradient dh = dy·w2 as a tensor: the GELU's derivative is applied
// to each tile of that product as soon as the GEMM has finished it
// (kernels.GemmEpilogue), while it is in cache,
//
//	dz = (dy·w2)·GELU'(z),  dx = dz·w1,  dw1 = dzᵀ·x,  db1 = Σ_rows dz,
//	dw2 = dyᵀ·h,  db2 = Σ_rows dy,
//
// with z = x·w1ᵀ + b1 and h = GELU(z) kept from the forward pass. That
// saves, per call, clearing dh, reading it back into the product, and a
// pass that reads dh and z and writes dz: on bench-text's (8192, 1024)
// hidden layer, about 100 MiB of memory traffic per block and step.
// Without recording, h is given back to the pool as soon as the second
// product has read it. Shapes that do not fit panic as Linear's do.
func (g *Graph) MLP(x, w1, b1, w2, b2 *Var) *Var {
	xs := x.Value.Shape
	ok := b1 != nil && b2 != nil && len(xs) >= 2
	for _, p := range []*Var{w1, w2} {
		ok = ok && len(p.Value.Shape) == 2
	}
	ok = ok && xs[len(xs)-1] == w1.Value.Shape[1] && w2.Value.Shape[1] == w1.Value.Shape[0] &&
		len(b1.Value.Shape) == 1 && b1.Value.Shape[0] == w1.Value.Shape[0] &&
		len(b2.Value.Shape) == 1 && b2.Value.Shape[0] == w2.Value.Shape[0]
	if !ok {
		shapes := [][]int{xs}
		for _, p := range []*Var{w1, b1, w2, b2} {
			if p != nil {
				shapes = append(shapes, p.Value.Shape)
			} else {
				shapes = append(shapes, nil)
			}
		}
		tensor.Shapef("MLP", shapes, "want x (…, In), w1 (Hidden, In), b1 (Hidden), w2 (Out, Hidden) and b2 (Out)")
	}
	in, hid, n := w1.Value.Shape[1], w1.Value.Shape[0], w2.Value.Shape[0]
	rows := x.Value.Len() / max(1, in)
	outShape := append(append([]int(nil), xs[:len(xs)-1]...), n)
	rec := g.Needs(x, w1, b1, w2, b2)

	// The hidden layer: z = x·w1ᵀ + b1 and h = GELU(z), as LinearGELU
	// forms them; without recording z is overwritten by h tile by tile.
	h := poolDirty(g.pooled, rows*hid)
	z := h
	if rec {
		z = poolDirty(g.pooled, rows*hid)
	}
	X, W1, B1, Z, H := x.Value.Data, w1.Value.Data, b1.Value.Data, z.Data, h.Data
	linearGELUForward(X, W1, B1, Z, H, rows, hid, in)
	out := g.allocDirty(outShape...) // Gemm with beta = 0 overwrites it
	W2, B2, C := w2.Value.Data, b2.Value.Data, out.Data
	linearForward(H, W2, B2, C, rows, n, hid)
	if !rec {
		if g.pooled {
			give(h)
		}
		return g.recordOp(out, nil, nil)
	}
	return g.recordOp(out, func(o *Var) {
		defer func() {
			if g.pooled {
				give(z)
				give(h)
			}
		}()
		dY := o.Grad.Data
		if w2.requiresGrad { // dW2 = dYᵀ·H
			kernels.Gemm(true, false, n, hid, rows, 1, dY, n, H, hid, 1, w2.GradBuf().Data, hid)
		}
		if b2.requiresGrad {
			biasGrad(b2.GradBuf().Data, dY, rows, n)
		}
		if !x.requiresGrad && !w1.requiresGrad && !b1.requiresGrad {
			return
		}
		// dZ = (dY·W2)·GELU'(Z), the derivative applied to each tile of
		// the product while it is in cache.
		dz := poolDirty(g.pooled, rows*hid)
		defer func() {
			if g.pooled {
				give(dz)
			}
		}()
		dZ := dz.Data
		kernels.GemmEpilogue(false, false, rows, hid, n, 1, dY, n, W2, hid, 0, dZ, hid, func(i0, i1, j0, j1 int) {
			buf, _ := takeDirty(j1 - j0)
			defer give(buf)
			s := buf.Data
			for r := i0; r < i1; r++ {
				d := dZ[r*hid+j0 : r*hid+j1]
				clear(s)
				kernels.GELUGrad(s, d, Z[r*hid+j0:r*hid+j1])
				copy(d, s)
			}
		})
		if x.requiresGrad { // dX = dZ·W1
			kernels.Gemm(false, false, rows, in, hid, 1, dZ, hid, W1, in, 1, x.GradBuf().Data, in)
		}
		if w1.requiresGrad { // dW1 = dZᵀ·X
			kernels.Gemm(true, false, hid, in, rows, 1, dZ, hid, X, in, 1, w1.GradBuf().Data, in)
		}
		if b1.requiresGrad {
			biasGrad(b1.GradBuf().Data, dZ, rows, hid)
		}
	}, pins{x, w1, w2}, x, w1, b1, w2, b2) // X, W1 and W2, read in backward
}
