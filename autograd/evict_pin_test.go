package autograd

import (
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// evictCase is one op family with evictable inputs: build makes the op
// from in (a Concat of two leaves along the last axis, which Evict may
// drop) and leaf (a parameter). evicts lists, input by input in the order
// in was called, whether Evict may give that input back: true where the
// op's backward reads it through the Var (or not at all), false where the
// op keeps a slice of its data from the forward pass and must pin it.
type evictCase struct {
	name   string
	build  func(g *Graph, in, leaf func(shape ...int) *Var) *Var
	evicts []bool
}

// squareOp is x² recorded through the public Record by a backward that
// keeps x's forward data, as a fused layer outside the package may.
func squareOp(g *Graph, x *Var) *Var {
	X := x.Value.Data
	out := tensor.New(x.Shape()...)
	for i, v := range X {
		out.Data[i] = v * v
	}
	return g.Record(out, func(o *Var) {
		dX := x.GradBuf().Data
		for i, d := range o.Grad.Data {
			dX[i] += 2 * X[i] * d
		}
	}, x)
}

var evictCases = []evictCase{
	// Ops that keep some of their inputs' data for backward: Evict must
	// refuse those inputs (false) and may take the others (true).
	{"Linear", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Linear(in(3, 2, 6), leaf(5, 6), leaf(5))
	}, []bool{false}},
	{"Linear weight, bias", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Linear(leaf(4, 6), in(5, 6), in(5)) // the bias is not read in backward
	}, []bool{false, true}},
	{"Linear without bias", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Linear(in(4, 6), leaf(5, 6), nil) // MatMulT
	}, []bool{false}},
	{"LinearGELU", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.LinearGELU(in(4, 6), in(5, 6), leaf(5))
	}, []bool{false, false}},
	{"MLP", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.MLP(in(4, 6), in(7, 6), in(7), in(5, 7), in(5))
	}, []bool{false, false, true, false, true}},
	{"MatMul", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.MatMul(in(2, 3, 4), in(2, 4, 5))
	}, []bool{false, false}},
	{"Mul", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.Mul(in(3, 4), in(4)) }, []bool{false, false}},
	{"Div", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.Div(in(3, 4), in(3, 4)) }, []bool{true, false}},
	{"Log", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.Log(in(3, 4)) }, []bool{false}},
	{"SiLU", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.SiLU(in(3, 4)) }, []bool{false}},
	{"GELU", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.GELU(in(3, 4)) }, []bool{false}},
	{"ReLU", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.ReLU(in(3, 4)) }, []bool{false}},
	{"Attention", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Attention(in(1, 2, 3, 4), in(1, 2, 5, 4), in(1, 2, 5, 4), false)
	}, []bool{false, false, false}},
	{"AttentionQKV", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.AttentionQKV(in(2, 3, 12), 2, true)
	}, []bool{false}},
	{"MSE", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.MSE(in(3, 4), in(3, 4)) }, []bool{false, false}},
	{"CrossEntropy", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.CrossEntropy(in(3, 4), []int{0, 3, 1})
	}, []bool{false}},
	{"WeightedCrossEntropy", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.WeightedCrossEntropy(in(3, 4), []int{2, -1, 1}, []float32{0.5, 0, 2})
	}, []bool{false}},
	{"Modulate", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Modulate(in(2, 3, 4), in(2, 4), in(2, 4))
	}, []bool{false, true, false}},
	{"GatedAdd", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.GatedAdd(in(2, 3, 4), in(2, 3, 4), in(2, 4))
	}, []bool{true, false, false}},
	{"NormModulate", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.NormModulate(in(2, 3, 4), in(2, 4), in(2, 4), 1e-5)
	}, []bool{false, true, false}},
	{"GroupNorm affine", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.GroupNormSiLU(in(2, 4, 3), 2, in(4), in(4), 1e-5) // x through the Var, w and b kept
	}, []bool{true, false, false}},
	{"LayerNorm", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.LayerNorm(in(3, 4), in(4), in(4), 1e-5) // weight read through the Var
	}, []bool{true, true, true}},
	{"Conv2dAdd", func(g *Graph, in, leaf func(...int) *Var) *Var {
		// x through the Var, the weight packed from its forward data,
		// shift and res never read
		return g.Conv2dAdd(in(2, 3, 5, 6), in(4, 3, 3, 3), leaf(4), 1, 1, 1, in(2, 4), in(2, 4, 5, 6))
	}, []bool{true, false, true, true}},
	{"Reshape view", func(g *Graph, in, leaf func(...int) *Var) *Var {
		// The convolution reads its input through the Var, but that Var
		// is a view of the Concat, which Evict would leave pointing into
		// the buffer it gave back.
		return g.Conv2d(g.Reshape(in(2, 3, 5, 6), 2, 3, 6, 5), leaf(4, 3, 3, 3), nil, 1, 1, 1)
	}, []bool{false}},
	{"Index view", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.Log(g.Index(in(3, 2, 4), 1)) }, []bool{false}},
	{"Record", func(g *Graph, in, leaf func(...int) *Var) *Var { return squareOp(g, in(3, 4)) }, []bool{false}},

	// Ops whose backward reads their inputs through the Var or not at
	// all: Evict gives the input back and backward makes it again.
	{"Conv2d", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Conv2d(in(2, 3, 5, 6), leaf(4, 3, 3, 3), leaf(4), 1, 1, 1)
	}, []bool{true}},
	{"Conv1d strided", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Conv1d(in(2, 4, 9), leaf(6, 2, 3), nil, 2, 1, 2)
	}, []bool{true}},
	{"GroupNormSiLU", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.GroupNormSiLU(in(2, 4, 3, 2), 2, leaf(4), leaf(4), 1e-5)
	}, []bool{true}},
	{"Add, Sub", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Sub(g.Add(in(3, 4), in(4)), in(3, 1))
	}, []bool{true, true, true}},
	{"Exp, Tanh, Sigmoid, Sqrt, Scale", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Add(g.Add(g.Exp(in(3, 4)), g.Tanh(in(3, 4))),
			g.Add(g.Sigmoid(in(3, 4)), g.Scale(g.Sqrt(in(3, 4)), 0.5)))
	}, []bool{true, true, true, true}},
	{"Softmax, CausalSoftmax", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Add(g.Softmax(in(2, 3, 4), 1), g.Add(g.LogSoftmax(in(2, 3, 4), -1), g.CausalSoftmax(in(2, 3, 4))))
	}, []bool{true, true, true}},
	{"Sum, Mean", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Add(g.Sum(in(3, 4), []int{1}, false), g.Mean(in(3, 4), []int{1}, false))
	}, []bool{true, true}},
	{"Permute, Slice, Concat", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Concat(0, g.Transpose(in(3, 4), 0, 1), g.Slice(in(4, 6), 1, 1, 4))
	}, []bool{true, true}},
	{"UpsampleNearest2d, AvgPool2d", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Add(g.UpsampleNearest2d(in(1, 2, 2, 3), 2), g.AvgPool2d(in(1, 2, 8, 12), 2, 2))
	}, []bool{true, true}},
	{"Rotary, Dropout", func(g *Graph, in, leaf func(...int) *Var) *Var {
		return g.Add(g.Rotary(in(2, 3, 4), 10000, 1), g.Dropout(in(2, 3, 4), 0.5, tensor.NewRNG(3)))
	}, []bool{true, true}},
	{"Embedding", func(g *Graph, in, leaf func(...int) *Var) *Var { return g.Embedding(in(5, 4), []int{4, 0, 4, 2}) }, []bool{true}},
}

