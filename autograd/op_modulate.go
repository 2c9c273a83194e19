package autograd

import (
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Modulate is x·(1 + scale) + shift for a batch of sequences x (B, L, D)
// with one scale and one shift (B, D) per sequence, broadcast over its L
// positions: the adaptive LayerNorm map of DiT (Peebles & Xie 2023). It is
// Add(Mul(x, 1 + scale), shift) in one pass, rounded as that is (the
// product, then the sum); backward is one pass too:
//
//	dx = dy·(1 + scale),  dscale = Σ_l dy·x,  dshift = Σ_l dy,
//
// the sums over positions accumulated in float64, sequence by sequence
// (deterministic).
func (g *Graph) Modulate(x, shift, scale *Var) *Var {
	b, l, d := seqRowsCheck("Modulate", x, shift, scale)
	X, S, K := x.Value.Data, shift.Value.Data, scale.Value.Data
	out := g.allocDirty(b, l, d) // every element is written below
	Y := out.Data
	parallel.For(b*l, max(1, grainElems/max(1, d)), func(lo, hi int) {
		buf, _ := takeDirty(d)
		defer give(buf)
		k := buf.Data
		for r, n := lo, -1; r < hi; r++ {
			if r/l != n { // 1 + scale, once per sequence
				n = r / l
				onePlus(k, K[n*d:(n+1)*d])
			}
			kernels.MulAdd(Y[r*d:(r+1)*d], X[r*d:(r+1)*d], k, S[n*d:(n+1)*d])
		}
	})
	return g.recordOp(out, func(o *Var) {
		dY := o.Grad.Data
		var dX, dS, dK []float32
		if x.requiresGrad {
			dX = x.GradBuf().Data
		}
		if shift.requiresGrad {
			dS = shift.GradBuf().Data
		}
		if scale.requiresGrad {
			dK = scale.GradBuf().Data
		}
		parallel.For(b, 1, func(lo, hi int) {
			ss, sk := make([]float64, d), make([]float64, d) // Σ_l dy, Σ_l dy·x
			k := make([]float32, d)
			for n := lo; n < hi; n++ {
				clear(ss)
				clear(sk)
				onePlus(k, K[n*d:(n+1)*d])
				for p := range l {
					r := n*l + p
					dy, xr := dY[r*d:(r+1)*d], X[r*d:(r+1)*d]
					if dX != nil {
						kernels.MulAddTo(dX[r*d:(r+1)*d], dy, k)
					}
					kernels.SumProdTo(ss, sk, dy, xr)
				}
				addSeqSum(dS, n, ss)
				addSeqSum(dK, n, sk)
			}
		})
	}, pins{x, scale}, x, shift, scale) // X and K, read in backward
}

// GatedAdd is x + h·gate for sequences x, h (B, L, D) and one gate (B, D)
// per sequence, broadcast over its L positions: the gated residual of DiT
// blocks (Peebles & Xie 2023). It is Add(x, Mul(h, gate)) in one pass;
// backward is one pass too:
//
//	dx = dy,  dh = dy·gate,  dgate = Σ_l dy·h,
//
// the sums over positions accumulated in float64, sequence by sequence.
func (g *Graph) GatedAdd(x, h, gate *Var) *Var {
	b, l, d := seqRowsCheck("GatedAdd", x, gate, gate)
	if !tensor.SameShape(h.Value.Shape, x.Value.Shape) {
		tensor.Shapef("GatedAdd", [][]int{x.Value.Shape, h.Value.Shape, gate.Value.Shape}, "want x and h (B, L, D), gate (B, D)")
	}
	X, H, G := x.Value.Data, h.Value.Data, gate.Value.Data
	out := g.allocDirty(b, l, d) // every element is written below
	Y := out.Data
	parallel.For(b*l, max(1, grainElems/max(1, d)), func(lo, hi int) {
		for r := lo; r < hi; r++ { // x + h·g as h·g + x: the same bits
			kernels.MulAdd(Y[r*d:(r+1)*d], H[r*d:(r+1)*d], G[(r/l)*d:(r/l+1)*d], X[r*d:(r+1)*d])
		}
	})
	return g.recordOp(out, func(o *Var) {
		dY := o.Grad.Data
		if x.requiresGrad {
			addGrad(x, dY, x.Value.Shape, 1, false)
		}
		var dH, dG []float32
		if h.requiresGrad {
			dH = h.GradBuf().Data
		}
		if gate.requiresGrad {
			dG = gate.GradBuf().Data
		}
		if dH == nil && dG == nil {
			return
		}
		parallel.For(b, 1, func(lo, hi int) {
			sg := make([]float64, d) // Σ_l dy·h
			for n := lo; n < hi; n++ {
				clear(sg)
				gn := G[n*d : (n+1)*d]
				for p := range l {
					r := n*l + p
					dy := dY[r*d : (r+1)*d]
					if dH != nil {
						kernels.MulAddTo(dH[r*d:(r+1)*d], dy, gn)
					}
					kernels.SumProdTo(nil, sg, dy, H[r*d:(r+1)*d])
				}
				addSeqSum(dG, n, sg)
			}
		})
	}, pins{h, gate}, x, h, gate) // H and G, read in backward
}

// seqRowsCheck panics unless x is (B, L, D) and p, q are (B, D); it
// returns B, L, D.
func seqRowsCheck(op string, x, p, q *Var) (b, l, d int) {
	xs, ps, qs := x.Value.Shape, p.Value.Shape, q.Value.Shape
	if len(xs) != 3 || !tensor.SameShape(ps, []int{xs[0], xs[2]}) || !tensor.SameShape(qs, ps) {
		tensor.Shapef(op, [][]int{xs, ps, qs}, "want (B, L, D) and per-sequence (B, D)")
	}
	return xs[0], xs[1], xs[2]
}

// onePlus sets k[j] = 1 + s[j] for every j < len(s): the factor 1 + scale
// by which Modulate and NormModulate multiply a sequence's rows.
func onePlus(k, s []float32) {
	for j, v := range s {
		k[j] = 1 + v
	}
}

// addSeqSum adds the float64 sums s, each rounded to float32, into the
// gradient row of sequence n, dst[n·len(s) : (n+1)·len(s)]; nothing when
// dst is nil (no gradient wanted). Modulate, GatedAdd and NormModulate
// reduce their shift, scale and gate gradients over positions this way.
func addSeqSum(dst []float32, n int, s []float64) {
	if dst == nil {
		return
	}
	for j, v := range s {
		dst[n*len(s)+j] += float32(v)
	}
}
