package autograd

import (
	"github.com/diffusego/diffusego/tensor"
)

// Sum adds x over axes (negative axes count from the end; nil means every
// axis, giving a scalar of shape []). With keepDims the reduced axes stay
// as size 1. Sums are accumulated in float64.
func (g *Graph) Sum(x *Var, axes []int, keepDims bool) *Var {
	return g.reduce("Sum", x, axes, keepDims, false)
}

// Mean averages x over axes, like Sum.
func (g *Graph) Mean(x *Var, axes []int, keepDims bool) *Var {
	return g.reduce("Mean", x, axes, keepDims, true)
}

func (g *Graph) reduce(op string, x *Var, axes []int, keepDims, mean bool) *Var {
	in := x.Value.Shape
	reduced := make([]bool, len(in))
	if axes == nil {
		for i := range reduced {
			reduced[i] = true
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += len(in)
		}
		if a < 0 || a >= len(in) || reduced[a] {
			tensor.Shapef(op, [][]int{in}, "bad or repeated axis in %v", axes)
		}
		reduced[a] = true
	}
	kept := make([]int, len(in)) // shape with reduced axes as 1
	var outShape []int
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
	if outShape == nil {
		outShape = []int{}
	}
	idx := broadcastIndex(kept, in)
	acc := make([]float64, tensor.Numel(kept))
	for i, v := range x.Value.Data {
		acc[idx[i]] += float64(v)
	}
	scale := 1.0
	if mean && count > 0 {
		scale = 1 / float64(count)
	}
	out := tensor.New(outShape...)
	for i, v := range acc {
		out.Data[i] = float32(v * scale)
	}
	return g.Record(out, func(o *Var) {
		G, dX := o.Grad.Data, x.GradBuf().Data
		s := float32(scale)
		for i := range dX {
			dX[i] += s * G[idx[i]]
		}
	}, x)
}
