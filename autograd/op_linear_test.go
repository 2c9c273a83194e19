package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestLinearGrad(t *testing.T) {
	for _, s := range [][]int{{3, 5}, {2, 3, 4}, {1, 7}} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			in := s[len(s)-1]
			xs := []*tensor.Tensor{gradcheck.Rand(s, 1), gradcheck.Rand([]int{6, in}, 2), gradcheck.Rand([]int{6}, 3)}
			gradcheck.CheckN(t, func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var {
				return g.Linear(v[0], v[1], v[2])
			}, xs, gradcheck.Tol{})
		})
	}
}

// TestLinearMatchesOps: the fused op gives the bits of MatMulT then Add,
// forward and backward (values, dx and dw; db, summed in blocks of rows,
// within 1e-6 relative), on a product deeper than one GEMM slice
// (In = 600), on a pooled graph as training.
func TestLinearMatchesOps(t *testing.T) {
	rng := tensor.NewRNG(4)
	x0, w0, b0 := rng.Randn(3, 7, 600), rng.Randn(33, 600), rng.Randn(33)
	up := rng.Randn(3, 7, 33)
	run := func(fused bool) [][]float32 {
		x, w, b := autograd.NewParam(x0.Clone()), autograd.NewParam(w0.Clone()), autograd.NewParam(b0.Clone())
		g := autograd.NewPooled()
		var y *autograd.Var
		if fused {
			y = g.Linear(x, w, b)
		} else {
			y = g.Add(g.MatMulT(x, w), b)
		}
		val := append([]float32(nil), y.Data()...)
		if err := g.BackwardWith(y, up); err != nil {
			t.Fatal(err)
		}
		return [][]float32{val, x.Grad.Data, w.Grad.Data, b.Grad.Data}
	}
	got, want := run(true), run(false)
	for k, name := range []string{"value", "dx", "dw", "db"} {
		for i := range want[k] {
			if name == "db" {
				if d := math.Abs(float64(got[k][i] - want[k][i])); d > 1e-6*math.Max(1, math.Abs(float64(want[k][i]))) {
					t.Fatalf("db[%d]: fused %v, MatMulT+Add %v", i, got[k][i], want[k][i])
				}
				continue
			}
			if math.Float32bits(got[k][i]) != math.Float32bits(want[k][i]) {
				t.Fatalf("%s[%d]: fused %v, MatMulT+Add %v", name, i, got[k][i], want[k][i])
			}
		}
	}
	// No bias: MatMulT; bad shapes panic as the unfused ops do.
	g := autograd.NoGrad()
	x, w := autograd.NewVar(x0), autograd.NewVar(w0)
	if a, b := g.Linear(x, w, nil).Data(), g.MatMulT(x, w).Data(); a[5] != b[5] {
		t.Errorf("no bias: %v, MatMulT %v", a[5], b[5])
	}
	var err error
	func() { defer tensor.Recover(&err); g.Linear(x, w, autograd.NewVar(tensor.New(32))) }()
	if err == nil {
		t.Error("bias (32) for 33 outputs: no error")
	}
}
