package diffusion

import (
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// maxRelErr is max |got−want|/(1+|want|) over the elements.
func maxRelErr(got, want *tensor.Tensor) float64 {
	var m float64
	for i := range got.Data {
		m = max(m, math.Abs(float64(got.Data[i])-float64(want.Data[i]))/(1+math.Abs(float64(want.Data[i]))))
	}
	return m
}

// TestTargetRoundTrips builds x_t from x_0 and ε and recovers each from the
// other and from v. x_t is rounded to float32, so recovering x_0 from ε loses
// up to 2⁻²⁴·|x_t|/√ᾱ and recovering ε from x_0 up to 2⁻²⁴·|x_t|/√(1−ᾱ); the
// tolerance is a few float32 ulps scaled by that factor.
func TestTargetRoundTrips(t *testing.T) {
	rng := tensor.NewRNG(3)
	ab := []float64{0.9999, 0.9, 0.5, 0.1, 0.001}
	x0 := rng.Randn(len(ab), 7, 3) // x0: (5, 7, 3)
	eps := rng.Randn(x0.Shape...)
	xt := QSample(x0, eps, ab)
	v := VTarget(x0, eps, ab)
	worst := 1 / math.Sqrt(math.Min(ab[len(ab)-1], 1-ab[0])) // the largest amplification
	tol := 8 * 0x1p-24 * worst * 5                           // |x_t| ≲ 5 for N(0,1) draws
	for _, tc := range []struct {
		name      string
		got, want *tensor.Tensor
	}{
		{"EpsToX0", EpsToX0(xt, eps, ab), x0},
		{"X0ToEps", X0ToEps(xt, x0, ab), eps},
		{"eps→x0→eps", X0ToEps(xt, EpsToX0(xt, eps, ab), ab), eps},
		{"VToX0", VToX0(xt, v, ab), x0},
		{"VToEps", VToEps(xt, v, ab), eps},
		{"v→x0,eps→v", VTarget(VToX0(xt, v, ab), VToEps(xt, v, ab), ab), v},
	} {
		if e := maxRelErr(tc.got, tc.want); e > tol {
			t.Errorf("%s: max relative error %.3g, want ≤ %.3g", tc.name, e, tol)
		}
	}
}

// TestLossWeightsAgreeAcrossTargets checks the table of LossWeights: for a
// wrong prediction x̂_0 and the ε̂ and v̂ it implies at x_t, the weighted
// errors in the three target spaces are equal, and equal w_x0(SNR)·(x̂_0−x_0)².
func TestLossWeightsAgreeAcrossTargets(t *testing.T) {
	const x0, eps, x0hat, gamma = 0.4, -1.1, 0.9, 5.0
	for _, ab := range []float64{0.999, 0.9, 0.5, 0.05} {
		snr := ab / (1 - ab)
		xt := math.Sqrt(ab)*x0 + math.Sqrt(1-ab)*eps
		epsHat := (xt - math.Sqrt(ab)*x0hat) / math.Sqrt(1-ab)
		v := math.Sqrt(ab)*eps - math.Sqrt(1-ab)*x0
		vHat := math.Sqrt(ab)*epsHat - math.Sqrt(1-ab)*x0hat
		sqErr := map[Target]float64{
			X0:  (x0hat - x0) * (x0hat - x0),
			Eps: (epsHat - eps) * (epsHat - eps),
			V:   (vHat - v) * (vHat - v),
		}
		for _, w := range []struct {
			w   Weighting
			wx0 float64
		}{{SNR, snr}, {MinSNR, math.Min(snr, gamma)}} {
			for _, target := range []Target{Eps, X0, V} {
				t.Run(fmt.Sprintf("%s/%s/ab=%g", w.w, target, ab), func(t *testing.T) {
					ws, err := LossWeights(w.w, target, gamma, []float64{snr})
					if err != nil {
						t.Fatalf("LossWeights error = %v", err)
					}
					got, want := ws[0]*sqErr[target], w.wx0*sqErr[X0]
					if math.Abs(got-want) > 1e-9*want {
						t.Errorf("weighted %s loss = %.12g, want w_x0·(x̂0−x0)² = %.12g", target, got, want)
					}
				})
			}
		}
	}
}

func TestLossWeightsTable(t *testing.T) {
	snr := []float64{0.5, 5, 20}
	for _, tc := range []struct {
		w      Weighting
		target Target
		want   []float64
	}{
		{Uniform, Eps, []float64{1, 1, 1}},
		{Uniform, V, []float64{1, 1, 1}},
		{SNR, Eps, []float64{1, 1, 1}},
		{SNR, X0, []float64{0.5, 5, 20}},
		{SNR, V, []float64{0.5 / 1.5, 5.0 / 6, 20.0 / 21}},
		{MinSNR, Eps, []float64{1, 1, 0.25}},
		{MinSNR, X0, []float64{0.5, 5, 5}},
		{MinSNR, V, []float64{0.5 / 1.5, 5.0 / 6, 5.0 / 21}},
	} {
		got, err := LossWeights(tc.w, tc.target, 5, snr)
		if err != nil {
			t.Fatalf("LossWeights(%s, %s) error = %v", tc.w, tc.target, err)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("LossWeights(%s, %s, γ=5)[SNR=%g] = %g, want %g", tc.w, tc.target, snr[i], got[i], tc.want[i])
			}
		}
	}
	for _, tc := range []struct {
		w      Weighting
		target Target
		gamma  float64
	}{{"p2", Eps, 5}, {SNR, "score", 5}, {MinSNR, Eps, 0}} {
		if _, err := LossWeights(tc.w, tc.target, tc.gamma, snr); err == nil {
			t.Errorf("LossWeights(%q, %q, γ=%g) error = nil, want an error", tc.w, tc.target, tc.gamma)
		}
	}
}
