package autograd_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/autograd/gradcheck"
	"github.com/diffusego/diffusego/tensor"
)

// affineParams returns random (n) weight and bias parameters, or nils.
func affineParams(n int, affine bool) (w, b *autograd.Var) {
	if !affine {
		return nil, nil
	}
	return autograd.NewParam(gradcheck.Rand([]int{n}, 21)), autograd.NewParam(gradcheck.Rand([]int{n}, 22))
}

func TestLayerNormGrad(t *testing.T) {
	for _, shape := range [][]int{{3, 5}, {2, 3, 7}, {4, 1}, {6}, {3000, 7}} { // {3000, 7}: several chunks
		for _, affine := range []bool{false, true} {
			t.Run(fmt.Sprint(shape, affine), func(t *testing.T) {
				d := shape[len(shape)-1]
				w, b := affineParams(d, affine)
				var ps []*autograd.Var
				if affine {
					ps = []*autograd.Var{w, b}
				}
				gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
					return g.LayerNorm(x, w, b, 1e-5)
				}, gradcheck.Rand(shape, 4), gradcheck.Tol{}, ps...)
			})
		}
	}
}

func TestGroupNormGrad(t *testing.T) {
	cases := []struct {
		shape  []int
		groups int
		step   float64 // finite-difference step; 0 for the default
	}{
		{[]int{2, 6, 5, 3}, 2, 0},
		{[]int{1, 4, 1, 7}, 4, 0}, // one channel per group
		// No spatial axes, groups of two: x̂ = ±1 bends sharply where the two
		// values are close (0.047 apart here), so the step must be small.
		{[]int{3, 6}, 3, 1e-3},
		{[]int{2, 4, 5}, 1, 0}, // one spatial axis, one group
		{[]int{4, 32, 4, 4}, 8, 0},
		{[]int{4, 16, 32, 32}, 8, 0}, // several chunks of (sample, group) blocks
	}
	for _, c := range cases {
		for _, affine := range []bool{false, true} {
			t.Run(fmt.Sprint(c.shape, c.groups, affine), func(t *testing.T) {
				w, b := affineParams(c.shape[1], affine)
				var ps []*autograd.Var
				if affine {
					ps = []*autograd.Var{w, b}
				}
				gradcheck.Check(t, func(g *autograd.Graph, x *autograd.Var) *autograd.Var {
					return g.GroupNorm(x, c.groups, w, b, 1e-5)
				}, gradcheck.Rand(c.shape, 5), gradcheck.Tol{Step: c.step}, ps...)
			})
		}
	}
}

// TestGroupNormOnlyAffineGrad checks gradients to weight and bias when x
// itself is a constant (the dx pass is skipped).
func TestGroupNormOnlyAffineGrad(t *testing.T) {
	x := autograd.NewVar(gradcheck.Rand([]int{2, 6, 3}, 6))
	w, b := affineParams(6, true)
	gradcheck.Check(t, func(g *autograd.Graph, _ *autograd.Var) *autograd.Var {
		// The checker's own input is unused: its gradient is 0.
		return g.GroupNorm(x, 3, w, b, 1e-5)
	}, tensor.New(1), gradcheck.Tol{}, w, b)
}

func TestGroupNormStatistics(t *testing.T) {
	n, c, h, wd, groups := 3, 6, 5, 7, 3
	x := tensor.NewRNG(8).Rand(0, 1, n, c, h, wd)
	for i := range x.Data {
		x.Data[i] = 100 + 3*x.Data[i] // |mean| ≫ std
	}
	y := autograd.NoGrad().GroupNorm(autograd.NewVar(x), groups, nil, nil, 1e-5)
	block := c / groups * h * wd
	for r := 0; r < n*groups; r++ {
		var s, s2 float64
		for _, v := range y.Data()[r*block : (r+1)*block] {
			s += float64(v)
			s2 += float64(v) * float64(v)
		}
		mean, variance := s/float64(block), s2/float64(block)-(s/float64(block))*(s/float64(block))
		if math.Abs(mean) > 1e-4 || math.Abs(variance-1) > 1e-3 {
			t.Errorf("GroupNorm (sample %d, group %d): mean %.6f, var %.6f, want 0, 1", r/groups, r%groups, mean, variance)
		}
	}
}

// normRef is the float64 reference: blocks of cpg channels × s elements,
// normalised each, then y·w[a] + b[a] with a the channel index.
func normRef(x []float32, blocks, cpg, s, channels int, w, b []float32, eps float64) []float64 {
	y := make([]float64, len(x))
	m := cpg * s
	for r := 0; r < blocks; r++ {
		var mean, v float64
		for _, e := range x[r*m : (r+1)*m] {
			mean += float64(e)
		}
		mean /= float64(m)
		for _, e := range x[r*m : (r+1)*m] {
			v += (float64(e) - mean) * (float64(e) - mean)
		}
		v /= float64(m)
		for j := 0; j < m; j++ {
			a := (r*cpg + j/s) % channels
			y[r*m+j] = (float64(x[r*m+j])-mean)/math.Sqrt(v+eps)*float64(w[a]) + float64(b[a])
		}
	}
	return y
}

