package optim_test

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/nn"
	"github.com/diffusego/diffusego/optim"
)

func gradNorm(ps []*nn.Param) float64 {
	s := 0.0
	for _, p := range ps {
		for _, g := range p.V.Grad.Data {
			s += float64(g) * float64(g)
		}
	}
	return math.Sqrt(s)
}

func TestClipGradNormRescales(t *testing.T) {
	// Gradients (3, 4) and (12): global norm √(9+16+144) = 13.
	ps := []*nn.Param{param("a", []float32{0, 0}, []float32{3, 4}), param("b", []float32{0}, []float32{12}), param("c", []float32{1}, nil)}
	if total := optim.ClipGradNorm(ps, 6.5); total != 13 {
		t.Errorf("ClipGradNorm returned %v, want 13", total)
	}
	// Scaled by 6.5/(13+1e-6), so the norm is 6.5 up to that 1e-6 and float32.
	if got := gradNorm(ps[:2]); math.Abs(got-6.5) > 1e-6 {
		t.Errorf("norm after clipping = %.9f, want 6.5", got)
	}
	if got := ps[0].V.Grad.Data[0]; math.Abs(float64(got)-1.5) > 1e-6 {
		t.Errorf("a.grad[0] = %v, want 1.5", got)
	}
}

func TestClipGradNormLeavesSmallGradients(t *testing.T) {
	ps := []*nn.Param{param("a", []float32{0, 0}, []float32{3, 4})}
	if total := optim.ClipGradNorm(ps, 5); total != 5 {
		t.Errorf("ClipGradNorm returned %v, want 5", total)
	}
	if g := ps[0].V.Grad.Data; g[0] != 3 || g[1] != 4 {
		t.Errorf("gradients at the limit changed to %v", g)
	}
}

func TestClipGradNormLargeTensor(t *testing.T) {
	const n = 100000 // split over the worker pool
	g := make([]float32, n)
	for i := range g {
		g[i] = 1
	}
	ps := []*nn.Param{param("w", make([]float32, n), g)}
	if total := optim.ClipGradNorm(ps, 1); math.Abs(total-math.Sqrt(n)) > 1e-9 {
		t.Errorf("total = %v, want %v", total, math.Sqrt(n))
	}
	if got := gradNorm(ps); math.Abs(got-1) > 1e-5 {
		t.Errorf("norm after clipping = %v, want 1", got)
	}
}

func TestClipGradNormNonFinite(t *testing.T) {
	ps := []*nn.Param{param("a", []float32{0, 0}, []float32{float32(math.Inf(1)), 1})}
	if total := optim.ClipGradNorm(ps, 1); !math.IsInf(total, 1) {
		t.Errorf("total = %v, want +Inf", total)
	}
	if ps[0].V.Grad.Data[1] != 1 {
		t.Error("a non-finite norm rescaled the gradients")
	}
}
