package diffusion

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// TestELBOStepsStrata checks the strata of the reduced bound: every drawn
// step lies in its own stratum, the strata tile 1 … T−1 (weights sum to
// T−1), and the decoder step 0 comes last with weight 1; ELBO.Calls
// counts them (one denoiser call each).
func TestELBOStepsStrata(t *testing.T) {
	for _, c := range []struct{ steps, terms int }{{1000, 16}, {1000, 999}, {1000, 0}, {10, 3}, {7, 6}, {100, 1}} {
		sch := schedule.NewCosine(c.steps, 0.008)
		ts, ws := elboSteps(sch, c.terms, tensor.NewRNG(3))
		if calls := (ELBO{Schedule: sch, Terms: c.terms}).Calls(); calls != len(ts) {
			t.Errorf("T %d, terms %d: Calls %d, want the %d steps evaluated", c.steps, c.terms, calls, len(ts))
		}
		want := c.terms
		if c.terms <= 0 || c.terms >= c.steps-1 {
			want = c.steps - 1
		}
		if len(ts) != want+1 || ts[len(ts)-1] != 0 || ws[len(ws)-1] != 1 {
			t.Fatalf("T %d, terms %d: %d steps ending at %d (weight %g), want %d ending at 0 (weight 1)",
				c.steps, c.terms, len(ts), ts[len(ts)-1], ws[len(ws)-1], want+1)
		}
		sum, next := 0.0, c.steps // strata come from the top: each lies below the last
		for k := range len(ts) - 1 {
			hi, lo := next, next-int(ws[k])
			if ts[k] < lo || ts[k] >= hi || lo < 1 {
				t.Errorf("T %d, terms %d: step %d = %d outside its stratum [%d, %d)", c.steps, c.terms, k, ts[k], lo, hi)
			}
			sum += ws[k]
			next = lo
		}
		if sum != float64(c.steps-1) || next != 1 {
			t.Errorf("T %d, terms %d: weights sum to %g and end at %d, want %d and 1", c.steps, c.terms, sum, next, c.steps-1)
		}
	}
}

// TestELBOTermsUnbiased compares the bound from 40 stratified terms with
// the full one on the Gaussian oracle (500 quantised points, linear
// schedule, large variance). The mean over the points and over 20 draws
// of the strata must match the full bound within 4 standard errors (of
// the full bound over the points, and of the 20 draw means), and one
// draw's mean must be within 0.5 bits/dim of it.
func TestELBOTermsUnbiased(t *testing.T) {
	g := oracle.NewDiagGaussian([]float64{0.1, -0.2}, []float64{0.09, 0.04})
	x := quantise(t, g, 500, 1)
	s := schedule.NewLinear(1000, 1e-4, 0.02)
	ctx := context.Background()
	bound := func(terms int, seed uint64) (mean, se float64) {
		r, err := ELBO{Schedule: s, Variance: LargeVariance, Terms: terms}.BitsPerDim(ctx, g, x, tensor.NewRNG(seed))
		if err != nil {
			t.Fatal(err)
		}
		return meanSE(r.Total)
	}
	full, seFull := bound(0, 2)
	const draws = 20
	means := make([]float64, draws)
	for i := range means {
		means[i], _ = bound(40, uint64(10+i))
		if math.Abs(means[i]-full) > 0.5 {
			t.Errorf("draw %d: 40-term bound %.4f bits/dim, full bound %.4f: differ by more than 0.5", i, means[i], full)
		}
	}
	avg, seAvg := meanSE(means)
	tol := 4 * math.Hypot(seFull, seAvg)
	t.Logf("full bound %.4f ± %.4f bits/dim, 40 terms %.4f ± %.4f (%d draws; one draw's spread %.4f)",
		full, seFull, avg, seAvg, draws, seAvg*math.Sqrt(draws))
	if math.Abs(avg-full) > tol {
		t.Errorf("40-term bound %.4f bits/dim (mean of %d draws), full bound %.4f: differ by more than %.4f", avg, draws, full, tol)
	}
	if _, err := (ELBO{Schedule: s, Terms: -1}).BitsPerDim(ctx, g, x, tensor.NewRNG(1)); err == nil {
		t.Error("terms −1: no error")
	}
}

// meanSE returns the mean of v and its standard error.
func meanSE(v []float64) (mean, se float64) {
	var sum, sum2 float64
	for _, x := range v {
		sum += x
		sum2 += x * x
	}
	n := float64(len(v))
	mean = sum / n
	return mean, math.Sqrt(max(sum2/n-mean*mean, 0) / n)
}
