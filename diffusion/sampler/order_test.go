package sampler

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/tensor"
)

// TestConvergenceOrder checks each deterministic sampler's order on the
// one exactly solvable case: for data N(μ, s²) the probability-flow ODE
// maps x_T = μ + √(s²+σ_max²) to exactly μ + s. The error on the Karras grid
// should fall by 2^p when the step count doubles (p = 1 for Euler and DDIM
// η=0, p = 2 for Heun and DPM-Solver++(2M)); we accept ratios within
// [0.7·2^p, 1.5·2^p], measured from 25 to 50 and 50 to 100 steps.
func TestConvergenceOrder(t *testing.T) {
	const mu, s = 0.5, 0.6
	data := oracle.NewDiagGaussian([]float64{mu}, []float64{s * s})
	cases := []struct {
		name  string
		s     Sampler
		order float64
	}{
		{"euler", Euler{}, 1},
		{"ddim-eta0", DDIM{}, 1},
		{"heun", Heun{}, 2},
		{"dpm++2m", &DPMPP2M{}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var errs []float64
			for _, n := range []int{25, 50, 100} {
				sig := karras(n)
				x := tensor.FromData([]float32{float32(mu + math.Sqrt(s*s+sig[0]*sig[0]))}, 1, 1)
				out, err := Run(context.Background(), c.s, data, x, sig, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				errs = append(errs, math.Abs(float64(out.Data[0])-(mu+s)))
			}
			want := math.Pow(2, c.order)
			for k := range 2 {
				r := errs[k] / errs[k+1]
				t.Logf("error %.3g → %.3g: ratio %.2f (want ≈ %.0f)", errs[k], errs[k+1], r, want)
				if r < 0.7*want || r > 1.5*want {
					t.Errorf("error ratio %d→%d steps = %.2f, want ≈ %.0f (order %.0f)", 25<<k, 50<<k, r, want, c.order)
				}
			}
		})
	}
}

// TestAncestralVarianceExact checks the noise DDIM (η > 0) injects. On data
// N(μ, s²) each step is x' = m·x + c + σ_up·z with m = r + (1−r)·s²/(s²+σ²),
// r = σ_down/σ, so the output variance follows the recursion
// (σ_up taken from the VP formula, independently of the σ-form code)
// v' = m²·v + σ_up² from v = 1+σ_max². The sample variance must match it
// to 4 standard errors (√(2/N) relative), with no discretisation allowance.
func TestAncestralVarianceExact(t *testing.T) {
	for _, eta := range []float64{0.5, 1} {
		sig := linear1000(t, 50)
		x := sample(t, DDIM{Eta: eta}, gauss, sig, 31)
		_, got := moments(x)
		for j, s2 := range dataVar {
			v := 1 + sig[0]*sig[0]
			for i := range len(sig) - 1 {
				a, b := sig[i], sig[i+1]
				// σ_up from Song et al. (2021) eq. 16 in VP form, then ÷ √ᾱ'.
				ab, abNext := 1/(1+a*a), 1/(1+b*b)
				s2vp := eta * eta * (1 - abNext) / (1 - ab) * (1 - ab/abNext)
				up := math.Sqrt(s2vp / abNext)
				r := math.Sqrt(b*b-up*up) / a
				m := r + (1-r)*s2/(s2+a*a)
				v = m*m*v + up*up
			}
			tol := 4 * math.Sqrt(2.0/nSamples)
			t.Logf("eta %g dim %d: var %.4f, closed form %.4f (data %.2f), rel err %.4f, tol %.4f", eta, j, got[j], v, s2, got[j]/v-1, tol)
			if math.Abs(got[j]/v-1) > tol {
				t.Errorf("eta %g dim %d: variance %.4f, want %.4f ± %.1f%%", eta, j, got[j], v, 100*tol)
			}
		}
	}
}
