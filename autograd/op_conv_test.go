package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// convCase is one convolution: input x (n, cin, h, w), cout filters of
// kh×kw, and whether it has a bias.
type convCase struct {
	n, cin, h, w, cout, kh, kw int
	stride, pad, groups        int
	bias                       bool
}

func (c convCase) String() string {
	return fmt.Sprintf("x(%d,%d,%d,%d)_w(%d,%d,%d,%d)_s%d_p%d_g%d_bias=%v",
		c.n, c.cin, c.h, c.w, c.cout, c.cin/c.groups, c.kh, c.kw, c.stride, c.pad, c.groups, c.bias)
}

// conv2dCases covers the awkward sizes: odd H and W, strides 1 and 2,
// padding 0 and 1, plain and grouped, the 1×1 direct path, and a kernel
// that covers the whole padded input.
var conv2dCases = []convCase{
	{2, 3, 5, 7, 4, 3, 3, 1, 0, 1, true},
	{2, 3, 5, 7, 4, 3, 3, 1, 1, 1, true},
	{2, 3, 5, 7, 4, 3, 3, 2, 0, 1, false},
	{2, 3, 5, 7, 4, 3, 3, 2, 1, 1, true},
	{2, 3, 5, 7, 6, 3, 3, 1, 1, 3, true},
	{2, 3, 5, 7, 6, 3, 3, 2, 0, 3, false},
	{2, 3, 5, 7, 3, 3, 3, 2, 1, 3, true}, // depthwise
	{2, 4, 5, 7, 6, 1, 1, 1, 0, 2, true}, // 1×1 direct, grouped
	{3, 3, 5, 7, 5, 1, 1, 1, 0, 1, false},
	{2, 2, 4, 3, 3, 1, 1, 2, 1, 1, true}, // 1×1 with stride and padding: im2col
	{1, 2, 3, 4, 2, 5, 6, 1, 1, 1, true}, // kernel = padded input
	{2, 2, 6, 5, 3, 2, 4, 3, 2, 1, true}, // non-square kernel, stride > kernel rows
}

// naiveConv2d is the definition of Conv2d, accumulated in float64.
func naiveConv2d(c convCase, x, w, b []float32) []float64 {
	oh := (c.h+2*c.pad-c.kh)/c.stride + 1
	ow := (c.w+2*c.pad-c.kw)/c.stride + 1
	cinG, coutG := c.cin/c.groups, c.cout/c.groups
	out := make([]float64, c.n*c.cout*oh*ow)
	for n := 0; n < c.n; n++ {
		for o := 0; o < c.cout; o++ {
			grp := o / coutG
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					var s float64
					if b != nil {
						s = float64(b[o])
					}
					for ci := 0; ci < cinG; ci++ {
						ch := grp*cinG + ci
						for ki := 0; ki < c.kh; ki++ {
							for kj := 0; kj < c.kw; kj++ {
								iy, ix := oy*c.stride-c.pad+ki, ox*c.stride-c.pad+kj
								if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
									continue
								}
								s += float64(x[((n*c.cin+ch)*c.h+iy)*c.w+ix]) *
									float64(w[((o*cinG+ci)*c.kh+ki)*c.kw+kj])
							}
						}
					}
					out[((n*c.cout+o)*oh+oy)*ow+ox] = s
				}
			}
		}
	}
	return out
}

// convInputs returns random x, w and (if c.bias) b for c.
func convInputs(c convCase, seed uint64) []*tensor.Tensor {
	ts := []*tensor.Tensor{
		gradcheck.Rand([]int{c.n, c.cin, c.h, c.w}, seed),
		gradcheck.Rand([]int{c.cout, c.cin / c.groups, c.kh, c.kw}, seed+1),
	}
	if c.bias {
		ts = append(ts, gradcheck.Rand([]int{c.cout}, seed+2))
	}
	return ts
}

// conv2dOf applies c's Conv2d to xs = x, w[, b].
func conv2dOf(c convCase) func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
	return func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
		var b *autograd.Var
		if len(xs) == 3 {
			b = xs[2]
		}
		return g.Conv2d(xs[0], xs[1], b, c.stride, c.pad, c.groups)
	}
}

func assertClose(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has %d elements, want %d", what, len(got), len(want))
	}
	for i, w := range want {
		if math.Abs(float64(got[i])-w) > 1e-4*(1+math.Abs(w)) {
			t.Fatalf("%s[%d] = %.6f, want %.6f", what, i, got[i], w)
		}
	}
}

