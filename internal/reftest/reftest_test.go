package reftest

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
	"github.com/diffusego/diffusego/tensor"
)

// recorder is a testing.TB that keeps its errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

func vec(xs ...float32) *tensor.Tensor { return tensor.FromData(xs, len(xs)) }

func TestErrors(t *testing.T) {
	if got := RelErr([]float32{3, 4}, []float32{3, 4}); got != 0 {
		t.Errorf("RelErr of equal vectors = %g", got)
	}
	// ‖(0, 1)‖/‖(3, 4)‖ = 1/5.
	if got := RelErr([]float32{3, 5}, []float32{3, 4}); math.Abs(got-0.2) > 1e-12 {
		t.Errorf("RelErr = %g, want 0.2", got)
	}
	// max|(0, 2)|/max|(3, 4)| = 1/2.
	if got := MaxRelErr([]float32{3, 6}, []float32{3, 4}); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("MaxRelErr = %g, want 0.5", got)
	}
	if got := RelErr([]float32{0, 2}, []float32{0, 0}); got != 2 {
		t.Errorf("RelErr against zeros = %g, want the absolute error 2", got)
	}
}

func TestComparison(t *testing.T) {
	want := make([]float32, 100)
	for i := range want {
		want[i] = 1
	}
	spike := append([]float32(nil), want...)
	spike[7] += 0.05 // L2 relative error 0.005, max-abs 0.05

	r := &recorder{TB: t}
	c := &Comparison{T: r, Tol: 0.01}
	c.Check("close", vec(spike...), vec(want...))
	if len(r.errs) != 0 {
		t.Fatalf("L2 only: errors %q for an error within tolerance", r.errs)
	}
	c.MaxAbs = true
	c.Check("spike", vec(spike...), vec(want...))
	if len(r.errs) != 1 {
		t.Fatalf("max-abs: want one error for the spike, got %q", r.errs)
	}
	if w, at := c.WorstMaxAbs(); at != "spike" || math.Abs(w-0.05) > 1e-6 {
		t.Errorf("worst max-abs %g at %q, want 0.05 at spike", w, at)
	}
	c.Check("short", vec(1, 2), vec(want...))
	if len(r.errs) != 2 {
		t.Errorf("a size mismatch must be an error: %q", r.errs)
	}
}

func TestActivations(t *testing.T) {
	rf := &checkpoint.File{
		Names:   []string{"w", "act.a", "act.b"},
		Tensors: map[string]*tensor.Tensor{"w": vec(1), "act.a": vec(1, 2), "act.b": vec(2, 2)},
	}
	r := &recorder{TB: t}
	c := &Comparison{T: r, Tol: 1e-6}
	worst, at := c.Activations(rf, map[string]*tensor.Tensor{"a": vec(1, 2), "b": vec(2, 3)}, 2)
	if at != "b" || math.Abs(worst-0.5/math.Sqrt2) > 1e-6 || len(r.errs) != 1 {
		t.Errorf("worst %g at %q, errors %q: want 0.354 at b and one error", worst, at, r.errs)
	}
	r.errs = nil
	c.Activations(rf, map[string]*tensor.Tensor{"a": vec(1, 2), "b": vec(2, 2)}, 3)
	if len(r.errs) != 1 {
		t.Errorf("a missing activation must be an error: %q", r.errs)
	}
}
