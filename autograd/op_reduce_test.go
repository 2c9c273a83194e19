package autograd_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestReduceGrad(t *testing.T) {
	cases := []struct {
		axes []int
		keep bool
	}{{nil, false}, {[]int{0}, false}, {[]int{1, 3}, true}, {[]int{-1}, false}, {[]int{0, 2}, false}}
	for _, c := range cases {
		for _, mean := range []bool{false, true} {
			t.Run(fmt.Sprint(c, mean), func(t *testing.T) {
				gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
					if mean {
						return g.Mean(x, c.axes, c.keep)
					}
					return g.Sum(x, c.axes, c.keep)
				}, gradcheck.Rand([]int{2, 3, 4, 5}, 3), gradcheck.Tol{})
			})
		}
	}
}

func TestReduceValues(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	if s := g.Sum(x, []int{1}, false).Value; !tensor.SameShape(s.Shape, []int{2}) || s.Data[0] != 6 || s.Data[1] != 15 {
		t.Errorf("Sum over axis 1 = %v, want (2,) [6 15]", s)
	}
	if s := g.Mean(x, []int{0}, true).Value; !tensor.SameShape(s.Shape, []int{1, 3}) || s.Data[0] != 2.5 || s.Data[2] != 4.5 {
		t.Errorf("Mean over axis 0 keepDims = %v, want (1, 3) [2.5 3.5 4.5]", s)
	}
	if s := g.Sum(x, nil, false).Value; len(s.Shape) != 0 || s.Data[0] != 21 {
		t.Errorf("Sum over all = %v, want scalar 21", s)
	}
}

func TestShapeOpsGrad(t *testing.T) {
	x := gradcheck.Rand([]int{2, 3, 4}, 4)
	ops := map[string]func(g *autograd.Graph, x *autograd.Var) *autograd.Var{
		"Reshape":   func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Reshape(x, 4, -1) },
		"Permute":   func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Permute(x, 2, 0, 1) },
		"Transpose": func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Transpose(x, -1, 0) },
		"Slice":     func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Slice(x, 1, 1, 3) },
		"Slice0":    func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Slice(x, 0, 1, 2) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { gradcheck.Check(t, op, x, gradcheck.Tol{}) })
	}
	for _, axis := range []int{0, 1, -1} {
		t.Run(fmt.Sprint("Concat", axis), func(t *testing.T) {
			b := []int{2, 3, 4}
			b[(axis+3)%3] = 5
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return g.Concat(axis, xs[0], xs[1])
			}, []*tensor.Tensor{x, gradcheck.Rand(b, 6)}, gradcheck.Tol{})
		})
	}
}

func TestPermuteValues(t *testing.T) {
	x := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	y := autograd.NoGrad().Transpose(x, 0, 1).Value
	want := []float32{1, 4, 2, 5, 3, 6}
	if !tensor.SameShape(y.Shape, []int{3, 2}) {
		t.Fatalf("Transpose shape %v, want (3, 2)", y.Shape)
	}
	for i, w := range want {
		if y.Data[i] != w {
			t.Fatalf("Transpose = %v, want %v", y.Data, want)
		}
	}
	c := autograd.NoGrad().Concat(1, x, x).Value
	if !tensor.SameShape(c.Shape, []int{2, 6}) || c.Data[3] != 1 || c.Data[6] != 4 {
		t.Fatalf("Concat axis 1 = %v", c)
	}
}