func TestConv2dMatchesNaive(t *testing.T) {
	for _, c := range conv2dCases {
		t.Run(c.String(), func(t *testing.T) {
			ts := convInputs(c, 1)
			vs := make([]*autograd.Var, len(ts))
			var b []float32
			for i, x := range ts {
				vs[i] = autograd.NewVar(x)
			}
			if c.bias {
				b = ts[2].Data
			}
			out := conv2dOf(c)(autograd.NoGrad(), vs...)
			oh, ow := (c.h+2*c.pad-c.kh)/c.stride+1, (c.w+2*c.pad-c.kw)/c.stride+1
			if want := []int{c.n, c.cout, oh, ow}; !tensor.SameShape(out.Shape(), want) {
				t.Fatalf("Conv2d shape = %v, want %v", out.Shape(), want)
			}
			assertClose(t, "Conv2d", out.Data(), naiveConv2d(c, ts[0].Data, ts[1].Data, b))
		})
	}
}

func TestConv2dGrad(t *testing.T) {
	for _, c := range conv2dCases {
		t.Run(c.String(), func(t *testing.T) {
			gradcheck.CheckN(t, conv2dOf(c), convInputs(c, 3), gradcheck.Tol{})
		})
	}
}

// TestConv2dWeightGradBatch checks the weight and bias gradients against
// float64 sums over a batch large enough that each worker's chunk holds
// several samples, and that two runs give the same bits.
func TestConv2dWeightGradBatch(t *testing.T) {
	c := convCase{n: 13, cin: 4, h: 6, w: 5, cout: 6, kh: 3, kw: 3, stride: 1, pad: 1, groups: 2, bias: true}
	ts := convInputs(c, 5)
	x, wt := ts[0].Data, ts[1].Data
	oh, ow := c.h, c.w
	dy := gradcheck.Rand([]int{c.n, c.cout, oh, ow}, 9)
	run := func() (dw, db []float32) {
		w, b := autograd.NewParam(ts[1].Clone()), autograd.NewParam(ts[2].Clone())
		g := autograd.New()
		out := g.Conv2d(autograd.NewVar(ts[0]), w, b, c.stride, c.pad, c.groups)
		if err := g.BackwardWith(out, dy); err != nil {
			t.Fatal(err)
		}
		return w.Grad.Data, b.Grad.Data
	}
	dw, db := run()
	cinG, coutG := c.cin/c.groups, c.cout/c.groups
	wantW := make([]float64, len(wt))
	wantB := make([]float64, c.cout)
	for n := 0; n < c.n; n++ {
		for o := 0; o < c.cout; o++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					d := float64(dy.Data[((n*c.cout+o)*oh+oy)*ow+ox])
					wantB[o] += d
					for ci := 0; ci < cinG; ci++ {
						ch := o/coutG*cinG + ci
						for ki := 0; ki < c.kh; ki++ {
							for kj := 0; kj < c.kw; kj++ {
								iy, ix := oy-c.pad+ki, ox-c.pad+kj
								if iy >= 0 && iy < c.h && ix >= 0 && ix < c.w {
									wantW[((o*cinG+ci)*c.kh+ki)*c.kw+kj] += d * float64(x[((n*c.cin+ch)*c.h+iy)*c.w+ix])
								}
							}
						}
					}
				}
			}
		}
	}
	assertClose(t, "dW", dw, wantW)
	assertClose(t, "db", db, wantB)
	dw2, db2 := run()
	for i := range dw {
		if math.Float32bits(dw[i]) != math.Float32bits(dw2[i]) {
			t.Fatalf("dW[%d] differs between runs: %v then %v", i, dw[i], dw2[i])
		}
	}
	for i := range db {
		if math.Float32bits(db[i]) != math.Float32bits(db2[i]) {
			t.Fatalf("db[%d] differs between runs: %v then %v", i, db[i], db2[i])
		}
	}
}

// conv1dCases are 1-D convolutions: h is 1 and kh is 1; w is the length L.
var conv1dCases = []convCase{
	{2, 3, 1, 11, 4, 1, 3, 1, 1, 1, true},
	{2, 3, 1, 11, 4, 1, 3, 2, 0, 1, false},
	{2, 3, 1, 10, 6, 1, 5, 2, 2, 3, true},
	{3, 4, 1, 7, 2, 1, 1, 1, 0, 2, true}, // 1×1 direct
}

func conv1dOf(c convCase) func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
	return func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
		var b *autograd.Var
		if len(xs) == 3 {
			b = xs[2]
		}
		return g.Conv1d(xs[0], xs[1], b, c.stride, c.pad, c.groups)
	}
}

// conv1dInputs returns x (n, cin, L), w (cout, cin/groups, K)[, b].
func conv1dInputs(c convCase, seed uint64) []*tensor.Tensor {
	ts := convInputs(c, seed)
	ts[0] = ts[0].Reshape(c.n, c.cin, c.w)
	ts[1] = ts[1].Reshape(c.cout, c.cin/c.groups, c.kw)
	return ts
}

