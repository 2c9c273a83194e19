package autograd_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/internal/kernels"
	"github.com/diffusego/diffusego/tensor"
)

// withPrecision runs f under precision p, restoring FP32 after; it skips
// the test where p cannot run here.
func withPrecision(t *testing.T, p kernels.Precision, f func()) {
	t.Helper()
	if err := kernels.SetPrecision(p); err != nil {
		t.Skipf("precision %v: %v", p, err)
	}
	defer func() {
		if err := kernels.SetPrecision(kernels.FP32); err != nil {
			t.Fatal(err)
		}
	}()
	f()
}

// TestBF16ForwardFP32Gradients checks what kernels.BF16 changes in the
// ops that multiply through the GEMM (Linear, MatMul, Conv2d on both of
// its paths): the forward value moves, within bf16's worst case
// (2⁻⁷ + 2⁻¹⁶)·Σ|x·w| (kernels.TestGemmBF16Error derives it; the bound
// here is twice that, for float32's own summation error and the bias);
// Linear's value is exactly kernels.GemmBF16Naive plus the bias; and
// every gradient, given the same upstream gradient, is the same bits as
// under FP32: backward products stay float32.
func TestBF16ForwardFP32Gradients(t *testing.T) {
	rng := tensor.NewRNG(11)
	type op struct {
		name   string
		inputs []*tensor.Tensor
		f      func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var
	}
	ops := []op{
		{"Linear", []*tensor.Tensor{rng.Randn(3, 7, 600), rng.Randn(33, 600), rng.Randn(33)},
			func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var { return g.Linear(v[0], v[1], v[2]) }},
		{"MatMul batched", []*tensor.Tensor{rng.Randn(4, 9, 70), rng.Randn(4, 70, 21)},
			func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var { return g.MatMul(v[0], v[1]) }},
		{"Conv2d 3×3 same", []*tensor.Tensor{rng.Randn(2, 5, 9, 11), rng.Randn(7, 5, 3, 3), rng.Randn(7)},
			func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var { return g.Conv2d(v[0], v[1], v[2], 1, 1, 1) }},
		{"Conv2d 3×3 stride 2", []*tensor.Tensor{rng.Randn(2, 5, 9, 11), rng.Randn(7, 5, 3, 3), rng.Randn(7)},
			func(g *autograd.Graph, v ...*autograd.Var) *autograd.Var { return g.Conv2d(v[0], v[1], v[2], 2, 1, 1) }},
	}
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			run := func(abs bool) (val []float32, grads [][]float32) {
				vs := make([]*autograd.Var, len(o.inputs))
				for i, x := range o.inputs {
					c := x.Clone()
					if abs {
						for j, v := range c.Data {
							c.Data[j] = float32(math.Abs(float64(v)))
						}
					}
					vs[i] = autograd.NewParam(c)
				}
				g := autograd.New()
				y := o.f(g, vs...)
				val = append(val, y.Data()...)
				up := tensor.NewRNG(12).Randn(y.Value.Shape...)
				if err := g.BackwardWith(y, up); err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					grads = append(grads, append([]float32(nil), v.Grad.Data...))
				}
				return val, grads
			}
			want, wantGrads := run(false)
			bound, _ := run(true) // Σ|x·w| (+ |b|), in float32
			var got []float32
			var gotGrads [][]float32
			withPrecision(t, kernels.BF16, func() { got, gotGrads = run(false) })
			moved := 0
			for i := range want {
				d := math.Abs(float64(got[i]) - float64(want[i]))
				if lim := 2 * (1.0/128 + 1.0/(1<<16)) * float64(bound[i]); d > lim {
					t.Fatalf("value[%d]: bf16 %g, fp32 %g: %.3g apart, beyond %.3g", i, got[i], want[i], d, lim)
				}
				if d > 0 {
					moved++
				}
			}
			if moved < len(want)/2 {
				t.Errorf("bf16 moved %d of %d values from fp32: the bf16 products did not run", moved, len(want))
			}
			for k := range wantGrads {
				for i := range wantGrads[k] {
					if math.Float32bits(gotGrads[k][i]) != math.Float32bits(wantGrads[k][i]) {
						t.Fatalf("gradient of input %d [%d]: bf16 %g, fp32 %g: want the same bits", k, i, gotGrads[k][i], wantGrads[k][i])
					}
				}
			}
			if o.name == "Linear" { // exactly the bf16 product plus the bias
				x, w, b := o.inputs[0], o.inputs[1], o.inputs[2]
				rows, in, out := 3*7, 600, 33
				ref := make([]float32, rows*out)
				kernels.GemmBF16Naive(false, true, rows, out, in, 1, x.Data, in, w.Data, in, 0, ref, out)
				for i := range ref {
					if r := ref[i] + b.Data[i%out]; math.Float32bits(got[i]) != math.Float32bits(r) {
						t.Fatalf("Linear value[%d] under bf16: %g, GemmBF16Naive + b gives %g", i, got[i], r)
					}
				}
			}
		})
	}
}
