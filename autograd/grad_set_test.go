package autograd

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// withZeros returns a random tensor of the given shape in which every
// third element is +0 or −0, so that a path that sets a gradient where
// adding into zeros would give +0 for −0 shows.
func withZeros(rng *tensor.RNG, shape ...int) *tensor.Tensor {
	t := rng.Rand(-1, 1, shape...)
	for i := range t.Data {
		switch i % 6 {
		case 1:
			t.Data[i] = 0
		case 4:
			t.Data[i] = float32(math.Copysign(0, -1))
		}
	}
	return t
}

// TestGradSetMatchesAdd checks every op whose backward sets a gradient on
// its first contribution (GradDst) or passes its output's buffer on
// (passGrad): the gradients reaching each input must be bit-identical to
// those the op adds into zeroed gradients, −0 and +0 included. The inputs
// are probes (Record) on a pooled graph whose pool holds NaN buffers of
// every gradient's length, so an element a set path fails to write shows
// as NaN; the reference run gives each probe a zero gradient before
// Backward, so that every op adds.
func TestGradSetMatchesAdd(t *testing.T) {
	rng := tensor.NewRNG(5)
	a4 := withZeros(rng, 2, 3, 4, 5)
	b4 := withZeros(rng, 2, 3, 4, 5)
	c4 := withZeros(rng, 1, 3, 1, 5)
	q := withZeros(rng, 2, 9, 4) // three slices of 3 along axis 1
	// copies marks the ops that copied (or took) the first gradient before
	// GradDst, as passGrad does now: those keep a −0 where adding into
	// zeros gives +0, so they are checked by value against adding, and to
	// the bit between plain and pooled graphs.
	// Convolutions: their weights are constants; setup picks the path.
	x6 := withZeros(rng, 2, 3, 6, 5)
	x8 := withZeros(rng, 2, 4, 6, 6)
	y8 := withZeros(rng, 2, 4, 6, 6)
	w33 := NewVar(rng.Rand(-1, 1, 4, 3, 3, 3))
	w11 := NewVar(rng.Rand(-1, 1, 4, 3, 1, 1))
	w44 := NewVar(rng.Rand(-1, 1, 4, 4, 3, 3))
	nw, nb := NewVar(rng.Rand(0.5, 1.5, 4)), NewVar(rng.Rand(-1, 1, 4))
	wg2 := NewVar(rng.Rand(-1, 1, 6, 2, 3, 3))
	w1d := NewVar(rng.Rand(-1, 1, 7, 12, 3))
	wino := func(on, f4 bool) func(t *testing.T) {
		return func(t *testing.T) { ForceWinograd(t, on); ForceWinograd4(t, f4) }
	}
	cases := []struct {
		name   string
		copies bool
		in     []*tensor.Tensor
		f      func(g *Graph, x []*Var) *Var
	}{
		{"Concat", false, []*tensor.Tensor{a4, b4}, func(g *Graph, x []*Var) *Var { return g.Concat(1, x[0], x[1]) }},
		{"Concat repeated", false, []*tensor.Tensor{a4, b4}, func(g *Graph, x []*Var) *Var { return g.Concat(2, x[0], x[1], x[0]) }},
		{"Slice", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Slice(x[0], 2, 1, 3) }},
		{"Slice empty", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Slice(x[0], 1, 2, 2) }},
		{"Slice three parts", false, []*tensor.Tensor{q}, func(g *Graph, x []*Var) *Var {
			return g.Concat(2, g.Slice(x[0], 1, 0, 3), g.Slice(x[0], 1, 3, 6), g.Slice(x[0], 1, 6, 9))
		}},
		{"Permute", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Permute(x[0], 0, 2, 3, 1) }},
		{"Permute runs", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Permute(x[0], 1, 0, 2, 3) }},
		{"Reshape", true, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Reshape(x[0], 6, 20) }},
		{"Reshape twice", true, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var {
			return g.Add(g.Reshape(x[0], 6, 20), g.Reshape(x[0], 6, 20))
		}},
		{"Add", true, []*tensor.Tensor{a4, b4}, func(g *Graph, x []*Var) *Var { return g.Add(x[0], x[1]) }},
		{"Add itself", true, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Add(x[0], x[0]) }},
		{"Add broadcast", true, []*tensor.Tensor{a4, c4}, func(g *Graph, x []*Var) *Var { return g.Add(x[0], x[1]) }},
		{"Add broadcast first", true, []*tensor.Tensor{c4, a4}, func(g *Graph, x []*Var) *Var { return g.Add(x[0], x[1]) }},
		{"Sub", true, []*tensor.Tensor{a4, b4}, func(g *Graph, x []*Var) *Var { return g.Sub(x[0], x[1]) }},
		{"Sub broadcast", true, []*tensor.Tensor{a4, c4}, func(g *Graph, x []*Var) *Var { return g.Sub(x[0], x[1]) }},
		{"Mul broadcast", true, []*tensor.Tensor{a4, c4}, func(g *Graph, x []*Var) *Var { return g.Mul(x[0], x[1]) }},
		{"Sum", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Sum(x[0], []int{1, 3}, true) }},
		{"Sum size-1 axes", false, []*tensor.Tensor{c4}, func(g *Graph, x []*Var) *Var { return g.Sum(x[0], []int{0, 2}, false) }},
		{"Mean all", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.Mean(x[0], nil, false) }},
		{"UpsampleNearest2d", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.UpsampleNearest2d(x[0], 2) }},
		{"UpsampleNearest2d 3", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.UpsampleNearest2d(x[0], 3) }},
		{"Conv2d Winograd F(4×4)", false, []*tensor.Tensor{x6}, func(g *Graph, x []*Var) *Var { return g.Conv2d(x[0], w33, nil, 1, 1, 1) }},
		{"Conv2d Winograd F(2×2)", false, []*tensor.Tensor{x6}, func(g *Graph, x []*Var) *Var { return g.Conv2d(x[0], w33, nil, 1, 1, 1) }},
		{"Conv2d rotated", false, []*tensor.Tensor{x6}, func(g *Graph, x []*Var) *Var { return g.Conv2d(x[0], w33, nil, 1, 1, 1) }},
		{"Conv2d 1×1", false, []*tensor.Tensor{x6}, func(g *Graph, x []*Var) *Var { return g.Conv2d(x[0], w11, nil, 1, 0, 1) }},
		{"Conv2d groups 2", false, []*tensor.Tensor{x8}, func(g *Graph, x []*Var) *Var { return g.Conv2d(x[0], wg2, nil, 1, 1, 2) }},
		{"Conv1d", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var {
			return g.Conv1d(g.Reshape(x[0], 2, 12, 5), w1d, nil, 1, 1, 1)
		}},
		{"Conv2d stride 2", false, []*tensor.Tensor{x6}, func(g *Graph, x []*Var) *Var { return g.Conv2d(x[0], w33, nil, 2, 1, 1) }},
		{"Conv2d twice", false, []*tensor.Tensor{x6}, func(g *Graph, x []*Var) *Var {
			return g.Add(g.Conv2d(x[0], w33, nil, 1, 1, 1), g.Conv2d(x[0], w33, nil, 1, 1, 1))
		}},
		{"Conv2dAdd residual itself", true, []*tensor.Tensor{x8}, func(g *Graph, x []*Var) *Var {
			return g.Conv2dAdd(x[0], w44, nil, 1, 1, 1, nil, x[0])
		}},
		{"GroupNormSiLUConv2dAdd", false, []*tensor.Tensor{x8}, func(g *Graph, x []*Var) *Var {
			return g.GroupNormSiLUConv2dAdd(x[0], 2, nw, nb, 1e-5, w44, nil, 1, 1, nil, nil)
		}},
		{"Conv2dAdd residual", true, []*tensor.Tensor{x8, y8}, func(g *Graph, x []*Var) *Var {
			return g.Conv2dAdd(x[0], w44, nil, 1, 1, 1, nil, x[1])
		}},
		{"GroupNormSiLUConv2dAdd residual", true, []*tensor.Tensor{x8, y8}, func(g *Graph, x []*Var) *Var {
			return g.GroupNormSiLUConv2dAdd(x[0], 2, nw, nb, 1e-5, w44, nil, 1, 1, nil, x[1])
		}},
		{"GroupNormSiLUConv2dAdd residual itself", true, []*tensor.Tensor{x8}, func(g *Graph, x []*Var) *Var {
			return g.GroupNormSiLUConv2dAdd(x[0], 2, nw, nb, 1e-5, w44, nil, 1, 1, nil, x[0])
		}},
		{"GroupNorm", false, []*tensor.Tensor{x8}, func(g *Graph, x []*Var) *Var { return g.GroupNorm(x[0], 2, nw, nb, 1e-5) }},
		{"GroupNormSiLU", false, []*tensor.Tensor{x8}, func(g *Graph, x []*Var) *Var { return g.GroupNormSiLU(x[0], 2, nw, nb, 1e-5) }},
		{"LayerNorm", false, []*tensor.Tensor{a4}, func(g *Graph, x []*Var) *Var { return g.LayerNorm(x[0], nil, nil, 1e-5) }},
	}
	setups := map[string]func(t *testing.T){ // the convolutions' paths
		"Conv2d Winograd F(4×4)":                 wino(true, true),
		"Conv2d Winograd F(2×2)":                 wino(true, false),
		"Conv2d rotated":                         wino(false, false),
		"Conv2d 1×1":                             wino(false, false),
		"Conv2d groups 2":                        wino(false, false),
		"Conv1d":                                 wino(false, false),
		"Conv2d stride 2":                        wino(false, false),
		"Conv2d twice":                           wino(true, true),
		"Conv2dAdd residual itself":              wino(true, true),
		"Conv2dAdd residual":                     wino(true, true),
		"GroupNormSiLUConv2dAdd residual":        wino(true, true),
		"GroupNormSiLUConv2dAdd residual itself": wino(true, true),
		"GroupNormSiLUConv2dAdd":                 wino(true, true),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if setup := setups[c.name]; setup != nil {
				setup(t)
			}
			run := func(g *Graph, preZero bool) []*tensor.Tensor {
				grads := make([]*tensor.Tensor, len(c.in))
				probes := make([]*Var, len(c.in))
				for i, v := range c.in {
					leaf := NewParam(v)
					probes[i] = g.Record(v.Clone(), func(o *Var) { grads[i] = o.Grad.Clone() }, leaf)
					if preZero {
						probes[i].Grad = tensor.New(v.Shape...)
					}
				}
				out := c.f(g, probes)
				seed := withZeros(tensor.NewRNG(9), out.Value.Shape...)
				for range 3 { // what a set path leaves unwritten shows as NaN
					for _, v := range append(c.in, out.Value) {
						poison := tensor.New(v.Len())
						poison.Fill(float32(math.NaN()))
						give(poison)
						nan := make([]float32, v.Len()) // the convolutions' scratch
						for i := range nan {
							nan[i] = float32(math.NaN())
						}
						putConvBuf(&nan)
					}
				}
				if err := g.BackwardWith(out, seed); err != nil {
					t.Fatal(err)
				}
				if !sameBits(out.Grad.Data, seed.Data) {
					t.Fatalf("the output's gradient changed: %v, seeded %v", out.Grad.Data, seed.Data)
				}
				return grads
			}
			want := run(New(), true)
			plain := run(New(), false)
			pooled := run(NewPooled(), false)
			for i := range want {
				if !want[i].AllFinite() { // an internal buffer an op set only in part
					t.Fatalf("input %d's gradient is not finite: %v", i, want[i].Data)
				}
				if c.copies {
					if !sameValues(plain[i].Data, want[i].Data) {
						t.Fatalf("input %d's gradient\n%v, adding into zeros gives\n%v", i, plain[i].Data, want[i].Data)
					}
					want[i] = plain[i]
				}
				for _, got := range [][]*tensor.Tensor{plain, pooled} {
					if got[i] == nil || !sameBits(got[i].Data, want[i].Data) {
						t.Fatalf("input %d's gradient\n%v, want\n%v", i, got[i].Data, want[i].Data)
					}
				}
			}
			FreeBuffers()
		})
	}
}