func TestGroupNormValues(t *testing.T) {
	n, c, l, groups := 2, 6, 5, 3
	x := gradcheck.Rand([]int{n, c, l}, 9)
	w, b := gradcheck.Rand([]int{c}, 10), gradcheck.Rand([]int{c}, 11)
	y := autograd.NoGrad().GroupNorm(autograd.NewVar(x), groups, autograd.NewVar(w), autograd.NewVar(b), 0.1)
	want := normRef(x.Data, n*groups, c/groups, l, c, w.Data, b.Data, 0.1)
	for i, wv := range want {
		if got := float64(y.Data()[i]); math.Abs(got-wv) > 1e-5 {
			t.Fatalf("GroupNorm element %d = %.7g, want %.7g", i, got, wv)
		}
	}
}

func TestLayerNormValues(t *testing.T) {
	rows, d := 6, 5
	x := gradcheck.Rand([]int{2, 3, d}, 12)
	w, b := gradcheck.Rand([]int{d}, 13), gradcheck.Rand([]int{d}, 14)
	y := autograd.NoGrad().LayerNorm(autograd.NewVar(x), autograd.NewVar(w), autograd.NewVar(b), 1e-5)
	// LayerNorm over D is the reference with one channel of D elements,
	// except that the affine index is the position along D.
	ones, zeros := tensor.Full(1, d), tensor.New(d)
	plain := normRef(x.Data, rows, 1, d, 1, ones.Data, zeros.Data, 1e-5)
	for i, p := range plain {
		want := p*float64(w.Data[i%d]) + float64(b.Data[i%d])
		if got := float64(y.Data()[i]); math.Abs(got-want) > 1e-5 {
			t.Fatalf("LayerNorm element %d = %.7g, want %.7g", i, got, want)
		}
	}
}

// TestGroupNormOneGroupIsLayerNorm: with one group and no spatial axes,
// GroupNorm over (N, C) normalises each row like LayerNorm.
func TestGroupNormOneGroupIsLayerNorm(t *testing.T) {
	x := autograd.NewVar(gradcheck.Rand([]int{4, 9}, 15))
	g := autograd.NoGrad()
	gn, ln := g.GroupNorm(x, 1, nil, nil, 1e-5).Data(), g.LayerNorm(x, nil, nil, 1e-5).Data()
	for i := range gn {
		if gn[i] != ln[i] {
			t.Fatalf("GroupNorm(groups 1)[%d] = %v, LayerNorm = %v, want equal", i, gn[i], ln[i])
		}
	}
}

func TestNormShapeErrors(t *testing.T) {
	x := autograd.NewVar(tensor.New(2, 6, 4))
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"groups do not divide", func() { autograd.NoGrad().GroupNorm(x, 4, nil, nil, 1e-5) },
			"GroupNorm: (2, 6, 4): 6 channels do not split into 4 groups"},
		{"zero groups", func() { autograd.NoGrad().GroupNorm(x, 0, nil, nil, 1e-5) },
			"GroupNorm: (2, 6, 4): 6 channels do not split into 0 groups"},
		{"no channel axis", func() { autograd.NoGrad().GroupNorm(autograd.NewVar(tensor.New(6)), 1, nil, nil, 1e-5) },
			"GroupNorm: (6,): input needs shape (N, C, …)"},
		{"weight shape", func() { autograd.NoGrad().GroupNorm(x, 2, autograd.NewVar(tensor.New(4)), nil, 1e-5) },
			"GroupNorm: (2, 6, 4) × (4,): affine parameter must have shape (6,)"},
		{"bias shape", func() { autograd.NoGrad().LayerNorm(x, nil, autograd.NewVar(tensor.New(6)), 1e-5) },
			"LayerNorm: (2, 6, 4) × (6,): affine parameter must have shape (4,)"},
		{"scalar", func() { autograd.NoGrad().LayerNorm(autograd.NewVar(tensor.Scalar(1)), nil, nil, 1e-5) },
			"LayerNorm: (): input needs at least 1 axis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer tensor.Recover(&err)
				c.f()
			}()
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func TestGroupNormNoGradRecordsNothing(t *testing.T) {
	g := autograd.NoGrad()
	w := autograd.NewParam(tensor.Full(1, 4))
	out := g.GroupNorm(autograd.NewParam(tensor.New(2, 4, 3)), 2, w, nil, 1e-5)
	if g.Len() != 0 || out.RequiresGrad() {
		t.Fatalf("NoGrad recorded %d steps (out requires grad: %v), want none", g.Len(), out.RequiresGrad())
	}
}

// BenchmarkGroupNorm times forward and backward at a U-Net block's size.
func BenchmarkGroupNorm(b *testing.B) {
	x := autograd.NewParam(gradcheck.Rand([]int{8, 128, 32, 32}, 1))
	w, bias := autograd.NewParam(tensor.Full(1, 128)), autograd.NewParam(tensor.New(128))
	dy := gradcheck.Rand(x.Shape(), 2)
	b.ReportAllocs()
	for b.Loop() {
		g := autograd.New()
		y := g.GroupNorm(x, 32, w, bias, 1e-5)
		if err := g.BackwardWith(y, dy); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.Value.Len())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}
