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

type binOp func(g *autograd.Graph, a, b *autograd.Var) *autograd.Var

var binOps = []struct {
	name string
	op   binOp
	f    func(x, y float64) float64
}{
	{"Add", (*autograd.Graph).Add, func(x, y float64) float64 { return x + y }},
	{"Sub", (*autograd.Graph).Sub, func(x, y float64) float64 { return x - y }},
	{"Mul", (*autograd.Graph).Mul, func(x, y float64) float64 { return x * y }},
	{"Div", (*autograd.Graph).Div, func(x, y float64) float64 { return x / y }},
}

// awayFromZero moves every element of t to at least 1 in magnitude, for
// divisors.
func awayFromZero(t *tensor.Tensor) *tensor.Tensor {
	for i, v := range t.Data {
		t.Data[i] = float32(math.Copysign(1+math.Abs(float64(v)), float64(v)))
	}
	return t
}

func TestBinaryGradBroadcast(t *testing.T) {
	shapes := [][2][]int{
		{{3, 5}, {3, 5}},
		{{2, 3, 4, 5}, {2, 3, 1, 1}}, // per-sample, per-channel bias
		{{2, 3, 4, 5}, {1, 3, 1, 1}}, // per-channel bias
		{{4, 3}, {3}},                // row bias
		{{2, 3, 4, 5}, {5}},          // bias on the last axis
		{{3}, {2, 1, 3}},             // left operand stretched
		{{2, 1, 5}, {1, 4, 1}},       // both stretched
		{{2, 1, 4, 1}, {3, 1, 5}},    // both stretched, ranks differ
		{{3, 1}, {3, 1}},             // trailing size-1 axis
		{{1}, {7}},
		{{3, 2}, {}}, // scalar
		{{}, {2, 3}},
		{{}, {}},
	}
	for _, b := range binOps {
		for _, s := range shapes {
			t.Run(fmt.Sprint(b.name, s), func(t *testing.T) {
				x, y := gradcheck.Rand(s[0], 1), gradcheck.Rand(s[1], 2)
				if b.name == "Div" {
					awayFromZero(y)
				}
				gradcheck.CheckN(t, func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
					return b.op(g, xs[0], xs[1])
				}, []*tensor.Tensor{x, y}, gradcheck.Tol{})
			})
		}
	}
}

// TestBinarySameOperand checks x op x, where both gradients land in one
// buffer.
func TestBinarySameOperand(t *testing.T) {
	for _, b := range binOps {
		t.Run(b.name, func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return b.op(g, x, x)
			}, awayFromZero(gradcheck.Rand([]int{3, 4}, 3)), gradcheck.Tol{})
		})
	}
}

// TestBinaryLargeAgainstReference compares forward values and both
// gradients with a float64 loop over full-rank coordinates, on shapes big
// enough to split over workers.
func TestBinaryLargeAgainstReference(t *testing.T) {
	shapes := [][2][]int{
		{{4, 8, 24, 25}, {4, 8, 24, 25}},
		{{4, 8, 24, 25}, {4, 8, 1, 1}},
		{{4, 8, 24, 25}, {1, 8, 1, 1}},
		{{800, 31}, {31}},
		{{31}, {800, 31}},
		{{4, 8, 24, 25}, {8, 24, 1}},
		{{7, 1, 60, 1}, {1, 9, 1, 50}},
		{{20000}, {}},
	}
	for _, b := range binOps {
		for _, s := range shapes {
			t.Run(fmt.Sprint(b.name, s), func(t *testing.T) {
				x := autograd.NewParam(gradcheck.Rand(s[0], 1))
				y := autograd.NewParam(awayFromZero(gradcheck.Rand(s[1], 2)))
				g := autograd.New()
				out := b.op(g, x, y)
				up := gradcheck.Rand(out.Shape(), 3)
				if err := g.BackwardWith(out, up); err != nil {
					t.Fatal(err)
				}
				want, dx, dy := refBinary(b.name, x.Value, y.Value, up)
				closeTo(t, b.name+" value", out.Value, want, 1e-5)
				closeTo(t, b.name+" grad a", x.Grad, dx, 1e-4)
				closeTo(t, b.name+" grad b", y.Grad, dy, 1e-4)
			})
		}
	}
}

