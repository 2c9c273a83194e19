package autograd_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

type unaryFn = func(g *autograd.Graph, x *autograd.Var) *autograd.Var

func TestShapeOpsGrad(t *testing.T) {
	x := gradcheck.Rand([]int{2, 3, 4}, 4)
	ops := []struct {
		name string
		op   unaryFn
	}{
		{"Reshape", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Reshape(x, 4, -1) }},
		{"Reshape then Mul", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { // view feeds a second op
			return g.Mul(g.Reshape(x, 6, 4), g.Reshape(x, 6, 4))
		}},
		{"Permute", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Permute(x, 2, 0, 1) }},
		{"Permute negative", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Permute(x, -1, 1, 0) }},
		{"Permute identity", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Permute(x, 0, 1, 2) }},
		{"Transpose", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Transpose(x, -1, 0) }},
		{"Transpose last two", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Transpose(x, 1, 2) }},
		{"Slice", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Slice(x, 1, 1, 3) }},
		{"Slice first", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Slice(x, 0, 1, 2) }},
		{"Slice last", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Slice(x, -1, 0, 3) }},
		{"Slice twice", func(g *autograd.Graph, x *autograd.Var) *autograd.Var { // two slices add into one gradient
			return g.Add(g.Slice(x, 2, 0, 2), g.Slice(x, 2, 2, 4))
		}},
	}
	for _, c := range ops {
		t.Run(c.name, func(t *testing.T) { gradcheck.Check(t, c.op, x, gradcheck.Tol{}) })
	}
	// A permutation of a 4-D tensor with size-1 and mergeable axes.
	t.Run("Permute 4-D", func(t *testing.T) {
		gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
			return g.Permute(x, 0, 2, 3, 1)
		}, gradcheck.Rand([]int{2, 3, 1, 5}, 7), gradcheck.Tol{})
	})
	for _, axis := range []int{0, 1, -1} {
		t.Run(fmt.Sprint("Concat", axis), func(t *testing.T) {
			b := []int{2, 3, 4}
			b[(axis+3)%3] = 5
			gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				return g.Concat(axis, xs[0], xs[1], xs[0])
			}, []*tensor.Tensor{x, gradcheck.Rand(b, 6)}, gradcheck.Tol{})
		})
	}
}

func TestReshapeSharesData(t *testing.T) {
	x := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	y := autograd.NoGrad().Reshape(x, -1, 2)
	if !tensor.SameShape(y.Shape(), []int{3, 2}) {
		t.Fatalf("Reshape(2, 3 → -1, 2) shape %v, want (3, 2)", y.Shape())
	}
	if &y.Data()[0] != &x.Data()[0] {
		t.Errorf("Reshape copied the data, want a view")
	}
	one := autograd.NewVar(tensor.FromData([]float32{7}, 1, 1))
	if s := autograd.NoGrad().Reshape(one); len(s.Shape()) != 0 || s.Data()[0] != 7 {
		t.Errorf("Reshape of (1, 1) to () = %v, want scalar 7", s.Value)
	}
}

func TestShapeOpValues(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	cases := []struct {
		name  string
		got   *autograd.Var
		shape []int
		want  []float32
	}{
		{"Transpose", g.Transpose(x, 0, 1), []int{3, 2}, []float32{1, 4, 2, 5, 3, 6}},
		{"Permute 3-D", g.Permute(g.Reshape(x, 1, 2, 3), 2, 0, 1), []int{3, 1, 2}, []float32{1, 4, 2, 5, 3, 6}},
		{"Concat axis 0", g.Concat(0, x, x), []int{4, 3}, []float32{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}},
		{"Concat axis 1", g.Concat(-1, x, g.Slice(x, 1, 0, 1)), []int{2, 4}, []float32{1, 2, 3, 1, 4, 5, 6, 4}},
		{"Slice axis 1", g.Slice(x, 1, 1, 3), []int{2, 2}, []float32{2, 3, 5, 6}},
		{"Slice empty", g.Slice(x, 0, 1, 1), []int{0, 3}, nil},
	}
	for _, c := range cases {
		if !tensor.SameShape(c.got.Shape(), c.shape) {
			t.Errorf("%s: shape %v, want %v", c.name, c.got.Shape(), c.shape)
			continue
		}
		for i, w := range c.want {
			if got := c.got.Data()[i]; got != w {
				t.Errorf("%s = %v, want %v", c.name, c.got.Data(), c.want)
				break
			}
		}
	}
}

