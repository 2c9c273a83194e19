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

// TestSoftmaxRowsRelative checks contiguous rows of the attention sizes,
// which run through the vector exponential, element by element against
// float64 math on the differences x − max rounded to float32 (as the op
// and PyTorch's float32 softmax form them): within 4 float32 ulps relative
// for the softmax, and within 4 ulps of the larger of |log p| and 1 for the
// log-softmax.
func TestSoftmaxRowsRelative(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 49, 196} {
		x := tensor.NewRNG(uint64(n)).Rand(-12, 12, 5, n)
		g := autograd.NoGrad()
		sm := g.Softmax(autograd.NewVar(x), -1).Data()
		lsm := g.LogSoftmax(autograd.NewVar(x), 1).Data()
		d := make([]float32, len(x.Data)) // x − max, in float32
		for r := 0; r < 5; r++ {
			row := x.Data[r*n : (r+1)*n]
			m := row[0]
			for _, v := range row {
				m = max(m, v)
			}
			for j, v := range row {
				d[r*n+j] = v - m
			}
		}
		want := softmaxRef(d, 5, n, 1)
		for k, w := range want {
			if got := float64(sm[k]); math.Abs(got-w) > 4*0x1p-24*w {
				t.Fatalf("n=%d: Softmax element %d = %.9g, want %.9g", n, k, got, w)
			}
			lw := math.Log(w)
			if got := float64(lsm[k]); math.Abs(got-lw) > 4*0x1p-24*max(1, math.Abs(lw)) {
				t.Fatalf("n=%d: LogSoftmax element %d = %.9g, want %.9g", n, k, got, lw)
			}
		}
	}
}

// TestSoftmaxMasked checks −Inf logits (masked positions) in the vector
// body and the tail: they get probability 0 (log-probability −Inf) and the
// rest renormalise; a row of only −Inf, or with NaN or +Inf, is NaN.
func TestSoftmaxMasked(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, n := range []int{3, 12, 20} {
		x := make([]float32, n)
		for j := range x {
			x[j] = float32(j % 3)
			if j%2 == 1 {
				x[j] = -inf
			}
		}
		g := autograd.NoGrad()
		sm := g.Softmax(autograd.NewVar(tensor.FromData(x, 1, n)), 1).Data()
		lsm := g.LogSoftmax(autograd.NewVar(tensor.FromData(x, 1, n)), 1).Data()
		var s float64
		for j := 0; j < n; j += 2 {
			s += math.Exp(float64(x[j]))
		}
		for j := range x {
			want := math.Exp(float64(x[j])) / s
			if got := float64(sm[j]); math.Abs(got-want) > 1e-7 {
				t.Errorf("n=%d: Softmax element %d = %g, want %g", n, j, got, want)
			}
			if j%2 == 1 && !math.IsInf(float64(lsm[j]), -1) {
				t.Errorf("n=%d: LogSoftmax element %d = %g, want -Inf", n, j, lsm[j])
			}
		}
	}
	for _, row := range [][]float32{{-inf, -inf, -inf}, {0, float32(math.NaN()), 1}, {0, inf, 1}} {
		for _, y := range [][]float32{
			autograd.NoGrad().Softmax(autograd.NewVar(tensor.FromData(row, 1, 3)), 1).Data(),
			autograd.NoGrad().LogSoftmax(autograd.NewVar(tensor.FromData(row, 1, 3)), 1).Data(),
		} {
			for j, v := range y {
				if v == v {
					t.Errorf("Softmax of %v: element %d = %g, want NaN", row, j, v)
				}
			}
		}
	}
}