// sameValues reports whether a and b hold equal numbers (+0 equals −0).
func sameValues(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameBits reports whether a and b hold the same float32 bits.
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestGradDst checks GradDst's contract: set on the first call, with a
// buffer of v's shape, and add (the same buffer) afterwards.
func TestGradDst(t *testing.T) {
	v := NewParam(tensor.New(2, 3))
	d, set := v.GradDst()
	if !set || !tensor.SameShape(d.Shape, []int{2, 3}) || v.Grad != d {
		t.Fatalf("first GradDst: set %v, shape %v, want set, (2, 3), v.Grad", set, d.Shape)
	}
	d2, set := v.GradDst()
	if set || d2 != d {
		t.Fatalf("second GradDst: set %v, same buffer %v; want add into the first", set, d2 == d)
	}
}

// TestUpsampleNearest2dGradBits checks UpsampleNearest2d's backward (the
// factor-2 path and the general one) to the bit against its defining
// order: for each input pixel, each of its block's rows summed from +0,
// the row sums added into the gradient in row order, both into a fresh
// gradient and into one that holds an earlier contribution, with ±0 in
// the upstream gradient.
func TestUpsampleNearest2dGradBits(t *testing.T) {
	rng := tensor.NewRNG(8)
	for _, f := range []int{1, 2, 3} {
		for _, earlier := range []bool{false, true} {
			x := NewParam(rng.Rand(-1, 1, 2, 3, 5, 7))
			var prior *tensor.Tensor
			if earlier {
				prior = withZeros(rng, 2, 3, 5, 7)
				x.Grad = prior.Clone()
			}
			g := NewPooled()
			out := g.UpsampleNearest2d(x, f)
			seed := withZeros(rng, out.Value.Shape...)
			want := tensor.New(2, 3, 5, 7)
			if earlier {
				copy(want.Data, prior.Data)
			}
			oh, ow := 5*f, 7*f
			for p := range 6 {
				for y := range oh {
					for j := range 7 {
						var s float32
						for a := range f {
							s += seed.Data[(p*oh+y)*ow+j*f+a]
						}
						want.Data[(p*5+y/f)*7+j] += s
					}
				}
			}
			if err := g.BackwardWith(out, seed); err != nil {
				t.Fatal(err)
			}
			if !sameBits(x.Grad.Data, want.Data) {
				t.Fatalf("factor %d, earlier gradient %v: gradient\n%v, want\n%v", f, earlier, x.Grad.Data, want.Data)
			}
		}
	}
}

// TestGradAccumulatesAcrossBackward runs the same ops' backward twice
// without zeroing, as accumulating micro-batches does: the first pass sets
// the leaves' gradients (GradDst), the second must add into them, so each
// ends as g + g, to the bit, for the input and the weights alike. A
// strided convolution's col2im adds each tap into the input gradient in
// turn, so there the sum is g + g only to rounding.
func TestGradAccumulatesAcrossBackward(t *testing.T) {
	rng := tensor.NewRNG(8)
	x0 := rng.Rand(-1, 1, 2, 4, 6, 6)
	w0 := rng.Rand(-1, 1, 4, 4, 3, 3)
	nw0, nb0 := rng.Rand(0.5, 1.5, 4), rng.Rand(-1, 1, 4)
	for _, c := range []struct {
		name     string
		wino, f4 bool
		f        func(g *Graph, x, w, nw, nb *Var) *Var
		leaves   int  // how many of x, w, nw, nb the op reaches
		rounding bool // the second pass adds in several steps
	}{
		{"Conv2d Winograd", true, true, func(g *Graph, x, w, _, _ *Var) *Var { return g.Conv2d(x, w, nil, 1, 1, 1) }, 2, false},
		{"Conv2d rotated", false, false, func(g *Graph, x, w, _, _ *Var) *Var { return g.Conv2d(x, w, nil, 1, 1, 1) }, 2, false},
		{"Conv2d stride 2", false, false, func(g *Graph, x, w, _, _ *Var) *Var { return g.Conv2d(x, w, nil, 2, 1, 1) }, 2, true},
		{"GroupNormSiLUConv2dAdd", true, true, func(g *Graph, x, w, nw, nb *Var) *Var {
			return g.GroupNormSiLUConv2dAdd(x, 2, nw, nb, 1e-5, w, nil, 1, 1, nil, nil)
		}, 4, false},
		{"GroupNorm", false, false, func(g *Graph, x, _, nw, nb *Var) *Var { return g.GroupNorm(x, 2, nw, nb, 1e-5) }, 3, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ForceWinograd(t, c.wino)
			ForceWinograd4(t, c.f4)
			leaves := []*Var{NewParam(x0.Clone()), NewParam(w0.Clone()), NewParam(nw0.Clone()), NewParam(nb0.Clone())}
			var once [][]float32
			for pass := range 2 {
				g := NewPooled()
				out := c.f(g, leaves[0], leaves[1], leaves[2], leaves[3])
				if err := g.BackwardWith(out, withZeros(tensor.NewRNG(3), out.Value.Shape...)); err != nil {
					t.Fatal(err)
				}
				if pass == 0 {
					for _, v := range leaves {
						if v.Grad != nil {
							once = append(once, append([]float32(nil), v.Grad.Data...))
						}
					}
					if len(once) != c.leaves {
						t.Fatalf("%d leaves have a gradient after one pass, want %d", len(once), c.leaves)
					}
				}
			}
			k := 0
			for i, v := range leaves {
				if v.Grad == nil {
					continue
				}
				want := append([]float32(nil), once[k]...)
				for j := range want {
					want[j] += once[k][j]
				}
				if c.rounding {
					for j, got := range v.Grad.Data {
						if d := math.Abs(float64(got - want[j])); d > 1e-5*(1+math.Abs(float64(want[j]))) {
							t.Fatalf("leaf %d, element %d after two passes: %v, want g + g = %v", i, j, got, want[j])
						}
					}
				} else if !sameBits(v.Grad.Data, want) {
					t.Fatalf("leaf %d after two passes: %v, want g + g = %v", i, v.Grad.Data, want)
				}
				k++
			}
			FreeBuffers()
		})
	}
}

