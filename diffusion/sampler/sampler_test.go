package sampler

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// nSamples is the batch for the moment tests: 20000 points in 2-D. The
// standard error of a mean is s/√N ≈ 0.0071·s, of a variance √(2/N) ≈ 1%
// relative, of a weight √(w(1−w)/N) ≤ 0.0035.
const nSamples = 20000

// data is the Gaussian the moment tests reproduce: μ = (0.5, −0.3),
// σ_data = (0.6, 1.2).
var (
	dataMean = []float64{0.5, -0.3}
	dataVar  = []float64{0.36, 1.44}
	gauss    = oracle.NewDiagGaussian(dataMean, dataVar)
	mixture  = &oracle.Mixture{
		Weights: []float64{0.3, 0.7},
		Means:   [][]float64{{-2, 0}, {2, 0.5}},
		Stds:    []float64{0.5, 0.5},
	}
)

// karras is the EDM grid with n steps, σ ∈ [0.002, 80], ρ = 7.
func karras(n int) []float64 { return schedule.KarrasSigmas(n, 0.002, 80, 7) }

// linear1000 is the DDPM linear schedule (Ho et al. 2020), T = 1000.
func linear1000(t *testing.T, n int) []float64 {
	t.Helper()
	sig, err := DiscreteSigmas(schedule.NewLinear(1000, 1e-4, 0.02), n, schedule.Trailing)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func sample(t *testing.T, s Sampler, d Denoiser, sigmas []float64, seed uint64) *tensor.Tensor {
	t.Helper()
	rng := tensor.NewRNG(seed)
	x := InitialNoise(rng, sigmas[0], 1, nSamples, 2)
	out, err := Run(context.Background(), s, d, x, sigmas, rng, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// moments returns the per-dimension mean and variance of x: (N, D).
func moments(x *tensor.Tensor) (mean, variance []float64) {
	n, d := x.Dim(0), x.Dim(1)
	mean, variance = make([]float64, d), make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += float64(x.Data[i*d+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j := range d {
			e := float64(x.Data[i*d+j]) - mean[j]
			variance[j] += e * e
		}
	}
	for j := range variance {
		variance[j] /= float64(n - 1)
	}
	return mean, variance
}

// checkGaussian asserts |mean error| ≤ 4·SE + 0.02·σ_data and
// |var/var_data − 1| ≤ 4·√(2/N) + bias: four standard errors of the
// batch plus the sampler's stated discretisation allowance for the variance
// (the mean is hardly affected: the maps are affine and start near μ).
func checkGaussian(t *testing.T, x *tensor.Tensor, bias float64) {
	t.Helper()
	mean, variance := moments(x)
	for j := range mean {
		sd := math.Sqrt(dataVar[j])
		mErr := math.Abs(mean[j] - dataMean[j])
		mTol := 4*sd/math.Sqrt(nSamples) + 0.02*sd
		vErr := math.Abs(variance[j]/dataVar[j] - 1)
		vTol := 4*math.Sqrt(2.0/nSamples) + bias
		t.Logf("dim %d: mean %.4f (want %.4f, err %.4f, tol %.4f); var %.4f (want %.4f, rel err %.4f, tol %.4f)",
			j, mean[j], dataMean[j], mErr, mTol, variance[j], dataVar[j], vErr, vTol)
		if mErr > mTol {
			t.Errorf("dim %d: mean = %.4f, want %.4f ± %.4f", j, mean[j], dataMean[j], mTol)
		}
		if vErr > vTol {
			t.Errorf("dim %d: variance = %.4f, want %.4f (rel err %.4f > %.4f)", j, variance[j], dataVar[j], vErr, vTol)
		}
	}
}

// checkMixture assigns each sample to the nearer component mean (by the
// σ = 0 responsibilities) and asserts each weight within 4·SE + bias.
func checkMixture(t *testing.T, x *tensor.Tensor, bias float64) {
	t.Helper()
	counts := make([]float64, len(mixture.Weights))
	buf := make([]float64, len(counts))
	for i := range x.Dim(0) {
		r := mixture.Responsibilities(x.Data[2*i:2*i+2], 0, buf)
		best := 0
		for c := range r {
			if r[c] > r[best] {
				best = c
			}
		}
		counts[best]++
	}
	for c, w := range mixture.Weights {
		got := counts[c] / nSamples
		tol := 4*math.Sqrt(w*(1-w)/nSamples) + bias
		t.Logf("component %d: weight %.4f (want %.4f, err %.4f, tol %.4f)", c, got, w, math.Abs(got-w), tol)
		if math.Abs(got-w) > tol {
			t.Errorf("component %d: weight = %.4f, want %.4f ± %.4f", c, got, w, tol)
		}
	}
}

// bitIdentical asserts two runs of a deterministic sampler agree exactly.
func bitIdentical(t *testing.T, s Sampler, sigmas []float64) {
	t.Helper()
	a := sample(t, s, mixture, sigmas[:], 7)
	b := sample(t, s, mixture, sigmas[:], 7)
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			t.Fatalf("run 2 differs at %d: %v vs %v", i, a.Data[i], b.Data[i])
		}
	}
}

func TestEuler(t *testing.T) {
	sig := karras(50)
	// First order: on this grid the exact Euler map shrinks the variance by
	// 10.7% (σ_data 0.6) and 9.7% (1.2), computed in closed form from the
	// per-step gains; the allowance is 12%.
	t.Run("gaussian", func(t *testing.T) { checkGaussian(t, sample(t, Euler{}, gauss, sig, 1), 0.12) })
	t.Run("mixture", func(t *testing.T) { checkMixture(t, sample(t, Euler{}, mixture, sig, 2), 0.01) })
	t.Run("deterministic", func(t *testing.T) { bitIdentical(t, Euler{}, karras(10)) })
}

func TestRunHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := tensor.New(4, 2)
	_, err := Run(ctx, Euler{}, gauss, x, karras(5), nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run with cancelled ctx: err = %v, want context.Canceled", err)
	}
}

func TestRunCancelMidway(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	steps := 0
	_, err := Run(ctx, Euler{}, gauss, tensor.New(4, 2), karras(10), nil, func(i int, _ *tensor.Tensor) {
		steps++
		if i == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || steps != 3 {
		t.Fatalf("cancel after step 2: err = %v, steps = %d; want context.Canceled after 3 steps", err, steps)
	}
}

func TestRunVisitsEveryStep(t *testing.T) {
	sig := karras(12)
	var seen []int
	x := InitialNoise(tensor.NewRNG(3), sig[0], 1, 8, 2)
	out, err := Run(context.Background(), Euler{}, gauss, x, sig, nil, func(i int, xi *tensor.Tensor) {
		seen = append(seen, i)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(sig)-1 {
		t.Fatalf("visit called %d times, want %d", len(seen), len(sig)-1)
	}
	for k, i := range seen {
		if i != k {
			t.Fatalf("visit %d got step %d, want %d", k, i, k)
		}
	}
	if out == nil {
		t.Fatal("Run returned nil sample")
	}
}

// badDenoiser returns a prediction of the wrong shape.
type badDenoiser struct{}

func (badDenoiser) Denoise(x *tensor.Tensor, _ float64) (*tensor.Tensor, error) {
	return tensor.New(1, 3), nil
}

func TestRunRecoversShapeError(t *testing.T) {
	_, err := Run(context.Background(), Euler{}, badDenoiser{}, tensor.New(4, 2), karras(3), nil, nil)
	var se *tensor.ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *tensor.ShapeError", err)
	}
}
