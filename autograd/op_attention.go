package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Attention is multi-head scaled dot-product attention (Vaswani et al.
// 2017) as one op, for q: (B, H, T, dh) and k, v: (B, H, S, dh):
//
//	P = softmax(q·kᵀ/√dh [+ causal mask]) over keys,  O = P·v,
//
// returned with the heads joined, (B, T, H·dh): row t of head h is at
// columns h·dh … (h+1)·dh − 1. With causal, query i sees keys
// j ≤ i + S − T, as CausalSoftmax (S must then be ≥ T).
//
// It equals Scale, MatMulT, Softmax (or CausalSoftmax), MatMul and the
// permute that joins the heads, within float32 rounding, but it never
// forms the (B, H, T, S) weights as tensors: as FlashAttention (Dao et al.
// 2022) it works one (batch, head) pair at a time with the T×S scores in
// a scratch buffer that stays in cache, keeps only each row's maximum and
// 1/Σ exp for backward, and recomputes P there from q and k (the same
// products in the same order, so the same bits). Backward is
//
//	dv = Pᵀ·dO,  dP = dO·vᵀ,  dS = P ∘ (dP − rowsum(dO ∘ O)),
//	dq = dS·k/√dh,  dk = dSᵀ·q/√dh.
//
// The exponentials are kernels.ExpShift's, as Softmax's; the weights
// are never normalised in place: O's rows are multiplied by their float32
// 1/Σ exp after the product, and backward folds the same factor into dO's
// rows (for dv) and into dS.
func (g *Graph) Attention(q, k, v *Var, causal bool) *Var {
	qs, ks, vs := q.Value.Shape, k.Value.Shape, v.Value.Shape
	if len(qs) != 4 || len(ks) != 4 || !tensor.SameShape(ks, vs) || qs[0] != ks[0] || qs[1] != ks[1] || qs[3] != ks[3] {
		tensor.Shapef("Attention", [][]int{qs, ks, vs}, "want q (B, H, T, dh) and k, v (B, H, S, dh)")
	}
	b, h, t, s, dh := qs[0], qs[1], qs[2], ks[2], qs[3]
	l := attnLayout{b: b, h: h, t: t, s: s, dh: dh, causal: causal,
		q: attnOperand{bs: h * t * dh, hs: t * dh, ld: dh},
		k: attnOperand{bs: h * s * dh, hs: s * dh, ld: dh},
		o: attnOperand{bs: t * h * dh, hs: dh, ld: h * dh}}
	l.v = l.k
	return g.attention("Attention", l, q, k, v)
}

// AttentionQKV is Attention straight from a fused projection qkv:
// (B, L, 3·D), whose channels 0 … D−1 are q, D … 2D−1 k and 2D … 3D−1 v,
// each split into heads heads of D/heads channels (GPT-2's and DiT's
// layout). It returns (B, L, D), heads joined, and equals splitting qkv
// into (B, H, L, D/H) tensors and calling Attention, without the copies:
// the products read q, k and v where the projection wrote them.
func (g *Graph) AttentionQKV(qkv *Var, heads int, causal bool) *Var {
	xs := qkv.Value.Shape
	if len(xs) != 3 || heads < 1 || xs[2]%(3*heads) != 0 {
		tensor.Shapef("AttentionQKV", [][]int{xs}, "want qkv (B, L, 3·D) with %d heads dividing D", heads)
	}
	b, n, d := xs[0], xs[1], xs[2]/3
	dh := d / heads
	op := attnOperand{bs: n * 3 * d, hs: dh, ld: 3 * d}
	l := attnLayout{b: b, h: heads, t: n, s: n, dh: dh, causal: causal, q: op, k: op, v: op,
		o: attnOperand{bs: n * d, hs: dh, ld: d}}
	l.k.off, l.v.off = d, 2*d
	return g.attention("AttentionQKV", l, qkv)
}

// attnOperand places one operand's rows: head (bi, hi)'s row r is at
// off + bi·bs + hi·hs + r·ld.
type attnOperand struct{ off, bs, hs, ld int }

// at is the offset of head (bi, hi)'s first row.
func (o attnOperand) at(bi, hi int) int { return o.off + bi*o.bs + hi*o.hs }

// attnLayout is one attention problem: sizes, mask, and where q, k, v (in
// their inputs) and the output rows are.
type attnLayout struct {
	b, h, t, s, dh int
	causal         bool
	q, k, v, o     attnOperand
}

// seen is how many keys query i sees.
func (l *attnLayout) seen(i int) int {
	if l.causal {
		return i + l.s - l.t + 1
	}
	return l.s
}

// attention runs the layout l on inputs: (q, k, v) as three Vars, or one
// Var holding all three.
func (g *Graph) attention(op string, l attnLayout, inputs ...*Var) *Var {
	if l.causal && l.s < l.t {
		tensor.Shapef(op, [][]int{{l.t, l.s}}, "a causal mask needs S ≥ T")
	}
	Q, K, V := inputs[0].Value.Data, inputs[0].Value.Data, inputs[0].Value.Data
	if len(inputs) == 3 {
		K, V = inputs[1].Value.Data, inputs[2].Value.Data
	}
	out := g.allocDirty(l.b, l.t, l.h*l.dh) // every row of every head is written
	O := out.Data
	rec := g.Needs(inputs...)
	var stats *tensor.Tensor // per query row: the maximum, then 1/Σ exp
	if rec {
		stats = poolDirty(g.pooled, l.b*l.h*l.t*2)
	}
	scale := float32(1 / math.Sqrt(float64(l.dh)))
	heads := l.b * l.h
	parallel.For(heads, 1, func(lo, hi int) {
		sc := poolDirty(true, l.t*l.s+l.t)
		defer give(sc)
		P, invs := sc.Data[:l.t*l.s], sc.Data[l.t*l.s:]
		for i := lo; i < hi; i++ {
			bi, hh := i/l.h, i%l.h
			qa, ka, va := l.q.at(bi, hh), l.k.at(bi, hh), l.v.at(bi, hh)
			kernels.GemmSerial(false, true, l.t, l.s, l.dh, scale, Q[qa:], l.q.ld, K[ka:], l.k.ld, 0, P, l.s)
			var st []float32
			if rec {
				st = stats.Data[i*l.t*2 : (i+1)*l.t*2]
			}
			oa := l.o.at(bi, hh)
			for r := 0; r < l.t; r++ {
				row := P[r*l.s : (r+1)*l.s]
				n := l.seen(r)
				m := kernels.RowMax(row[:n])
				inv := float32(1 / kernels.ExpShift(row[:n], row[:n], m))
				clear(row[n:])
				invs[r] = inv
				if rec {
					st[2*r], st[2*r+1] = m, inv
				}
			}
			// O = diag(1/Σ exp)·(e^(S−m)·v): the rows normalised after the
			// product, T·dh multiplies instead of T·S.
			kernels.GemmSerial(false, false, l.t, l.dh, l.s, 1, P, l.s, V[va:], l.v.ld, 0, O[oa:], l.o.ld)
			for r, inv := range invs {
				scaleRow(O[oa+r*l.o.ld:oa+r*l.o.ld+l.dh], inv)
			}
		}
	})
	if !rec {
		return g.recordOp(out, nil, nil)
	}
	return g.recordOp(out, func(o *Var) {
		defer func() {
			if g.pooled {
				give(stats)
			}
		}()
		dO := o.Grad.Data
		grads := make([][]float32, len(inputs))
		for i, in := range inputs {
			if in.requiresGrad {
				grads[i] = in.GradBuf().Data
			}
		}
		dQ, dK, dV := grads[0], grads[0], grads[0]
		if len(inputs) == 3 {
			dK, dV = grads[1], grads[2]
		}
		parallel.For(heads, 1, func(lo, hi int) {
			sc := poolDirty(true, 2*l.t*l.s+l.t*l.dh)
			defer give(sc)
			P, dP, dOs := sc.Data[:l.t*l.s], sc.Data[l.t*l.s:2*l.t*l.s], sc.Data[2*l.t*l.s:]
			for i := lo; i < hi; i++ {
				bi, hh := i/l.h, i%l.h
				qa, ka, va, oa := l.q.at(bi, hh), l.k.at(bi, hh), l.v.at(bi, hh), l.o.at(bi, hh)
				st := stats.Data[i*l.t*2 : (i+1)*l.t*2]
				// e^(S−m) again, from the forward pass's products and row
				// maxima; P = diag(1/Σ exp)·e^(S−m) is never formed.
				kernels.GemmSerial(false, true, l.t, l.s, l.dh, scale, Q[qa:], l.q.ld, K[ka:], l.k.ld, 0, P, l.s)
				for r := 0; r < l.t; r++ {
					row := P[r*l.s : (r+1)*l.s]
					n := l.seen(r)
					kernels.ExpShift(row[:n], row[:n], st[2*r])
					clear(row[n:])
				}
				if dV != nil { // dv += Pᵀ·dO = e^(S−m)ᵀ·(diag(1/Σ exp)·dO)
					for r := 0; r < l.t; r++ {
						or := oa + r*l.o.ld
						d := dOs[r*l.dh : (r+1)*l.dh]
						copy(d, dO[or:or+l.dh])
						scaleRow(d, st[2*r+1])
					}
					kernels.GemmSerial(true, false, l.s, l.dh, l.t, 1, P, l.s, dOs, l.dh, 1, dV[va:], l.v.ld)
				}
				if dQ == nil && dK == nil {
					continue
				}
				// dP = dO·vᵀ, then dS = P ∘ (dP − rowsum(dO ∘ O)) in its place.
				kernels.GemmSerial(false, true, l.t, l.s, l.dh, 1, dO[oa:], l.o.ld, V[va:], l.v.ld, 0, dP, l.s)
				for r := 0; r < l.t; r++ {
					or := oa + r*l.o.ld
					d := float32(dot(dO[or:or+l.dh], O[or:or+l.dh]))
					kernels.SoftmaxGradRow(dP[r*l.s:r*l.s+l.seen(r)], P[r*l.s:], d, st[2*r+1])
					clear(dP[r*l.s+l.seen(r) : (r+1)*l.s])
				}
				if dQ != nil { // dq += dS·k/√dh
					kernels.GemmSerial(false, false, l.t, l.dh, l.s, scale, dP, l.s, K[ka:], l.k.ld, 1, dQ[qa:], l.q.ld)
				}
				if dK != nil { // dk += dSᵀ·q/√dh
					kernels.GemmSerial(true, false, l.s, l.dh, l.t, scale, dP, l.s, Q[qa:], l.q.ld, 1, dK[ka:], l.k.ld)
				}
			}
		})
	}, pins(inputs), inputs...) // q, k, v: their data is read in backward
}

// poolDirty is a buffer of n floats from the pool of released buffers
// (contents undefined) when pooled, else a new one.
func poolDirty(pooled bool, n int) *tensor.Tensor {
	if !pooled {
		return tensor.New(n)
	}
	t, _ := takeDirty(n)
	return t
}

// scaleRow multiplies every element of x by s.
func scaleRow(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

// dot is Σ a[i]·b[i] in float64.
func dot(a, b []float32) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += float64(v) * float64(b[i])
	}
	return s
}
