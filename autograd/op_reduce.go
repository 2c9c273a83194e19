package autograd

import (
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Sum adds x over axes (negative axes count from the end; nil means every
// axis, giving shape []). With keepDims the reduced axes stay as size 1,
// so the result broadcasts against x. Sums run in float64.
func (g *Graph) Sum(x *Var, axes []int, keepDims bool) *Var {
	return g.reduce("Sum", x, axes, keepDims, false)
}

// Mean averages x over axes, with the same axes and keepDims as Sum. The
// mean over no elements is NaN, as in NumPy.
func (g *Graph) Mean(x *Var, axes []int, keepDims bool) *Var {
	return g.reduce("Mean", x, axes, keepDims, true)
}

// reduce sums (or averages) x over axes. Forward sums x into the shape
// with reduced axes kept as 1; backward broadcasts the output gradient,
// times the same scale, back over them.
func (g *Graph) reduce(op string, x *Var, axes []int, keepDims, mean bool) *Var {
	in := x.Value.Shape
	reduced := make([]bool, len(in))
	if axes == nil {
		for i := range reduced {
			reduced[i] = true
		}
	}
	for _, a := range axes {
		ax := a
		if ax < 0 {
			ax += len(in)
		}
		if ax < 0 || ax >= len(in) || reduced[ax] {
			tensor.Shapef(op, [][]int{in}, "axis %d out of range or repeated in %v", a, axes)
		}
		reduced[ax] = true
	}
	kept := make([]int, len(in)) // in with reduced axes as 1
	outShape := []int{}
	count := 1
	for i, s := range in {
		if reduced[i] {
			kept[i] = 1
			count *= s
			if keepDims {
				outShape = append(outShape, 1)
			}
		} else {
			kept[i] = s
			outShape = append(outShape, s)
		}
	}
	scale := 1.0
	if mean {
		scale = 1 / float64(count)
	}
	out := g.alloc(outShape...)
	if count == 0 && mean {
		out.Fill(float32(math.NaN()))
	}
	sumTo(out.Data, x.Value.Data, kept, in, scale, false)
	return g.recordOp(out, func(o *Var) {
		dx, set := x.GradDst() // the broadcast writes every element
		expandAdd(dx.Data, o.Grad.Data, in, kept, float32(scale), set)
	}, nil, x)
}

// expandAdd adds s·src, broadcast from shape from to shape to, into dst
// (shape to); with set it writes 0 + s·src there instead, as adding into
// zeros would, whatever dst held.
func expandAdd(dst, src []float32, to, from []int, s float32, set bool) {
	if len(dst) == len(src) {
		scaleAdd(dst, src, s, set)
		return
	}
	p := newBcast(to, from, to)
	db := p.sb[len(p.sb)-1]
	parallel.For(len(dst), grainElems, func(lo, hi int) {
		p.segments(lo, hi, func(k, m, _, ib int) {
			d := dst[k : k+m]
			switch {
			case db == 0 && set:
				v := 0 + s*src[ib]
				for i := range d {
					d[i] = v
				}
			case db == 0:
				v := s * src[ib]
				for i := range d {
					d[i] += v
				}
			case set:
				for i, v := range src[ib : ib+m] {
					d[i] = 0 + s*v
				}
			default:
				for i, v := range src[ib : ib+m] {
					d[i] += s * v
				}
			}
		})
	})
}