// refBinary computes a op b with broadcasting and the gradients of
// Σ up·(a op b), walking full-rank coordinates in float64.
func refBinary(op string, a, b, up *tensor.Tensor) (out, da, db *tensor.Tensor) {
	n := max(a.Rank(), b.Rank())
	shape := make([]int, n)
	dim := func(t *tensor.Tensor, i int) int {
		if j := t.Rank() - n + i; j >= 0 {
			return t.Shape[j]
		}
		return 1
	}
	for i := range shape {
		shape[i] = max(dim(a, i), dim(b, i))
	}
	index := func(t *tensor.Tensor, coord []int) int {
		off := 0
		for i := range coord {
			if d := dim(t, i); d != 1 {
				off = off*d + coord[i]
			}
		}
		return off
	}
	out = tensor.New(shape...)
	ga, gb := make([]float64, a.Len()), make([]float64, b.Len())
	coord := make([]int, n)
	for k := range out.Data {
		r := k
		for i := n - 1; i >= 0; i-- {
			coord[i] = r % shape[i]
			r /= shape[i]
		}
		ia, ib := index(a, coord), index(b, coord)
		x, y, u := float64(a.Data[ia]), float64(b.Data[ib]), float64(up.Data[k])
		switch op {
		case "Add":
			out.Data[k] = float32(x + y)
			ga[ia] += u
			gb[ib] += u
		case "Sub":
			out.Data[k] = float32(x - y)
			ga[ia] += u
			gb[ib] -= u
		case "Mul":
			out.Data[k] = float32(x * y)
			ga[ia] += u * y
			gb[ib] += u * x
		case "Div":
			out.Data[k] = float32(x / y)
			ga[ia] += u / y
			gb[ib] -= u * x / (y * y)
		}
	}
	da, db = tensor.New(a.Shape...), tensor.New(b.Shape...)
	for i, v := range ga {
		da.Data[i] = float32(v)
	}
	for i, v := range gb {
		db.Data[i] = float32(v)
	}
	return out, da, db
}

// closeTo fails t unless got and want have the same shape and every
// element agrees within rel·max(1, |want|).
func closeTo(t *testing.T, what string, got, want *tensor.Tensor, rel float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: got nil, want shape %v", what, want.Shape)
	}
	if !tensor.SameShape(got.Shape, want.Shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, want.Shape)
	}
	for i, w := range want.Data {
		if d := math.Abs(float64(got.Data[i]) - float64(w)); d > rel*math.Max(1, math.Abs(float64(w))) || math.IsNaN(d) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got.Data[i], w)
		}
	}
}

func TestBinaryValues(t *testing.T) {
	a := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	b := autograd.NewVar(tensor.FromData([]float32{10, 20, 30}, 3))
	c := autograd.NewVar(tensor.FromData([]float32{2, 4}, 2, 1))
	g := autograd.NoGrad()
	cases := []struct {
		name string
		got  *autograd.Var
		want []float32
	}{
		{"Add row", g.Add(a, b), []float32{11, 22, 33, 14, 25, 36}},
		{"Sub row", g.Sub(a, b), []float32{-9, -18, -27, -6, -15, -24}},
		{"Mul row", g.Mul(a, b), []float32{10, 40, 90, 40, 100, 180}},
		{"Div row", g.Div(b, a), []float32{10, 10, 10, 2.5, 4, 5}},
		{"Sub column", g.Sub(a, c), []float32{-1, 0, 1, 0, 1, 2}},
		{"Div column", g.Div(a, c), []float32{0.5, 1, 1.5, 1, 1.25, 1.5}},
		{"Scale", g.Scale(a, -2), []float32{-2, -4, -6, -8, -10, -12}},
		{"AddScalar", g.AddScalar(a, 0.5), []float32{1.5, 2.5, 3.5, 4.5, 5.5, 6.5}},
		{"Neg", g.Neg(a), []float32{-1, -2, -3, -4, -5, -6}},
	}
	for _, c := range cases {
		if !tensor.SameShape(c.got.Shape(), []int{2, 3}) {
			t.Errorf("%s: shape %v, want (2, 3)", c.name, c.got.Shape())
			continue
		}
		for i, w := range c.want {
			if got := c.got.Data()[i]; got != w {
				t.Errorf("%s[%d] = %g, want %g", c.name, i, got, w)
			}
		}
	}
	// (3, 1) + (4,) broadcasts to (3, 4).
	o := g.Add(autograd.NewVar(tensor.FromData([]float32{0, 10, 20}, 3, 1)), autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4}, 4)))
	if !tensor.SameShape(o.Shape(), []int{3, 4}) || o.Data()[0] != 1 || o.Data()[5] != 12 || o.Data()[11] != 24 {
		t.Errorf("(3, 1) + (4,) = %v, want (3, 4) [1 2 3 4 11 12 13 14 21 22 23 24]", o.Value)
	}
}

