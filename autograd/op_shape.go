package autograd

import (
	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Reshape views x with a new shape holding as many elements (one size may
// be -1). The value shares x's data.
func (g *Graph) Reshape(x *Var, shape ...int) *Var {
	out := x.Value.Reshape(shape...)
	return g.Record(out, func(o *Var) { x.AccumGrad(o.Grad) }, x)
}

// Permute reorders the axes of x: axis i of the result is axis perm[i] of x.
func (g *Graph) Permute(x *Var, perm ...int) *Var {
	in := x.Value.Shape
	if len(perm) != len(in) {
		tensor.Shapef("Permute", [][]int{in}, "permutation %v has %d axes", perm, len(perm))
	}
	seen := make([]bool, len(in))
	outShape := make([]int, len(in))
	for i, p := range perm {
		if p < 0 || p >= len(in) || seen[p] {
			tensor.Shapef("Permute", [][]int{in}, "%v is not a permutation", perm)
		}
		seen[p] = true
		outShape[i] = in[p]
	}
	// src[k] is the flat input index of output element k.
	src := permuteIndex(in, perm)
	out := tensor.New(outShape...)
	X, Y := x.Value.Data, out.Data
	parallel.For(len(Y), 1<<14, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			Y[k] = X[src[k]]
		}
	})
	return g.Record(out, func(o *Var) {
		G, dX := o.Grad.Data, x.GradBuf().Data
		parallel.For(len(G), 1<<14, func(lo, hi int) {
			for k := lo; k < hi; k++ {
				dX[src[k]] += G[k] // a permutation: each input once
			}
		})
	}, x)
}

func permuteIndex(in, perm []int) []int {
	st := tensor.Strides(in)
	outShape := make([]int, len(in))
	pst := make([]int, len(in))
	for i, p := range perm {
		outShape[i] = in[p]
		pst[i] = st[p]
	}
	n := tensor.Numel(in)
	src := make([]int, n)
	coord := make([]int, len(in))
	off := 0
	for k := 0; k < n; k++ {
		src[k] = off
		for ax := len(outShape) - 1; ax >= 0; ax-- {
			coord[ax]++
			off += pst[ax]
			if coord[ax] < outShape[ax] {
				break
			}
			off -= pst[ax] * coord[ax]
			coord[ax] = 0
		}
	}
	return src
}

// Transpose swaps axes a and b of x (negative axes count from the end).
func (g *Graph) Transpose(x *Var, a, b int) *Var {
	r := len(x.Value.Shape)
	if a < 0 {
		a += r
	}
	if b < 0 {
		b += r
	}
	perm := make([]int, r)
	for i := range perm {
		perm[i] = i
	}
	if a < 0 || a >= r || b < 0 || b >= r {
		tensor.Shapef("Transpose", [][]int{x.Value.Shape}, "axes %d, %d out of range", a, b)
	}
	perm[a], perm[b] = b, a
	return g.Permute(x, perm...)
}

// outerInner splits shape at axis into the product of the axes before it,
// the axis size and the product of the axes after it.
func outerInner(shape []int, axis int) (outer, size, inner int) {
	outer, inner = 1, 1
	for i, s := range shape {
		switch {
		case i < axis:
			outer *= s
		case i > axis:
			inner *= s
		}
	}
	return outer, shape[axis], inner
}

// Concat joins xs along axis; all other axes must agree.
func (g *Graph) Concat(axis int, xs ...*Var) *Var {
	if len(xs) == 0 {
		tensor.Shapef("Concat", nil, "no operands")
	}
	first := xs[0].Value.Shape
	if axis < 0 {
		axis += len(first)
	}
	shapes := make([][]int, len(xs))
	total := 0
	for i, x := range xs {
		s := x.Value.Shape
		shapes[i] = s
		if len(s) != len(first) || axis < 0 || axis >= len(s) {
			tensor.Shapef("Concat", shapes[:i+1], "ranks differ or axis %d out of range", axis)
		}
		for j := range s {
			if j != axis && s[j] != first[j] {
				tensor.Shapef("Concat", shapes[:i+1], "sizes differ at axis %d", j)
			}
		}
		total += s[axis]
	}
	outShape := append([]int(nil), first...)
	outShape[axis] = total
	out := tensor.New(outShape...)
	outer, _, inner := outerInner(outShape, axis)
	rowOut := total * inner
	off := 0
	for _, x := range xs {
		w := x.Value.Shape[axis] * inner
		X := x.Value.Data
		for o := 0; o < outer; o++ {
			copy(out.Data[o*rowOut+off:o*rowOut+off+w], X[o*w:(o+1)*w])
		}
		off += w
	}
	return g.Record(out, func(o *Var) {
		G := o.Grad.Data
		off := 0
		for _, x := range xs {
			w := x.Value.Shape[axis] * inner
			if x.requiresGrad {
				dX := x.GradBuf().Data
				for r := 0; r < outer; r++ {
					src := G[r*rowOut+off : r*rowOut+off+w]
					dst := dX[r*w : (r+1)*w]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
			off += w
		}
	}, xs...)
}

// Slice keeps indices lo ≤ i < hi of x along axis.
func (g *Graph) Slice(x *Var, axis, lo, hi int) *Var {
	in := x.Value.Shape
	if axis < 0 {
		axis += len(in)
	}
	if axis < 0 || axis >= len(in) || lo < 0 || hi > in[axis] || lo > hi {
		tensor.Shapef("Slice", [][]int{in}, "range [%d, %d) on axis %d out of bounds", lo, hi, axis)
	}
	outShape := append([]int(nil), in...)
	outShape[axis] = hi - lo
	out := tensor.New(outShape...)
	outer, size, inner := outerInner(in, axis)
	w := (hi - lo) * inner
	for o := 0; o < outer; o++ {
		copy(out.Data[o*w:(o+1)*w], x.Value.Data[(o*size+lo)*inner:(o*size+lo)*inner+w])
	}
	return g.Record(out, func(ov *Var) {
		G, dX := ov.Grad.Data, x.GradBuf().Data
		for o := 0; o < outer; o++ {
			dst := dX[(o*size+lo)*inner : (o*size+lo)*inner+w]
			for i, v := range G[o*w : (o+1)*w] {
				dst[i] += v
			}
		}
	}, x)
}
