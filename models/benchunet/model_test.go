package benchunet_test

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/internal/reftest"
	"github.com/diffusego/diffusego/models/benchunet"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
)

// refPath is the PyTorch reference export (gitignored, about 38 MB).
const refPath = "../../testdata/ref/benchunet.safetensors"

type shaped struct {
	name  string
	shape []int
}

// specParams is the parameter list of UNET_SPEC.md ("Parameter names"),
// written out from the spec's block table in registration order.
func specParams(conditional bool) []shaped {
	var ps []shaped
	add := func(name string, shape ...int) { ps = append(ps, shaped{name, shape}) }
	conv := func(name string, cin, cout, k int) {
		add(name+".weight", cout, cin, k, k)
		add(name+".bias", cout)
	}
	norm := func(name string, c int) { add(name+".weight", c); add(name+".bias", c) }
	res := func(name string, cin, cout int) {
		norm(name+".norm1", cin)
		conv(name+".conv1", cin, cout, 3)
		add(name+".temb.weight", cout, 128)
		add(name+".temb.bias", cout)
		norm(name+".norm2", cout)
		conv(name+".conv2", cout, cout, 3)
		if cin != cout {
			conv(name+".skip", cin, cout, 1)
		}
	}
	attn := func(name string) {
		norm(name+".norm", 128)
		conv(name+".qkv", 128, 384, 1)
		conv(name+".proj", 128, 128, 1)
	}
	add("temb.fc1.weight", 128, 32)
	add("temb.fc1.bias", 128)
	add("temb.fc2.weight", 128, 128)
	add("temb.fc2.bias", 128)
	if conditional {
		add("class_emb.weight", 11, 128)
	}
	conv("stem", 1, 32, 3)
	res("down.0.res.0", 32, 32)
	res("down.0.res.1", 32, 32)
	conv("down.0.down.conv", 32, 32, 3)
	res("down.1.res.0", 32, 64)
	res("down.1.res.1", 64, 64)
	conv("down.1.down.conv", 64, 64, 3)
	res("down.2.res.0", 64, 128)
	res("down.2.res.1", 128, 128)
	attn("down.2.attn.0")
	attn("down.2.attn.1")
	res("mid.res1", 128, 128)
	attn("mid.attn")
	res("mid.res2", 128, 128)
	res("up.0.res.0", 96, 32)
	res("up.0.res.1", 64, 32)
	res("up.0.res.2", 64, 32)
	res("up.1.res.0", 192, 64)
	res("up.1.res.1", 128, 64)
	res("up.1.res.2", 96, 64)
	conv("up.1.up.conv", 64, 64, 3)
	res("up.2.res.0", 256, 128)
	res("up.2.res.1", 256, 128)
	res("up.2.res.2", 192, 128)
	attn("up.2.attn.0")
	attn("up.2.attn.1")
	attn("up.2.attn.2")
	conv("up.2.up.conv", 128, 128, 3)
	norm("out.norm", 32)
	conv("out.conv", 32, 1, 3)
	return ps
}

