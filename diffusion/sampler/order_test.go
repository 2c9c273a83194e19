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
