package digress

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/graph"
	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/tensor"
	"github.com/diffusego/diffusego/train"
)

func paramVars(ps []*nn.Param) []*autograd.Var {
	out := make([]*autograd.Var, len(ps))
	for i, p := range ps {
		out[i] = p.V
	}
	return out
}

// The layer's gradients with respect to X, E, y and every parameter match
// finite differences, on a padded batch (sizes 3 and 2 padded to 3).
func TestLayerGrad(t *testing.T) {
	const dx, de, dy = 4, 3, 2
	l := NewLayer("layer", dx, de, dy, 5, 4, tensor.NewRNG(1))
	m := NewMasks([]int{3, 2}, 3)
	for _, out := range []string{"x", "e"} {
		t.Run(out, func(t *testing.T) {
			f := func(g *autograd.Graph, xs ...*autograd.Var) *autograd.Var {
				x, e := l.Forward(g, xs[0], xs[1], xs[2], m)
				if out == "x" {
					return x
				}
				return e
			}
			xs := []*tensor.Tensor{gradcheck.Rand([]int{2, 3, dx}, 2), gradcheck.Rand([]int{2, 3, 3, de}, 3), gradcheck.Rand([]int{2, dy}, 4)}
			gradcheck.CheckN(t, f, xs, gradcheck.Tol{Rel: 3e-2, Abs: 3e-3, Step: 1e-2}, paramVars(l.Params())...)
		})
	}
}

func tinyModel(t testing.TB, sizes []int) *Model {
	t.Helper()
	c := DefaultConfig(2, 3, []float64{0.6, 0.4}, []float64{0.7, 0.2, 0.1}, sizes)
	c.Layers, c.DX, c.DE, c.DY, c.FFX, c.FFE = 2, 8, 4, 4, 8, 6
	m, err := NewModel(c, tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func randomGraph(rng *tensor.RNG, n, kx, ke int) *graph.Graph {
	g, _ := graph.New(n)
	for i := 0; i < n; i++ {
		_ = g.SetNodeType(i, rng.Intn(kx))
		for j := i + 1; j < n; j++ {
			_ = g.SetEdge(i, j, rng.Intn(ke))
		}
	}
	return g
}

// The model's loss has finite-difference gradients in every parameter
// (a few tensors checked), the edge logits are symmetric, and a graph's
// logits do not depend on the padding or the other graphs in its batch.
func TestModelGradSymmetryPadding(t *testing.T) {
	m := tinyModel(t, []int{3, 4, 5})
	rng := tensor.NewRNG(2)
	gs := []*graph.Graph{randomGraph(rng, 5, 2, 3), randomGraph(rng, 3, 2, 3)}
	x0, err := FromGraphs(gs, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0.3, 0.8}
	z := m.Process.Noise(x0, ts, tensor.NewRNG(3))
	ps := m.Params()
	check := []*autograd.Var{ps[0].V, ps[len(ps)-1].V, m.Layers[1].EMul.Weight.V, m.Layers[0].Q.Weight.V}
	gradcheck.CheckN(t, func(g *autograd.Graph, _ ...*autograd.Var) *autograd.Var {
		return m.Loss(g, x0, z, ts)
	}, nil, gradcheck.Tol{Rel: 3e-2, Abs: 3e-3}, check...)

	px, pe, err := m.Predict(z, ts)
	if err != nil {
		t.Fatal(err)
	}
	n := z.N
	for b := 0; b < z.B; b++ {
		for i := 0; i < z.Sizes[b]; i++ {
			for j := 0; j < z.Sizes[b]; j++ {
				for k := range 3 {
					a, c := pe[((b*n+i)*n+j)*3+k], pe[((b*n+j)*n+i)*3+k]
					if math.Abs(a-c) > 1e-6 {
						t.Fatalf("graph %d: p(e_%d%d = %d) = %v but p(e_%d%d) = %v", b, i, j, k, a, j, i, c)
					}
				}
			}
		}
	}
	// Graph 1 (3 nodes) alone, unpadded.
	alone := sliceGraph(z, 1)
	alone.N = 3
	alone.X = alone.X[:3]
	alone.E = []int{z.E[(n+0)*n+0], z.E[(n+0)*n+1], z.E[(n+0)*n+2], z.E[(n+1)*n+0], z.E[(n+1)*n+1], z.E[(n+1)*n+2], z.E[(n+2)*n+0], z.E[(n+2)*n+1], z.E[(n+2)*n+2]}
	qx, qe, err := m.Predict(alone, ts[1:])
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for k := range 2 {
			if d := math.Abs(qx[i*2+k] - px[(n+i)*2+k]); d > 1e-5 {
				t.Errorf("node %d: p = %v alone, %v padded in a batch", i, qx[i*2+k], px[(n+i)*2+k])
			}
		}
		for j := 0; j < 3; j++ {
			if i == j {
				continue
			}
			for k := range 3 {
				if d := math.Abs(qe[(i*3+j)*3+k] - pe[((n+i)*n+j)*3+k]); d > 1e-5 {
					t.Errorf("pair %d-%d: p = %v alone, %v padded in a batch", i, j, qe[(i*3+j)*3+k], pe[((n+i)*n+j)*3+k])
				}
			}
		}
	}
}

// Sampling draws sizes from the training distribution, is deterministic
// for a seed, and returns simple graphs with types in range.
func TestModelSample(t *testing.T) {
	m := tinyModel(t, []int{3, 4, 4, 6})
	a, err := m.Sample(t.Context(), 10, 5, 1, tensor.NewRNG(9))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Sample(t.Context(), 10, 5, 1, tensor.NewRNG(9))
	for i := range a {
		if n := a[i].N(); n != 3 && n != 4 && n != 6 {
			t.Errorf("graph %d has %d nodes: want a training size", i, n)
		}
		if !a[i].Equal(b[i]) {
			t.Errorf("graph %d differs between two runs with the same seed", i)
		}
	}
}

// Training on a few graphs lowers the loss on a fixed noisy batch of them
// (a learning check; time budget: well under a second), and the task
// refuses a batch larger than the data.
func TestTaskLearns(t *testing.T) {
	var gs []*graph.Graph // paths of type-2 edges between type-1 nodes
	var sizes []int
	for i := range 8 {
		g, _ := graph.New(4 + i%3)
		for j := 0; j < g.N(); j++ {
			_ = g.SetNodeType(j, 1)
			if j > 0 {
				_ = g.SetEdge(j-1, j, 2)
			}
		}
		gs = append(gs, g)
		sizes = append(sizes, g.N())
	}
	m := tinyModel(t, sizes)
	task, err := NewTask(m, gs, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewTask(m, gs, 9, 1); err == nil {
		t.Error("a batch larger than the data: no error")
	}
	x0, _ := FromGraphs(gs, 2, 3)
	ts := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	z := m.Process.Noise(x0, ts, tensor.NewRNG(5))
	eval := func() float64 { return float64(m.Loss(autograd.NoGrad(), x0, z, ts).Data()[0]) }
	before := eval()
	tr, err := train.NewTask(task, train.Options{Steps: 60, LR: 1e-2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if after := eval(); !(after < 0.8*before) {
		t.Errorf("loss on a fixed batch %.4f before, %.4f after 60 steps: want at least 20%% lower", before, after)
	}
}
