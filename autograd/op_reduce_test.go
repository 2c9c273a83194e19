package autograd_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestReduceGrad(t *testing.T) {
	cases := []struct {
		shape []int
		axes  []int
		keep  bool
	}{
		{[]int{2, 3, 4, 5}, nil, false},
		{[]int{2, 3, 4, 5}, nil, true},
		{[]int{2, 3, 4, 5}, []int{0}, false},
		{[]int{2, 3, 4, 5}, []int{1, 3}, true},
		{[]int{2, 3, 4, 5}, []int{-1}, false},
		{[]int{2, 3, 4, 5}, []int{0, 2}, false},
		{[]int{2, 3, 4, 5}, []int{2, 3}, true}, // over space, like a global pool
		{[]int{2, 3, 4, 5}, []int{}, false},    // no axes: identity
		{[]int{3, 1, 7}, []int{1}, false},
		{[]int{7}, []int{0}, true},
		{[]int{}, nil, false},
	}
	for _, c := range cases {
		for _, mean := range []bool{false, true} {
			t.Run(fmt.Sprint(c, mean), func(t *testing.T) {
				gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
					if mean {
						return g.Mean(x, c.axes, c.keep)
					}
					return g.Sum(x, c.axes, c.keep)
				}, gradcheck.Rand(c.shape, 3), gradcheck.Tol{})
			})
		}
	}
}

func TestReduceValues(t *testing.T) {
	g := autograd.NoGrad()
	x := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	cases := []struct {
		name  string
		got   *autograd.Var
		shape []int
		want  []float32
	}{
		{"Sum axis 1", g.Sum(x, []int{1}, false), []int{2}, []float32{6, 15}},
		{"Sum axis -2", g.Sum(x, []int{-2}, false), []int{3}, []float32{5, 7, 9}},
		{"Mean axis 0 keepDims", g.Mean(x, []int{0}, true), []int{1, 3}, []float32{2.5, 3.5, 4.5}},
		{"Sum all", g.Sum(x, nil, false), []int{}, []float32{21}},
		{"Mean all keepDims", g.Mean(x, nil, true), []int{1, 1}, []float32{3.5}},
		{"Mean axes 0 1", g.Mean(x, []int{1, 0}, false), []int{}, []float32{3.5}},
	}
	for _, c := range cases {
		if !tensor.SameShape(c.got.Shape(), c.shape) {
			t.Errorf("%s: shape %v, want %v", c.name, c.got.Shape(), c.shape)
			continue
		}
		for i, w := range c.want {
			if got := c.got.Data()[i]; got != w {
				t.Errorf("%s[%d] = %g, want %g", c.name, i, got, w)
			}
		}
	}
	empty := autograd.NewVar(tensor.New(2, 0))
	if m := g.Mean(empty, []int{1}, false).Data(); len(m) != 2 || !math.IsNaN(float64(m[0])) {
		t.Errorf("Mean over an empty axis = %v, want [NaN NaN]", m)
	}
	if s := g.Sum(empty, nil, false).Data(); s[0] != 0 {
		t.Errorf("Sum of nothing = %v, want [0]", s)
	}
}

// TestReduceLargeAgainstReference compares Sum over every subset of the
// axes of a tensor bigger than one worker's share with float64 loops, and
// checks the gradient (the upstream gradient broadcast back).
func TestReduceLargeAgainstReference(t *testing.T) {
	shape := []int{5, 7, 24, 25}
	x := gradcheck.Rand(shape, 11)
	for mask := range 1 << len(shape) {
		var axes []int
		for i := range shape {
			if mask&(1<<i) != 0 {
				axes = append(axes, i)
			}
		}
		if axes == nil {
			continue // nil means all axes; mask 15 covers it
		}
		t.Run(fmt.Sprint(axes), func(t *testing.T) {
			v := autograd.NewParam(x.Clone())
			g := autograd.New()
			out := g.Sum(v, axes, true)
			up := gradcheck.Rand(out.Shape(), 12)
			if err := g.BackwardWith(out, up); err != nil {
				t.Fatal(err)
			}
			want := tensor.New(out.Shape()...)
			acc := make([]float64, want.Len())
			dx := tensor.New(shape...)
			st := tensor.Strides(out.Shape())
			for k, val := range x.Data {
				j, r := 0, k
				for i := len(shape) - 1; i >= 0; i-- {
					if out.Shape()[i] != 1 {
						j += (r % shape[i]) * st[i]
					}
					r /= shape[i]
				}
				acc[j] += float64(val)
				dx.Data[k] = up.Data[j]
			}
			for i, s := range acc {
				want.Data[i] = float32(s)
			}
			closeTo(t, "Sum", out.Value, want, 1e-5)
			closeTo(t, "Sum grad", v.Grad, dx, 0)
		})
	}
}

func TestReduceAxisError(t *testing.T) {
	cases := []struct {
		axes []int
		want string
	}{
		{[]int{2}, "Sum: (2, 3): axis 2 out of range or repeated in [2]"},
		{[]int{-3}, "Sum: (2, 3): axis -3 out of range or repeated in [-3]"},
		{[]int{1, -1}, "Sum: (2, 3): axis -1 out of range or repeated in [1 -1]"},
	}
	for _, c := range cases {
		var err error
		func() {
			defer tensor.Recover(&err)
			autograd.NoGrad().Sum(autograd.NewVar(tensor.New(2, 3)), c.axes, false)
		}()
		var se *tensor.ShapeError
		if !errors.As(err, &se) || err.Error() != c.want {
			t.Errorf("Sum axes %v: err = %v, want %q", c.axes, err, c.want)
		}
	}
}