// TestConvAddsGradBits checks the gradients of a convolution's bias and
// shift to the bit against their definition, whether one or both want a
// gradient: shift (N, Cout) gets float32 of the float64 sum of dY over
// its plane, the bias float32 of those sums added in sample order.
func TestConvAddsGradBits(t *testing.T) {
	rng := tensor.NewRNG(12)
	x := NewVar(rng.Rand(-1, 1, 3, 4, 5, 6))
	w := NewVar(rng.Rand(-1, 1, 5, 4, 3, 3))
	nw, nb := NewVar(rng.Rand(0.5, 1.5, 4)), NewVar(rng.Rand(-1, 1, 4))
	dY := rng.Rand(-1, 1, 3, 5, 5, 6)
	planes := func(i, ch int) float64 { return kernels.Sum(dY.Data[(i*5+ch)*30:][:30]) }
	for _, fused := range []bool{false, true} {
		for _, want := range []struct{ bias, shift bool }{{true, true}, {true, false}, {false, true}} {
			t.Run(fmt.Sprintf("fused %v, bias %v, shift %v", fused, want.bias, want.shift), func(t *testing.T) {
				ForceWinograd(t, fused)
				ForceWinograd4(t, fused)
				b, sh := NewVar(rng.Rand(-1, 1, 5)), NewVar(rng.Rand(-1, 1, 3, 5))
				if want.bias {
					b = NewParam(b.Value)
				}
				if want.shift {
					sh = NewParam(sh.Value)
				}
				g := New()
				var out *Var
				if fused {
					out = g.GroupNormSiLUConv2dAdd(x, 2, nw, nb, 1e-5, NewParam(w.Value), b, 1, 1, sh, nil)
				} else {
					out = g.Conv2dAdd(x, NewParam(w.Value), b, 1, 1, 1, sh, nil)
				}
				if err := g.BackwardWith(out, dY); err != nil {
					t.Fatal(err)
				}
				for ch := range 5 {
					var s float64
					for i := range 3 {
						s += planes(i, ch)
						if want.shift && math.Float32bits(sh.Grad.Data[i*5+ch]) != math.Float32bits(float32(planes(i, ch))) {
							t.Fatalf("dshift[%d, %d] = %v, want %v", i, ch, sh.Grad.Data[i*5+ch], float32(planes(i, ch)))
						}
					}
					if want.bias && math.Float32bits(b.Grad.Data[ch]) != math.Float32bits(float32(s)) {
						t.Fatalf("dbias[%d] = %v, want %v", ch, b.Grad.Data[ch], float32(s))
					}
				}
			})
		}
	}
}