// TestEvictPins evicts the inputs of every op family on a pooled graph,
// right after the op, and hands each buffer Evict gives back to someone
// else at once (filled with NaN, as a later op would overwrite it): every
// gradient must equal, to the bit, that of the same graph without
// evictions. Ops that keep an input's data from the forward pass pin it,
// so that Evict leaves it (and says so); the others let it go and read it
// again, made anew, in backward.
func TestEvictPins(t *testing.T) {
	for _, c := range evictCases {
		t.Run(c.name, func(t *testing.T) {
			want, _ := runEvictCase(t, c.build, false)
			got, evicted := runEvictCase(t, c.build, true)
			if len(evicted) != len(c.evicts) {
				t.Fatalf("%d inputs, the case lists %d", len(evicted), len(c.evicts))
			}
			for i, e := range evicted {
				if e != c.evicts[i] {
					t.Errorf("input %d: Evict gave it back = %v, want %v", i, e, c.evicts[i])
				}
			}
			for i := range want {
				for j := range want[i].Data {
					if math.Float32bits(got[i].Data[j]) != math.Float32bits(want[i].Data[j]) {
						t.Fatalf("gradient of leaf %d differs at [%d]: %v, want %v (evicted %v)",
							i, j, got[i].Data[j], want[i].Data[j], evicted)
					}
				}
			}
		})
	}
}

