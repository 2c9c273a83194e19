package digress

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/internal/stattest"
	"github.com/diffusego/diffusego/tensor"
)

func TestCosineAlphaBar(t *testing.T) {
	if got := CosineAlphaBar(0); math.Abs(got-1) > 1e-12 {
		t.Errorf("ᾱ_0 = %v, want 1", got)
	}
	if got := CosineAlphaBar(1); got != 0 {
		t.Errorf("ᾱ_1 = %v, want 0", got)
	}
	prev := 2.0
	for i := 0; i <= 100; i++ {
		ab := CosineAlphaBar(float64(i) / 100)
		if ab > prev || ab < 0 || ab > 1 {
			t.Fatalf("ᾱ(%v) = %v after %v: want decreasing in [0, 1]", float64(i)/100, ab, prev)
		}
		prev = ab
	}
}

func TestNewMarginalRefuses(t *testing.T) {
	for _, m := range [][]float64{nil, {0.5, 0.4}, {1.5, -0.5}, {math.NaN(), 1}} {
		if _, err := NewMarginal(m); err == nil {
			t.Errorf("NewMarginal(%v): no error", m)
		}
	}
}

// The posterior is a distribution, and it is Bayes' rule for the chain
// x_0 → z_s → z_t: Σ_{z_s} q(z_t | z_s) q(z_s | x_0) = q(z_t | x_0), and
// q(z_s | z_t, x_0)·q(z_t | x_0) = q(z_t | z_s)·q(z_s | x_0).
func TestPosteriorNormalisedAndBayes(t *testing.T) {
	q, err := NewMarginal([]float64{0.6, 0.3, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 3)
	for _, st := range [][2]float64{{0, 0.01}, {0.2, 0.5}, {0.5, 0.51}, {0.9, 1}, {0.98, 0.99}} {
		abS, abT := CosineAlphaBar(st[0]), CosineAlphaBar(st[1])
		a := abT / abS
		for i := range 3 {
			for j := range 3 {
				if !q.Posterior(abS, abT, j, i, out) {
					t.Fatalf("s,t=%v x0=%d zt=%d: posterior refused", st, i, j)
				}
				sum, marg := 0.0, 0.0
				for k := range 3 {
					sum += out[k]
					marg += q.Forward(a, k, j) * q.Forward(abS, i, k)
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Errorf("s,t=%v x0=%d zt=%d: posterior sums to %v", st, i, j, sum)
				}
				if want := q.Forward(abT, i, j); math.Abs(marg-want) > 1e-12 {
					t.Errorf("s,t=%v: Σ_k Q_{t|s}Q̄_s = %v, want Q̄_t = %v", st, marg, want)
				}
				for k := range 3 {
					lhs := out[k] * q.Forward(abT, i, j)
					rhs := q.Forward(a, k, j) * q.Forward(abS, i, k)
					if math.Abs(lhs-rhs) > 1e-12 {
						t.Errorf("s,t=%v x0=%d zt=%d zs=%d: Bayes %v ≠ %v", st, i, j, k, lhs, rhs)
					}
				}
			}
		}
	}
	// At s = 0 the posterior is the point mass on x_0.
	q.Posterior(1, CosineAlphaBar(0.3), 2, 1, out)
	if out[1] != 1 {
		t.Errorf("posterior at s = 0: %v, want the point mass on x_0 = 1", out)
	}
}

// m is stationary: mᵀQ_t = mᵀ for every α, and Q̄_1 has every row m.
func TestMarginalStationary(t *testing.T) {
	m := []float64{0.7, 0.2, 0.1}
	q, _ := NewMarginal(m)
	for _, a := range []float64{0, 0.3, 0.9, 1} {
		for k := range 3 {
			s := 0.0
			for i := range 3 {
				s += m[i] * q.Forward(a, i, k)
			}
			if math.Abs(s-m[k]) > 1e-12 {
				t.Errorf("α=%v: (mᵀQ)_%d = %v, want %v", a, k, s, m[k])
			}
		}
	}
	for i := range 3 {
		for k := range 3 {
			if got := q.Forward(CosineAlphaBar(1), i, k); got != m[k] {
				t.Errorf("Q̄_1[%d,%d] = %v, want m = %v", i, k, got, m[k])
			}
		}
	}
}

// The forward sample at t = 1 is the marginal: χ² of the pair categories
// of noised graphs (whatever the clean graph) against m_E, and of
// z_t against Q̄_t's row at t = 0.5. Time budget: a few milliseconds.
func TestNoiseMatchesTransition(t *testing.T) {
	p := &Process{}
	p.Nodes, _ = NewMarginal([]float64{0.5, 0.5})
	p.Edges, _ = NewMarginal([]float64{0.7, 0.2, 0.1})
	x0 := NewBatch([]int{8, 8, 8, 8, 8, 8, 8, 8, 8, 8})
	for b := 0; b < x0.B; b++ { // complete graphs of edge type 2, nodes of type 1
		for i := 0; i < 8; i++ {
			x0.X[b*8+i] = 1
			for j := 0; j < 8; j++ {
				if i != j {
					x0.E[(b*8+i)*8+j] = 2
				}
			}
		}
	}
	for _, tm := range []float64{1, 0.5} {
		var counts [3]int
		var cx [2]int
		for rep := range 40 {
			ts := make([]float64, x0.B)
			for b := range ts {
				ts[b] = tm
			}
			z := p.Noise(x0, ts, tensor.NewRNG(uint64(rep)))
			for b := 0; b < z.B; b++ {
				for i := 0; i < 8; i++ {
					cx[z.X[b*8+i]]++
					for j := 0; j < 8; j++ {
						if z.E[(b*8+i)*8+j] != z.E[(b*8+j)*8+i] {
							t.Fatalf("noisy graph not symmetric at %d-%d", i, j)
						}
						if j > i {
							counts[z.E[(b*8+i)*8+j]]++
						}
					}
				}
			}
		}
		ab := CosineAlphaBar(tm)
		want := []float64{p.Edges.Forward(ab, 2, 0), p.Edges.Forward(ab, 2, 1), p.Edges.Forward(ab, 2, 2)}
		chi, dof := stattest.ChiSquare(counts[:], want)
		if chi > stattest.ChiSquareQuantile(dof, 3.09) {
			t.Errorf("t=%v: edge counts %v, want ∝ %v: χ² = %.1f on %d dof", tm, counts, want, chi, dof)
		}
		wantX := []float64{p.Nodes.Forward(ab, 1, 0), p.Nodes.Forward(ab, 1, 1)}
		if chi, dof := stattest.ChiSquare(cx[:], wantX); chi > 10.8 { // χ²(1) 0.999
			t.Errorf("t=%v: node counts %v, want ∝ %v: χ² = %.1f on %d dof", tm, cx, wantX, chi, dof)
		}
	}
}
