package csdi

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// TestAncestralGaussian runs the sampler with the exact noise predictor of
// Gaussian data x_0 ~ N(μ, s²): E[ε | x_t] = √(1−ᾱ)·(x_t − √ᾱ·μ)/(ᾱ·s² + 1 − ᾱ).
// Every step is then an affine map of x plus Gaussian noise, so the law of
// the samples is Gaussian with a mean and variance that the same recursion
// gives in closed form; the samples must match it, with all steps and with
// a strided subset, for both noise variances.
func TestAncestralGaussian(t *testing.T) {
	const mu, s, n = 1.5, 0.7, 20000
	c := DefaultConfig([]string{"x"}, 0, 2)
	sched := c.Schedule()
	k := func(ab float64) float64 { return math.Sqrt(1-ab) / (ab*s*s + 1 - ab) }
	eps := func(x []float32, step int) ([]float32, error) {
		ab := sched.AlphaBar(step)
		out := make([]float32, len(x))
		for i, v := range x {
			out[i] = float32(k(ab) * (float64(v) - math.Sqrt(ab)*mu))
		}
		return out, nil
	}
	for _, steps := range []int{0, 10} {
		for _, large := range []bool{false, true} {
			ts := Timesteps(c.Steps, steps)
			wantM, wantV := 0.0, 1.0 // x_T ~ N(0, 1)
			for i, st := range ts {
				ab, abPrev := sched.AlphaBar(st), 1.0
				if i+1 < len(ts) {
					abPrev = sched.AlphaBar(ts[i+1])
				}
				// x̂_0 = ca·x + cb
				ca := (1 - math.Sqrt(1-ab)*k(ab)) / math.Sqrt(ab)
				cb := math.Sqrt(1-ab) * k(ab) * mu
				if i+1 == len(ts) {
					wantM, wantV = ca*wantM+cb, ca*ca*wantV
					break
				}
				alpha := ab / abPrev
				beta := 1 - alpha
				cX0, cXt := math.Sqrt(abPrev)*beta/(1-ab), math.Sqrt(alpha)*(1-abPrev)/(1-ab)
				v := (1 - abPrev) / (1 - ab) * beta
				if large {
					v = beta
				}
				a := cX0*ca + cXt
				wantM, wantV = a*wantM+cX0*cb, a*a*wantV+v
			}
			x, err := Ancestral(context.Background(), sched, ts, n, eps, large, tensor.NewRNG(1))
			if err != nil {
				t.Fatal(err)
			}
			m, v := 0.0, 0.0
			for _, xi := range x {
				m += float64(xi)
			}
			m /= n
			for _, xi := range x {
				v += (float64(xi) - m) * (float64(xi) - m)
			}
			sd, wantSD := math.Sqrt(v/n), math.Sqrt(wantV)
			// standard errors: sd/√n ≈ 0.005 for the mean, sd/√(2n) ≈ 0.004 for the sd
			if math.Abs(m-wantM) > 0.02 || math.Abs(sd-wantSD) > 0.015 {
				t.Errorf("%d steps, large %v: mean %.4f, sd %.4f; want %.4f and %.4f", steps, large, m, sd, wantM, wantSD)
			}
			t.Logf("%d steps, large variance %v: sd %.4f (closed form %.4f; the data's %.2f)", len(ts), large, sd, wantSD, s)
		}
	}
}

// TestQuadSchedule checks CSDI's quad schedule at its ends and middle.
func TestQuadSchedule(t *testing.T) {
	c := DefaultConfig([]string{"x"}, 0, 2)
	s := c.Schedule()
	mid := math.Pow((math.Sqrt(1e-4)+math.Sqrt(0.5))/2, 2) // not a step for T = 50; check the formula at t = 0, 49 and 24.5 via neighbours
	for _, tc := range []struct {
		t    int
		want float64
	}{{0, 1e-4}, {49, 0.5}, {1, math.Pow(math.Sqrt(1e-4)+(math.Sqrt(0.5)-math.Sqrt(1e-4))/49, 2)}} {
		if got := s.Beta(tc.t); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("β_%d = %.10g, want %.10g", tc.t, got, tc.want)
		}
	}
	if lo, hi := s.Beta(24), s.Beta(25); !(lo < mid && mid < hi) {
		t.Errorf("β_24 = %g, β_25 = %g: want them around the midpoint %g", lo, hi, mid)
	}
}

// TestTimesteps: all steps in reverse, or an even subset from T−1 to 0.
func TestTimesteps(t *testing.T) {
	for _, tc := range []struct {
		T, n int
		want []int
	}{{4, 0, []int{3, 2, 1, 0}}, {4, 9, []int{3, 2, 1, 0}}, {50, 3, []int{49, 25, 0}}, {10, 1, []int{9}}} {
		got := Timesteps(tc.T, tc.n)
		if len(got) != len(tc.want) {
			t.Fatalf("Timesteps(%d, %d) = %v, want %v", tc.T, tc.n, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Timesteps(%d, %d) = %v, want %v", tc.T, tc.n, got, tc.want)
				break
			}
		}
	}
}