func TestParams(t *testing.T) {
	for _, c := range []struct {
		classes       int
		tensors, size int
	}{{10, 247, 3940801}, {0, 246, 3939393}} {
		t.Run(fmt.Sprintf("classes=%d", c.classes), func(t *testing.T) {
			ps := benchunet.New(benchunet.Config{Classes: c.classes}, tensor.NewRNG(0)).Params()
			if len(ps) != c.tensors || nn.Count(ps) != c.size {
				t.Errorf("%d parameters in %d tensors, want %d in %d", nn.Count(ps), len(ps), c.size, c.tensors)
			}
			want := specParams(c.classes > 0)
			if len(want) != c.tensors {
				t.Fatalf("spec list has %d tensors, want %d", len(want), c.tensors)
			}
			for i := range min(len(ps), len(want)) {
				if ps[i].Name != want[i].name || !tensor.SameShape(ps[i].V.Shape(), want[i].shape) {
					t.Errorf("param %d = %s %v, want %s %v", i, ps[i].Name, ps[i].V.Shape(), want[i].name, want[i].shape)
				}
			}
			if _, err := nn.ByName(ps); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestInit(t *testing.T) {
	ps := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(0)).Params()
	byName, err := nn.ByName(ps)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		d := p.V.Data()
		switch {
		case strings.Contains(p.Name, "norm"):
			want := float32(0)
			if strings.HasSuffix(p.Name, ".weight") {
				want = 1
			}
			for _, v := range d {
				if v != want {
					t.Fatalf("%s has %v, want all %v", p.Name, v, want)
				}
			}
		case p.Name == "class_emb.weight":
			// N(0, 1)
		default: // conv and linear: U(±1/√fan_in), fan_in from the weight's shape
			w := p.V.Shape()
			if strings.HasSuffix(p.Name, ".bias") {
				w = byName[strings.TrimSuffix(p.Name, "bias")+"weight"].V.Shape()
			}
			k := float32(1 / math.Sqrt(float64(tensor.Numel(w[1:]))))
			for _, v := range d {
				if v < -k || v > k {
					t.Fatalf("%s has %v, outside ±%v", p.Name, v, k)
				}
			}
		}
	}
}

func TestForwardShapes(t *testing.T) {
	m := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(0))
	x := autograd.NewVar(tensor.NewRNG(1).Rand(-1, 1, 2, 1, 28, 28))
	var names []string
	m.Trace = func(name string, v *autograd.Var) { names = append(names, name) }
	g := autograd.NoGrad()
	out := m.Forward(g, x, []float64{3, 900}, nil)
	if !tensor.SameShape(out.Shape(), []int{2, 1, 28, 28}) {
		t.Errorf("output %v, want (2, 1, 28, 28)", out.Shape())
	}
	if g.Len() != 0 || out.RequiresGrad() {
		t.Errorf("NoGrad forward recorded %d steps", g.Len())
	}
	if len(names) != 30 || names[0] != "temb" || names[29] != "up.0.res.2" {
		t.Errorf("traced %d blocks %v, want 30 from temb to up.0.res.2", len(names), names)
	}
	// y = nil means the null class for every image
	m.Trace = nil
	null := m.Forward(g, x, []float64{3, 900}, []int{10, 10})
	for i, v := range out.Data() {
		if null.Data()[i] != v {
			t.Fatalf("y = nil and y = null class differ at %d", i)
		}
	}
}

// TestReference loads the PyTorch reference's weights, runs its batch and
// compares the output, every block's activation, the loss and every
// parameter gradient, each within 1e-4 relative (‖got − want‖/‖want‖).
// Time budget: one batch-4 forward and backward, about 0.5 s on two
// cores (several seconds on the pure-Go GEMM).
func TestReference(t *testing.T) {
	rf := reftest.Open(t, refPath, "run `make testdata` (torch_unet_bench.py --export-reference with PyTorch) to generate it")
	m := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(0))
	ps := m.Params()

	reftest.LoadWeights(t, rf, ps) // every weight by name and shape, in the file's order

	// ref.t and ref.y are I64 in the file; small integers are exact in float32.
	ts := make([]float64, rf.Tensors["ref.t"].Len())
	for i, v := range rf.Tensors["ref.t"].Data {
		ts[i] = float64(v)
	}
	ys := make([]int, rf.Tensors["ref.y"].Len())
	for i, v := range rf.Tensors["ref.y"].Data {
		ys[i] = int(v)
	}

	acts := map[string]*tensor.Tensor{}
	m.Trace = func(name string, v *autograd.Var) { acts[name] = v.Value.Clone() }
	g := autograd.NewPooled() // the training path: values and gradients recycled in Backward
	out := m.Forward(g, autograd.NewVar(rf.Tensors["ref.x"]), ts, ys)
	loss := g.MSE(out, autograd.NewVar(rf.Tensors["ref.eps"]))

	c := &reftest.Comparison{T: t, Tol: 1e-4}
	outErr := c.Check("output", out.Value, rf.Tensors["ref.out"])
	lossErr := c.Check("loss", loss.Value, rf.Tensors["ref.loss"])
	actWorst, actAt := c.Activations(rf, acts, 30)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	gradWorst, gradAt := c.Gradients(rf, ps)
	t.Logf("relative errors: output %.3g, loss %.3g, worst activation %.3g (%s), worst gradient %.3g (%s)",
		outErr, lossErr, actWorst, actAt, gradWorst, gradAt)
}

// TestResBlockGrad checks a small ResBlock with a 1×1 skip (8 → 16
// channels) and without (8 → 8), including the embedding input.
func TestResBlockGrad(t *testing.T) {
	for _, c := range [][2]int{{8, 16}, {8, 8}} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			r := benchunet.NewResBlock("res", c[0], c[1], 5, 0, tensor.NewRNG(1))
			perturbNorms(r.Params())
			f := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var { return r.Forward(g, xs[0], xs[1], nil) }
			xs := []*tensor.Tensor{gradcheck.Rand([]int{2, c[0], 3, 4}, 2), gradcheck.Rand([]int{2, 5}, 3)}
			gradcheck.CheckN(t, f, xs, gradcheck.Tol{Rel: 1e-2, Abs: 3e-3, MaxPerTensor: 24}, vars(r.Params())...)
		})
	}
}