// runEvictCase builds c on a pooled graph from leaves drawn from a fixed
// seed, evicts every input made by in when evict is set (reporting which
// Evict gave back), runs backward from a fixed random upstream gradient
// and returns the leaves' gradients.
func runEvictCase(t *testing.T, build func(g *Graph, in, leaf func(...int) *Var) *Var, evict bool) (grads []*tensor.Tensor, evicted []bool) {
	t.Helper()
	rng := tensor.NewRNG(11)
	g := NewPooled()
	var leaves, inputs []*Var
	leaf := func(shape ...int) *Var {
		v := NewParam(rng.Rand(0.25, 1.25, shape...)) // positive: Log, Sqrt, Div
		leaves = append(leaves, v)
		return v
	}
	in := func(shape ...int) *Var {
		a, b := append([]int(nil), shape...), append([]int(nil), shape...)
		last := len(shape) - 1
		a[last] = shape[last] / 2
		b[last] = shape[last] - a[last]
		v := g.Concat(-1, leaf(a...), leaf(b...))
		inputs = append(inputs, v)
		return v
	}
	y := build(g, in, leaf)
	var held []*tensor.Tensor // the buffers Evict gave back, taken by "someone else"
	for _, v := range inputs {
		if !evict {
			continue
		}
		data := v.Value.Data
		ok := g.Evict(v)
		evicted = append(evicted, ok)
		if ok {
			held = append(held, takeGivenBack(t, data))
		}
	}
	if n := count(evicted); g.Evicted() != n {
		t.Errorf("Evicted() = %d, want %d", g.Evicted(), n)
	}
	up := tensor.NewRNG(12).Rand(-1, 1, y.Shape()...)
	if err := g.BackwardWith(y, up); err != nil {
		t.Fatal(err)
	}
	for _, b := range held {
		give(b)
	}
	for _, v := range leaves {
		if v.Grad == nil {
			t.Fatalf("leaf of shape %v got no gradient", v.Shape())
		}
		grads = append(grads, v.Grad.Clone())
	}
	return grads, evicted
}

// takeGivenBack takes the buffer whose data is data out of the pool, as
// the next op of its size would, and fills it with NaN.
func takeGivenBack(t *testing.T, data []float32) *tensor.Tensor {
	t.Helper()
	var others []*tensor.Tensor
	defer func() {
		for _, o := range others {
			give(o)
		}
	}()
	for range 64 {
		b, reused := takeDirty(len(data))
		if !reused {
			break
		}
		if &b.Data[0] == &data[0] {
			for i := range b.Data {
				b.Data[i] = float32(math.NaN())
			}
			return b
		}
		others = append(others, b)
	}
	t.Fatal("the evicted buffer is not in the pool")
	return nil
}

// count is the number of true values in bs.
func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// TestEvictThenRead: an op given a value Evict has given back panics with
// an error (which the entry points that recover turn into a returned one)
// instead of computing from a buffer that is no longer its own.
func TestEvictThenRead(t *testing.T) {
	g := NewPooled()
	x := NewParam(tensor.NewRNG(1).Rand(-1, 1, 2, 3))
	cat := g.Concat(0, x, x)
	y := g.Exp(cat)
	if !g.Evict(cat) {
		t.Fatal("Evict kept the output of a Concat read only by Exp")
	}
	var err error
	func() {
		defer tensor.Recover(&err)
		g.Tanh(cat) // reads nothing in its forward pass from the empty value
	}()
	if err == nil || !strings.Contains(err.Error(), "given back by Evict before the op ran") {
		t.Fatalf("reading an evicted value: err = %v, want an error saying Evict gave it back", err)
	}
	if err := g.Backward(g.Sum(y, nil, false)); err != nil {
		t.Fatal(err)
	}
}