func TestConv1dMatchesNaive(t *testing.T) {
	for _, c := range conv1dCases {
		t.Run(c.String(), func(t *testing.T) {
			ts := conv1dInputs(c, 1)
			vs := make([]*autograd.Var, len(ts))
			var b []float32
			for i, x := range ts {
				vs[i] = autograd.NewVar(x)
			}
			if c.bias {
				b = ts[2].Data
			}
			out := conv1dOf(c)(autograd.NoGrad(), vs...)
			// A 1-D convolution is a 2-D one with unit height and no
			// padding along it.
			want2d := naive1d(c, ts[0].Data, ts[1].Data, b)
			if want := []int{c.n, c.cout, (c.w+2*c.pad-c.kw)/c.stride + 1}; !tensor.SameShape(out.Shape(), want) {
				t.Fatalf("Conv1d shape = %v, want %v", out.Shape(), want)
			}
			assertClose(t, "Conv1d", out.Data(), want2d)
		})
	}
}

// naive1d is the definition of Conv1d in float64.
func naive1d(c convCase, x, w, b []float32) []float64 {
	ol := (c.w+2*c.pad-c.kw)/c.stride + 1
	cinG, coutG := c.cin/c.groups, c.cout/c.groups
	out := make([]float64, c.n*c.cout*ol)
	for n := 0; n < c.n; n++ {
		for o := 0; o < c.cout; o++ {
			for t := 0; t < ol; t++ {
				var s float64
				if b != nil {
					s = float64(b[o])
				}
				for ci := 0; ci < cinG; ci++ {
					for k := 0; k < c.kw; k++ {
						if i := t*c.stride - c.pad + k; i >= 0 && i < c.w {
							s += float64(x[(n*c.cin+o/coutG*cinG+ci)*c.w+i]) * float64(w[(o*cinG+ci)*c.kw+k])
						}
					}
				}
				out[(n*c.cout+o)*ol+t] = s
			}
		}
	}
	return out
}

func TestConv1dGrad(t *testing.T) {
	for _, c := range conv1dCases {
		t.Run(c.String(), func(t *testing.T) {
			gradcheck.CheckN(t, conv1dOf(c), conv1dInputs(c, 3), gradcheck.Tol{})
		})
	}
}

func TestConvShapeErrors(t *testing.T) {
	v := func(shape ...int) *autograd.Var { return autograd.NewVar(tensor.New(shape...)) }
	cases := []struct {
		name string
		f    func(g *autograd.Graph)
		want string
	}{
		{"channel mismatch", func(g *autograd.Graph) { g.Conv2d(v(2, 3, 5, 7), v(4, 2, 3, 3), nil, 1, 1, 1) },
			"Conv2d: (2, 3, 5, 7) × (4, 2, 3, 3): input has 3 channels, weight wants 2 (2 per group × groups 1)"},
		{"groups", func(g *autograd.Graph) { g.Conv2d(v(2, 4, 5, 7), v(6, 2, 3, 3), nil, 1, 1, 3) },
			"Conv2d: (2, 4, 5, 7) × (6, 2, 3, 3): 4 input and 6 output channels do not split into 3 groups"},
		{"bias", func(g *autograd.Graph) { g.Conv2d(v(2, 3, 5, 7), v(4, 3, 3, 3), v(3), 1, 1, 1) },
			"Conv2d: (2, 3, 5, 7) × (4, 3, 3, 3) × (3,): bias wants shape (4,)"},
		{"rank", func(g *autograd.Graph) { g.Conv2d(v(3, 5, 7), v(4, 3, 3, 3), nil, 1, 1, 1) },
			"Conv2d: (3, 5, 7) × (4, 3, 3, 3): want x (N, Cin, H, W) and w (Cout, Cin/groups, kH, kW)"},
		{"kernel too large", func(g *autograd.Graph) { g.Conv2d(v(1, 1, 2, 2), v(1, 1, 5, 5), nil, 1, 1, 1) },
			"Conv2d: (1, 1, 2, 2) × (1, 1, 5, 5): kernel 5×5 larger than padded input 4×4"},
		{"stride", func(g *autograd.Graph) { g.Conv2d(v(1, 1, 5, 5), v(1, 1, 3, 3), nil, 0, 1, 1) },
			"Conv2d: (1, 1, 5, 5) × (1, 1, 3, 3): stride 0, padding 1, groups 1: want stride ≥ 1, padding ≥ 0, groups ≥ 1"},
		{"conv1d channels", func(g *autograd.Graph) { g.Conv1d(v(2, 3, 9), v(4, 5, 3), nil, 1, 0, 1) },
			"Conv1d: (2, 3, 9) × (4, 5, 3): input has 3 channels, weight wants 5 (5 per group × groups 1)"},
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

func TestConvNoGradRecordsNothing(t *testing.T) {
	g := autograd.NoGrad()
	w := autograd.NewParam(tensor.New(4, 3, 3, 3))
	out := g.Conv2d(autograd.NewVar(tensor.New(2, 3, 5, 7)), w, nil, 1, 1, 1)
	if g.Len() != 0 || out.RequiresGrad() {
		t.Fatalf("NoGrad recorded %d steps (out requires grad: %v), want none", g.Len(), out.RequiresGrad())
	}
}
