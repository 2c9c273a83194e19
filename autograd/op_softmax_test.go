package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

func TestSoftmaxGrad(t *testing.T) {
	cases := []struct {
		shape []int
		axis  int
	}{
		{[]int{3, 5}, 1},
		{[]int{3, 5}, -1},
		{[]int{3, 5}, 0},
		{[]int{2, 3, 4}, 1}, // middle axis: strided slices
		{[]int{2, 3, 4}, -3},
		{[]int{1, 7}, 0}, // slices of one element
		{[]int{7}, 0},
	}
	for _, c := range cases {
		for _, log := range []bool{false, true} {
			t.Run(fmt.Sprint(c.shape, c.axis, log), func(t *testing.T) {
				gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
					if log {
						return g.LogSoftmax(x, c.axis)
					}
					return g.Softmax(x, c.axis)
				}, gradcheck.Rand(c.shape, 3), gradcheck.Tol{})
			})
		}
	}
}

// softmaxRef is the float64 softmax of each slice along axis 1 of an
// (outer, n, inner) array.
func softmaxRef(x []float32, outer, n, inner int) []float64 {
	y := make([]float64, len(x))
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			var s float64
			for j := 0; j < n; j++ {
				s += math.Exp(float64(x[(o*n+j)*inner+i]))
			}
			for j := 0; j < n; j++ {
				k := (o*n+j)*inner + i
				y[k] = math.Exp(float64(x[k])) / s
			}
		}
	}
	return y
}

func TestSoftmaxValues(t *testing.T) {
	x := tensor.NewRNG(5).Rand(-8, 8, 3, 6, 4)
	g := autograd.NoGrad()
	sm := g.Softmax(autograd.NewVar(x), 1)
	lsm := g.LogSoftmax(autograd.NewVar(x), -2)
	want := softmaxRef(x.Data, 3, 6, 4)
	for k, w := range want {
		if got := float64(sm.Data()[k]); math.Abs(got-w) > 1e-6 {
			t.Fatalf("Softmax element %d = %.7g, want %.7g", k, got, w)
		}
		if got := float64(lsm.Data()[k]); math.Abs(got-math.Log(w)) > 1e-5 {
			t.Fatalf("LogSoftmax element %d = %.7g, want %.7g", k, got, math.Log(w))
		}
	}
	for o := 0; o < 3; o++ {
		for i := 0; i < 4; i++ {
			var s float64
			for j := 0; j < 6; j++ {
				s += float64(sm.Value.At(o, j, i))
			}
			if math.Abs(s-1) > 1e-6 {
				t.Errorf("Softmax slice (%d, :, %d) sums to %.8f, want 1", o, i, s)
			}
		}
	}
}

func TestSoftmaxLargeLogits(t *testing.T) {
	x := autograd.NewVar(tensor.FromData([]float32{1000, 0, -1000}, 1, 3))
	g := autograd.NoGrad()
	sm, lsm := g.Softmax(x, 1).Data(), g.LogSoftmax(x, 1).Data()
	wantSm := []float32{1, 0, 0}
	wantLsm := []float32{0, -1000, -2000}
	for i := range wantSm {
		if sm[i] != wantSm[i] || lsm[i] != wantLsm[i] {
			t.Fatalf("Softmax, LogSoftmax of [1000 0 -1000] = %v, %v, want %v, %v", sm, lsm, wantSm, wantLsm)
		}
	}
}

func TestSoftmaxAxisError(t *testing.T) {
	var err error
	func() {
		defer tensor.Recover(&err)
		autograd.NoGrad().Softmax(autograd.NewVar(tensor.New(2, 3)), 2)
	}()
	want := "Softmax: (2, 3): axis 2 out of range for rank 2"
	if err == nil || err.Error() != want {
		t.Fatalf("Softmax axis error = %v, want %q", err, want)
	}
}