func TestAttnBlockGrad(t *testing.T) {
	a := benchunet.NewAttnBlock("attn", 8, tensor.NewRNG(1))
	perturbNorms(a.Params())
	gradcheck.Check(t, a.Forward, gradcheck.Rand([]int{2, 8, 2, 3}, 2), gradcheck.Tol{Rel: 1e-2, Abs: 3e-3, MaxPerTensor: 24}, vars(a.Params())...)
}

// perturbNorms moves GroupNorm weights and biases off 1 and 0.
func perturbNorms(ps []*nn.Param) {
	rng := tensor.NewRNG(9)
	for _, p := range ps {
		if strings.Contains(p.Name, "norm") {
			for i := range p.V.Data() {
				p.V.Data()[i] += float32(0.3 * rng.Normal())
			}
		}
	}
}

func vars(ps []*nn.Param) []*autograd.Var {
	vs := make([]*autograd.Var, len(ps))
	for i, p := range ps {
		vs[i] = p.V
	}
	return vs
}

// TestEvictions: a training forward pass on a pooled graph evicts every
// value the model hands to Evict (two normalised inputs per ResBlock where
// it writes them, the normalised input of each AttnBlock, the decoder's
// concatenations where they are made, the upsampled maps and the output layer's input), so
// that none is kept because an op on its path pinned it. Bit-identical
// training does not show this: a kept value gives the same gradients,
// only more memory. Where the ResBlocks' convolutions run through
// F(4×4, 3×3) (AVX-512 CPUs, unless the environment turns it off), their
// normalised inputs are made inside the convolutions and never written.
// Time budget: one batch-1 forward pass (823.5 MFLOPs), under a second.
func TestEvictions(t *testing.T) {
	m := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(1))
	perRes := 2
	if kernels.Wino4Vector() && os.Getenv("DIFFUSEGO_WINOGRAD") != "0" && os.Getenv("DIFFUSEGO_WINOGRAD4") != "0" {
		perRes = 0
	}
	want := 2*perRes + 1 + 1 // the middle ResBlocks and AttnBlock, the output layer
	for _, l := range m.Down {
		want += perRes*len(l.Res) + len(l.Attn)
	}
	for _, l := range m.Up {
		// A ResBlock's two, and its input's concatenation where the first
		// convolution makes it; fused, the concatenation is never made.
		want += perRes*3/2*len(l.Res) + len(l.Attn)
		if l.Up != nil {
			want++
		}
	}
	g := autograd.NewPooled()
	x := autograd.NewVar(tensor.NewRNG(2).Rand(-1, 1, 1, 1, 28, 28))
	m.Forward(g, x, []float64{500}, []int{3})
	if got := g.Evicted(); got != want {
		t.Errorf("Evicted() = %d after the forward pass, want %d", got, want)
	}
	g.Reset()
}

// TestSampleMatchesTraining: a forward pass that records nothing (as in
// sampling, where each ResBlock's norms are applied inside its
// convolutions' input transforms) gives the bits of a training forward
// pass (where the activations are written), at the batch size of
// sampling. Time budget: two batch-4 forward passes, well under a second.
func TestSampleMatchesTraining(t *testing.T) {
	m := benchunet.New(benchunet.Config{Classes: 10}, tensor.NewRNG(3))
	perturbNorms(m.Params())
	rng := tensor.NewRNG(4)
	x := rng.Rand(-1, 1, 4, 1, 28, 28)
	ts, ys := []float64{0, 250, 600, 999}, []int{1, 10, 4, 7}
	gs := autograd.NoGradPooled()
	got := m.Forward(gs, autograd.NewVar(x), ts, ys).Value.Clone()
	gs.Release(nil)
	gt := autograd.NewPooled()
	want := m.Forward(gt, autograd.NewVar(x), ts, ys).Value
	for i, v := range want.Data {
		if math.Float32bits(got.Data[i]) != math.Float32bits(v) {
			t.Fatalf("sampling output[%d] = %v, training forward %v", i, got.Data[i], v)
		}
	}
	gt.Reset()
}