func TestScalarOpsGrad(t *testing.T) {
	ops := map[string]func(g *autograd.Graph, x *autograd.Var) *autograd.Var{
		"Scale":     func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.Scale(x, -2.5) },
		"AddScalar": func(g *autograd.Graph, x *autograd.Var) *autograd.Var { return g.AddScalar(x, 3) },
		"Neg":       (*autograd.Graph).Neg,
	}
	for name, op := range ops {
		for _, shape := range [][]int{{3, 7}, {}, {1, 5, 1}} {
			t.Run(fmt.Sprint(name, shape), func(t *testing.T) {
				gradcheck.Check(t, op, gradcheck.Rand(shape, 5), gradcheck.Tol{})
			})
		}
	}
}

func TestBroadcastShapeError(t *testing.T) {
	cases := []struct {
		name string
		op   binOp
		a, b []int
		want string
	}{
		{"Add", (*autograd.Graph).Add, []int{2, 3}, []int{4}, "Add: (2, 3) × (4,): sizes 3 and 4 at axis 1 do not broadcast"},
		{"Sub", (*autograd.Graph).Sub, []int{2, 3, 4}, []int{3, 1, 4}, "Sub: (2, 3, 4) × (3, 1, 4): sizes 2 and 3 at axis 0 do not broadcast"},
		{"Mul", (*autograd.Graph).Mul, []int{5}, []int{2, 4}, "Mul: (5,) × (2, 4): sizes 5 and 4 at axis 1 do not broadcast"},
		{"Div", (*autograd.Graph).Div, []int{2, 0}, []int{2, 3}, "Div: (2, 0) × (2, 3): sizes 0 and 3 at axis 1 do not broadcast"},
	}
	for _, c := range cases {
		var err error
		func() {
			defer tensor.Recover(&err)
			c.op(autograd.New(), autograd.NewParam(tensor.New(c.a...)), autograd.NewVar(tensor.New(c.b...)))
		}()
		var se *tensor.ShapeError
		if !errors.As(err, &se) || err.Error() != c.want {
			t.Errorf("%s %v %v: err = %v, want *tensor.ShapeError %q", c.name, c.a, c.b, err, c.want)
		}
	}
}

func TestArithNoGradRecordsNothing(t *testing.T) {
	g := autograd.NoGrad()
	w := autograd.NewParam(gradcheck.Rand([]int{3}, 1))
	x := autograd.NewVar(gradcheck.Rand([]int{2, 3}, 2))
	out := g.Scale(g.Mul(g.Add(x, w), w), 2)
	if g.Len() != 0 || out.RequiresGrad() {
		t.Fatalf("NoGrad recorded %d steps (out requires grad: %v), want none", g.Len(), out.RequiresGrad())
	}
	// On a recording graph, constants alone record nothing either.
	r := autograd.New()
	if r.Add(x, x); r.Len() != 0 {
		t.Fatalf("Add of constants recorded %d steps, want none", r.Len())
	}
}

// TestGradAccumulates checks that a second backward pass adds to the
// gradient of a broadcast operand instead of overwriting it.
func TestGradAccumulates(t *testing.T) {
	b := autograd.NewParam(tensor.FromData([]float32{1, 2}, 2))
	x := autograd.NewVar(tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 3, 2))
	for range 2 {
		g := autograd.New()
		if err := g.Backward(g.Sum(g.Mul(x, b), nil, false)); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.Grad.Data; got[0] != 18 || got[1] != 24 {
		t.Fatalf("bias gradient after two passes = %v, want [18 24]", got)
	}
}
