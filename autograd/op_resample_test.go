package autograd_test

import (
	"fmt"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestUpsampleNearest2dKnownAnswer(t *testing.T) {
	x := tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 1, 1, 2, 3)
	out := autograd.NoGrad().UpsampleNearest2d(autograd.NewVar(x), 2)
	want := []float32{
		1, 1, 2, 2, 3, 3,
		1, 1, 2, 2, 3, 3,
		4, 4, 5, 5, 6, 6,
		4, 4, 5, 5, 6, 6,
	}
	if !tensor.SameShape(out.Shape(), []int{1, 1, 4, 6}) {
		t.Fatalf("UpsampleNearest2d shape = %v, want (1, 1, 4, 6)", out.Shape())
	}
	for i, w := range want {
		if out.Data()[i] != w {
			t.Fatalf("UpsampleNearest2d[%d] = %v, want %v", i, out.Data()[i], w)
		}
	}
}

func TestUpsampleNearest2dMatchesNaive(t *testing.T) {
	for _, f := range []int{1, 2, 3} {
		t.Run(fmt.Sprint("factor", f), func(t *testing.T) {
			x := gradcheck.Rand([]int{2, 3, 3, 5}, 1)
			out := autograd.NoGrad().UpsampleNearest2d(autograd.NewVar(x), f)
			if want := []int{2, 3, 3 * f, 5 * f}; !tensor.SameShape(out.Shape(), want) {
				t.Fatalf("shape = %v, want %v", out.Shape(), want)
			}
			for n := range 2 {
				for c := range 3 {
					for y := range 3 * f {
						for xo := range 5 * f {
							if got, want := out.Value.At(n, c, y, xo), x.At(n, c, y/f, xo/f); got != want {
								t.Fatalf("out[%d,%d,%d,%d] = %v, want %v", n, c, y, xo, got, want)
							}
						}
					}
				}
			}
		})
	}
}

func TestUpsampleNearest2dGrad(t *testing.T) {
	for _, f := range []int{1, 2, 3} {
		t.Run(fmt.Sprint("factor", f), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.UpsampleNearest2d(x, f)
			}, gradcheck.Rand([]int{2, 3, 3, 5}, 2), gradcheck.Tol{})
		})
	}
}

var poolCases = []struct{ kernel, stride int }{
	{2, 2}, // the usual downsampling
	{3, 2}, // overlapping windows
	{3, 1},
	{1, 3},
	{5, 1}, // whole height
}

func TestAvgPool2dMatchesNaive(t *testing.T) {
	x := gradcheck.Rand([]int{2, 3, 5, 7}, 1)
	for _, c := range poolCases {
		t.Run(fmt.Sprintf("k%d_s%d", c.kernel, c.stride), func(t *testing.T) {
			out := autograd.NoGrad().AvgPool2d(autograd.NewVar(x), c.kernel, c.stride)
			oh, ow := (5-c.kernel)/c.stride+1, (7-c.kernel)/c.stride+1
			if want := []int{2, 3, oh, ow}; !tensor.SameShape(out.Shape(), want) {
				t.Fatalf("shape = %v, want %v", out.Shape(), want)
			}
			want := make([]float64, 0, out.Value.Len())
			for n := range 2 {
				for ch := range 3 {
					for y := range oh {
						for xo := range ow {
							var s float64
							for ki := range c.kernel {
								for kj := range c.kernel {
									s += float64(x.At(n, ch, y*c.stride+ki, xo*c.stride+kj))
								}
							}
							want = append(want, s/float64(c.kernel*c.kernel))
						}
					}
				}
			}
			assertClose(t, "AvgPool2d", out.Data(), want)
		})
	}
}

func TestAvgPool2dGrad(t *testing.T) {
	for _, c := range poolCases {
		t.Run(fmt.Sprintf("k%d_s%d", c.kernel, c.stride), func(t *testing.T) {
			gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
				return g.AvgPool2d(x, c.kernel, c.stride)
			}, gradcheck.Rand([]int{2, 3, 5, 7}, 2), gradcheck.Tol{})
		})
	}
}

func TestResampleShapeErrors(t *testing.T) {
	v := func(shape ...int) *autograd.Var { return autograd.NewVar(tensor.New(shape...)) }
	cases := []struct {
		name string
		f    func(g *autograd.Graph)
		want string
	}{
		{"upsample rank", func(g *autograd.Graph) { g.UpsampleNearest2d(v(3, 4, 4), 2) },
			"UpsampleNearest2d: (3, 4, 4): want x (N, C, H, W)"},
		{"upsample factor", func(g *autograd.Graph) { g.UpsampleNearest2d(v(1, 3, 4, 4), 0) },
			"UpsampleNearest2d: (1, 3, 4, 4): factor 0: want ≥ 1"},
		{"pool kernel", func(g *autograd.Graph) { g.AvgPool2d(v(1, 3, 4, 2), 3, 1) },
			"AvgPool2d: (1, 3, 4, 2): kernel 3 larger than input 4×2"},
		{"pool stride", func(g *autograd.Graph) { g.AvgPool2d(v(1, 3, 4, 4), 2, 0) },
			"AvgPool2d: (1, 3, 4, 4): kernel 2, stride 0: want both ≥ 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer tensor.Recover(&err)
				c.f(autograd.New())
			}()
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
}
