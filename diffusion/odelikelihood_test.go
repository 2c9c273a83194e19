package diffusion

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/tensor"
)

// densityOracle is an exact denoiser that also knows its noised log-density.
type densityOracle interface {
	Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error)
	LogDensity(x *tensor.Tensor, sigma float64) ([]float64, error)
}

// gauss5 is N(μ, Σ) in 5-D with a full covariance Σ = A·Aᵀ + 0.05·I.
func gauss5() *oracle.Gaussian {
	a := tensor.NewRNG(9).Randn(5, 5)
	cov := make([][]float64, 5)
	for i := range cov {
		cov[i] = make([]float64, 5)
		for j := range cov[i] {
			for k := range 5 {
				cov[i][j] += 0.3 * float64(a.Data[i*5+k]*a.Data[j*5+k])
			}
		}
		cov[i][i] += 0.05
	}
	return &oracle.Gaussian{Mean: []float64{0.3, -0.5, 0.1, 0, 0.7}, Cov: cov}
}

var (
	gauss2 = &oracle.Gaussian{Mean: []float64{0.5, -0.3}, Cov: [][]float64{{0.5, 0.3}, {0.3, 0.4}}}
	mix2   = &oracle.Mixture{Weights: []float64{0.3, 0.7}, Means: [][]float64{{-1, 0}, {1, 0.5}}, Stds: []float64{0.3, 0.5}}
)

// points returns n points of dimension dim spread around the data: the
// oracle's noised density is evaluated exactly at them.
func points(n, dim int, seed uint64) *tensor.Tensor {
	x := tensor.NewRNG(seed).Randn(n, dim)
	for i := range x.Data {
		x.Data[i] *= 0.8
	}
	return x
}

// TestODELikelihoodExactTrace compares the exact-trace ODE log-likelihood
// with the oracle's log p_{σmin}(x) at 16 points. The error is dominated
// by the prior: N(0, (1+σ_max²)I) is off the true N(μ, Σ+σ_max²I) by
// O(|x|·|μ|/σ_max²). Measured worst error on the 5-D Gaussian: 0.033 nats
// at σ_max = 80, 0.0053 at 500, 0.0005 at 5000 (the solver tolerance
// hardly matters: 0.0052 at 500 with tol 1e-7). Here σ_max = 5000 and the
// allowance is 0.005 nats.
func TestODELikelihoodExactTrace(t *testing.T) {
	cases := []struct {
		name string
		d    densityOracle
		dim  int
	}{
		{"gaussian-2d", gauss2, 2},
		{"gaussian-5d", gauss5(), 5},
		{"mixture-2d", mix2, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := points(16, c.dim, 3)
			cfg := ODELikelihood{SigmaMin: 0.01, SigmaMax: 5000}
			r, err := cfg.LogLikelihood(context.Background(), c.d, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.d.LogDensity(x, cfg.SigmaMin)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for i := range want {
				worst = max(worst, math.Abs(r.LogP[i]-want[i]))
			}
			t.Logf("max |log p − exact| = %.4g nats over %d points, NFE %d", worst, len(want), r.NFE)
			if worst > 0.005 {
				for i := range want {
					t.Errorf("log p(x_%d) = %.5f, want %.5f", i, r.LogP[i], want[i])
				}
			}
		})
	}
}

// TestODELikelihoodHutchinson uses 16 probes per point. Each probe's
// estimate is unbiased, so the mean over probes must lie within 4 standard
// errors (from the probes' spread) plus 0.02 nats of the true log p.
func TestODELikelihoodHutchinson(t *testing.T) {
	for _, c := range []struct {
		name     string
		d        densityOracle
		dim      int
		gaussian bool
	}{
		{"gaussian-5d-rademacher", gauss5(), 5, false},
		{"gaussian-5d-gaussian", gauss5(), 5, true},
		{"mixture-2d-rademacher", mix2, 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := points(8, c.dim, 4)
			cfg := ODELikelihood{SigmaMin: 0.01, SigmaMax: 500, Probes: 16, Gaussian: c.gaussian}
			r, err := cfg.LogLikelihood(context.Background(), c.d, x, tensor.NewRNG(5))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := c.d.LogDensity(x, cfg.SigmaMin)
			worstZ := 0.0
			for i := range want {
				var s, s2 float64
				for _, v := range r.ProbeLogP[i] {
					s += v
					s2 += v * v
				}
				k := float64(len(r.ProbeLogP[i]))
				mean := s / k
				se := math.Sqrt(max(s2/k-mean*mean, 0) / (k - 1))
				if math.Abs(mean-r.LogP[i]) > 1e-9 {
					t.Errorf("point %d: LogP %.6f is not the probe mean %.6f", i, r.LogP[i], mean)
				}
				err := math.Abs(mean - want[i])
				worstZ = max(worstZ, err/max(se, 1e-9))
				if err > 4*se+0.02 {
					t.Errorf("point %d: log p = %.4f ± %.4f, want %.4f", i, mean, se, want[i])
				}
			}
			t.Logf("worst |error|/SE = %.2f, NFE %d", worstZ, r.NFE)
		})
	}
}

func TestLogPToBitsPerDim(t *testing.T) {
	// the uniform density on [−1, 1]² is 1/4: log p = −2 log 2, which is
	// exactly 8 bits per dimension of uniformly distributed bytes
	if got := LogPToBitsPerDim([]float64{-2 * math.Ln2}, 2)[0]; math.Abs(got-8) > 1e-12 {
		t.Errorf("LogPToBitsPerDim(uniform) = %g, want 8", got)
	}
}

func TestODELikelihoodRejects(t *testing.T) {
	ctx := context.Background()
	x := points(2, 2, 1)
	for name, c := range map[string]ODELikelihood{
		"min above max":   {SigmaMin: 5, SigmaMax: 1},
		"negative probes": {Probes: -1},
		"negative step":   {Step: -1},
	} {
		if _, err := c.LogLikelihood(ctx, gauss2, x, tensor.NewRNG(1)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := (ODELikelihood{Probes: 2}).LogLikelihood(ctx, gauss2, x, nil); err == nil {
		t.Error("probes without an rng: no error")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (ODELikelihood{}).LogLikelihood(cancelled, gauss2, x, nil); err == nil {
		t.Error("cancelled context: no error")
	}
}