// TestResidualItselfGradOrder checks a convolution whose residual is its
// own input, on an input that has a gradient already when the
// convolution's step runs: the residual's gradient must reach x before
// the convolution's input gradient, as Add(Add(conv(x), x), x) adds them,
// to the bit (passLast leaves such a residual at the start of the step).
func TestResidualItselfGradOrder(t *testing.T) {
	ForceWinograd(t, true)
	ForceWinograd4(t, true)
	rng := tensor.NewRNG(13)
	x0 := rng.Rand(-1, 1, 2, 4, 6, 6)
	w := NewVar(rng.Rand(-1, 1, 4, 4, 3, 3))
	nw, nb := NewVar(rng.Rand(0.5, 1.5, 4)), NewVar(rng.Rand(-1, 1, 4))
	seed := rng.Rand(-1, 1, 2, 4, 6, 6)
	for _, fused := range []bool{false, true} {
		var grads [2][]float32
		for k := range 2 {
			x := NewParam(x0.Clone())
			g := NewPooled()
			var out *Var
			switch {
			case k == 0 && fused:
				out = g.GroupNormSiLUConv2dAdd(x, 2, nw, nb, 1e-5, w, nil, 1, 1, nil, x)
			case k == 0:
				out = g.Conv2dAdd(x, w, nil, 1, 1, 1, nil, x)
			case fused:
				out = g.Add(g.Conv2d(g.GroupNormSiLU(x, 2, nw, nb, 1e-5), w, nil, 1, 1, 1), x)
			default:
				out = g.Add(g.Conv2d(x, w, nil, 1, 1, 1), x)
			}
			if err := g.BackwardWith(g.Add(out, x), seed); err != nil {
				t.Fatal(err)
			}
			grads[k] = x.Grad.Data
		}
		if !sameBits(grads[0], grads[1]) {
			t.Errorf("fused %v: x's gradient\n%v, the unfused ops give\n%v", fused, grads[0], grads[1])
		}
	}
}