// TestPermuteLarge checks Permute against direct indexing on a tensor
// bigger than one worker's share, forward and backward.
func TestPermuteLarge(t *testing.T) {
	shape := []int{3, 40, 17, 29}
	x := autograd.NewParam(gradcheck.Rand(shape, 8))
	g := autograd.New()
	y := g.Permute(x, 0, 2, 3, 1) // NCHW → NHWC
	up := gradcheck.Rand(y.Shape(), 9)
	if err := g.BackwardWith(y, up); err != nil {
		t.Fatal(err)
	}
	n, c, h, w := shape[0], shape[1], shape[2], shape[3]
	for in := range n {
		for ic := range c {
			for ih := range h {
				for iw := range w {
					src := ((in*c+ic)*h+ih)*w + iw
					dst := ((in*h+ih)*w+iw)*c + ic
					if y.Data()[dst] != x.Data()[src] || x.Grad.Data[src] != up.Data[dst] {
						t.Fatalf("Permute NCHW→NHWC at (%d, %d, %d, %d): value %g grad %g, want %g and %g",
							in, ic, ih, iw, y.Data()[dst], x.Grad.Data[src], x.Data()[src], up.Data[dst])
					}
				}
			}
		}
	}
}

func TestShapeOpErrors(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.New(2, 3))
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"Reshape", func() { g.Reshape(x, 4, -1) }, "Reshape: (2, 3) × (4, -1): cannot infer the -1 size"},
		{"Permute length", func() { g.Permute(x, 0) }, "Permute: (2, 3): permutation [0] has 1 axes, want 2"},
		{"Permute repeat", func() { g.Permute(x, 1, 1) }, "Permute: (2, 3): [1 1] is not a permutation of 2 axes"},
		{"Transpose", func() { g.Transpose(x, 0, 2) }, "Transpose: (2, 3): axes 0, 2 out of range"},
		{"Concat sizes", func() { g.Concat(0, x, autograd.NewVar(tensor.New(2, 4))) }, "Concat: (2, 3) × (2, 4): operand 1 has size 4 at axis 1, want 3"},
		{"Concat rank", func() { g.Concat(0, x, autograd.NewVar(tensor.New(3))) }, "Concat: (2, 3) × (3,): operand 1 has 1 axes, want 2"},
		{"Concat axis", func() { g.Concat(2, x) }, "Concat: (2, 3): axis 2 out of range"},
		{"Slice", func() { g.Slice(x, 1, 2, 4) }, "Slice: (2, 3): range [2, 4) on axis 1 out of bounds"},
	}
	for _, c := range cases {
		var err error
		func() {
			defer tensor.Recover(&err)
			c.f()
		}()
		var se *tensor.ShapeError
		if !errors.As(err, &se) || err.Error() != c.want {
			t.Errorf("%s: err = %v, want *tensor.ShapeError %q", c.name, err, c.want)
		}
	}
}

func TestIndexGrad(t *testing.T) {
	for _, c := range []struct {
		shape []int
		i     int
	}{{[]int{3, 2, 5}, 1}, {[]int{2, 4}, 0}, {[]int{3, 1}, 2}} {
		t.Run(fmt.Sprint(c.shape, c.i), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				// Two views of one tensor: their gradients add into its.
				return g.Add(g.Index(x, c.i), g.Scale(g.Index(x, 0), 2))
			}, gradcheck.Rand(c.shape, 61), gradcheck.Tol{})
		})
	}
}

func TestIndexValues(t *testing.T) {
	x := tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	y := autograd.NoGrad().Index(autograd.NewVar(x), 2)
	if !tensor.SameShape(y.Shape(), []int{2}) || y.Data()[0] != 5 || y.Data()[1] != 6 {
		t.Errorf("Index(x, 2) = %v %v, want (2) [5 6]", y.Shape(), y.Data())
	}
	var err error
	func() { defer tensor.Recover(&err); autograd.NoGrad().Index(autograd.NewVar(x), 3) }()
	if err == nil {
		t.Error("index 3 of 3 rows: no error")
	}
}
