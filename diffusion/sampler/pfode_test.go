package sampler

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestDormandPrince(t *testing.T) {
	cases := []struct {
		name   string
		f      func(s float64, y, dy []float64) error
		s0, s1 float64
		y0     []float64
		want   func(s float64) []float64
	}{
		{"decay", func(_ float64, y, dy []float64) error { dy[0] = -y[0]; return nil }, 0, 5, []float64{1},
			func(s float64) []float64 { return []float64{math.Exp(-s)} }},
		{"decay-backwards", func(_ float64, y, dy []float64) error { dy[0] = -y[0]; return nil }, 3, -2, []float64{math.Exp(-3)},
			func(s float64) []float64 { return []float64{math.Exp(-s)} }},
		{"oscillator", func(_ float64, y, dy []float64) error { dy[0], dy[1] = y[1], -y[0]; return nil }, 0, 10, []float64{0, 1},
			func(s float64) []float64 { return []float64{math.Sin(s), math.Cos(s)} }},
		{"time-dependent", func(s float64, y, dy []float64) error { dy[0] = 2 * s * y[0]; return nil }, 0, 1.5, []float64{1},
			func(s float64) []float64 { return []float64{math.Exp(s * s)} }},
	}
	for _, c := range cases {
		for _, tol := range []float64{1e-4, 1e-8} {
			t.Run(fmt.Sprintf("%s/tol=%g", c.name, tol), func(t *testing.T) {
				y := append([]float64(nil), c.y0...)
				st, err := DormandPrince{RTol: tol, ATol: tol}.Solve(c.f, c.s0, c.s1, y)
				if err != nil {
					t.Fatal(err)
				}
				want := c.want(c.s1)
				for j := range y {
					// global error stays within a small multiple of the local tolerance
					if e := math.Abs(y[j] - want[j]); e > 20*tol*(1+math.Abs(want[j])) {
						t.Errorf("y_%d(%g) = %.10g, want %.10g (err %.2g, tol %g)", j, c.s1, y[j], want[j], e, tol)
					}
				}
				if st.NFE != 1+6*(st.Accepted+st.Rejected) {
					t.Errorf("NFE = %d, want 1 + 6·(%d accepted + %d rejected)", st.NFE, st.Accepted, st.Rejected)
				}
				t.Logf("NFE %d, accepted %d, rejected %d", st.NFE, st.Accepted, st.Rejected)
			})
		}
	}
}

func TestDormandPrinceMaxSteps(t *testing.T) {
	f := func(_ float64, y, dy []float64) error { dy[0] = -y[0]; return nil }
	_, err := DormandPrince{RTol: 1e-12, ATol: 1e-12, MaxSteps: 3}.Solve(f, 0, 100, []float64{1})
	if err == nil {
		t.Fatal("3 steps at tolerance 1e-12 over [0, 100]: no error")
	}
}

// TestPFODEIsExactFlow transports points with the Gaussian oracle, whose
// probability-flow map is known in closed form: per axis with variance v,
// x(σ') − μ = √((v+σ'²)/(v+σ²))·(x(σ) − μ), and the last step to 0
// multiplies by v/(v+σ'²). The largest error over 256 points must shrink
// with the tolerance; the bound is 10·tol (measured: see the log).
func TestPFODEIsExactFlow(t *testing.T) {
	sig := []float64{80, 0.002, 0}
	x := InitialNoise(tensor.NewRNG(5), sig[0], 1, 256, 2)
	for _, tol := range []float64{1e-3, 1e-5, 1e-7} {
		t.Run(fmt.Sprint(tol), func(t *testing.T) {
			p := &PFODE{RTol: tol, ATol: tol}
			out, err := Run(t.Context(), p, gauss, x, sig, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i, v := range x.Data {
				mu, vr := dataMean[i%2], dataVar[i%2]
				want := mu + vr/math.Sqrt((vr+sig[1]*sig[1])*(vr+sig[0]*sig[0]))*(float64(v)-mu)
				worst = max(worst, math.Abs(float64(out.Data[i])-want))
			}
			t.Logf("tol %g: max |x − exact| = %.3g, NFE = %d", tol, worst, p.NFE)
			if bound := max(10*tol, 1e-6); worst > bound {
				t.Errorf("tol %g: max |x − exact flow| = %.3g, want ≤ %.3g", tol, worst, bound)
			}
		})
	}
}

func TestPFODEReproducesData(t *testing.T) {
	sig := []float64{80, 0.002, 0}
	// The flow map is exact, so only the batch noise remains (bias 0.5%).
	t.Run("gaussian", func(t *testing.T) { checkGaussian(t, sample(t, &PFODE{}, gauss, sig, 31), 0.005) })
	t.Run("mixture", func(t *testing.T) { checkMixture(t, sample(t, &PFODE{RTol: 1e-4, ATol: 1e-4}, mixture, sig, 32), 0.01) })
}

// TestPFODEIsDeterministic runs the mixture twice on 500 points: the same
// input gives the same bits and the same number of evaluations.
func TestPFODEIsDeterministic(t *testing.T) {
	sig := []float64{80, 0.002, 0}
	var outs [2]*tensor.Tensor
	var nfe [2]int
	for k := range outs {
		p := &PFODE{RTol: 1e-4, ATol: 1e-4}
		x := InitialNoise(tensor.NewRNG(6), sig[0], 1, 500, 2)
		out, err := Run(t.Context(), p, mixture, x, sig, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		outs[k], nfe[k] = out, p.NFE
	}
	if nfe[0] != nfe[1] {
		t.Errorf("NFE %d then %d", nfe[0], nfe[1])
	}
	for i := range outs[0].Data {
		if math.Float32bits(outs[0].Data[i]) != math.Float32bits(outs[1].Data[i]) {
			t.Fatalf("run 2 differs at %d: %v vs %v", i, outs[0].Data[i], outs[1].Data[i])
		}
	}
}
