package sampler

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// TestFullCovariance samples a correlated 2-D Gaussian (ρ = 0.8) with
// DPM-Solver++(2M), 50 Karras steps, and checks the covariance entries
// within 4·SE + 2% (the 50-step discretisation error is ≈ 1%, see
// TestSamplersReproduceData). SE of a sample covariance is
// √((Σ₀₀Σ₁₁ + Σ₀₁²)/N).
func TestFullCovariance(t *testing.T) {
	cov := [][]float64{{1, 0.8}, {0.8, 1}}
	g := &oracle.Gaussian{Mean: []float64{0, 0}, Cov: cov}
	x := sample(t, &DPMPP2M{}, g, karras(50), 21)
	var c [2][2]float64
	for i := range x.Dim(0) {
		a, b := float64(x.Data[2*i]), float64(x.Data[2*i+1])
		c[0][0] += a * a
		c[0][1] += a * b
		c[1][1] += b * b
	}
	for _, ij := range [][2]int{{0, 0}, {0, 1}, {1, 1}} {
		i, j := ij[0], ij[1]
		got := c[i][j] / nSamples
		se := math.Sqrt((cov[i][i]*cov[j][j] + cov[i][j]*cov[i][j]) / nSamples)
		tol := 4*se + 0.02*cov[i][i]
		t.Logf("cov[%d][%d] = %.4f, want %.4f ± %.4f", i, j, got, cov[i][j], tol)
		if math.Abs(got-cov[i][j]) > tol {
			t.Errorf("cov[%d][%d] = %.4f, want %.4f ± %.4f", i, j, got, cov[i][j], tol)
		}
	}
}

// TestTemperature checks that InitialNoise has std T·√(1+σ_max²) and that a
// lower temperature lowers the variance DDPM injects.
func TestTemperature(t *testing.T) {
	x := InitialNoise(tensor.NewRNG(1), 80, 0.5, nSamples, 2)
	_, v := moments(x)
	want := 0.25 * (1 + 6400)
	if math.Abs(v[0]/want-1) > 4*math.Sqrt(2.0/nSamples) {
		t.Errorf("InitialNoise(T=0.5) variance = %.1f, want %.1f", v[0], want)
	}
	sig, err := DiscreteSigmas(schedule.NewLinear(1000, 1e-4, 0.02), 100, schedule.Trailing)
	if err != nil {
		t.Fatal(err)
	}
	_, hot := moments(sample(t, DDPM{}, gauss, sig, 4))
	_, cold := moments(sample(t, DDPM{Temperature: 0.5}, gauss, sig, 4))
	if cold[1] >= 0.9*hot[1] {
		t.Errorf("DDPM variance at T=0.5: %.3f, want well below %.3f at T=1", cold[1], hot[1])
	}
}

func TestDiscreteSigmas(t *testing.T) {
	s := schedule.NewLinear(1000, 1e-4, 0.02)
	sig, err := DiscreteSigmas(s, 10, schedule.Leading)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 11 || sig[10] != 0 {
		t.Fatalf("DiscreteSigmas(10) = %v: want 11 values ending in 0", sig)
	}
	for i, step := range []int{900, 800, 700, 600, 500, 400, 300, 200, 100, 0} {
		if want := s.Sigma(step); sig[i] != want {
			t.Errorf("sigmas[%d] = %g, want Sigma(%d) = %g", i, sig[i], step, want)
		}
	}
	if _, err := DiscreteSigmas(s, 0, schedule.Leading); err == nil {
		t.Error("DiscreteSigmas(n = 0) gave no error")
	}
}

func TestRunRejectsShortGrid(t *testing.T) {
	if _, err := Run(context.Background(), Euler{}, gauss, tensor.New(1, 2), []float64{1}, nil, nil); err == nil {
		t.Error("Run with one sigma gave no error")
	}
}

// ExampleHeun samples a 1-D Gaussian N(2, 0.5²) with 18 Heun steps on the
// Karras grid, driven by the exact denoiser.
func ExampleHeun() {
	data := oracle.NewDiagGaussian([]float64{2}, []float64{0.25})
	sigmas := schedule.KarrasSigmas(18, 0.002, 80, 7)
	rng := tensor.NewRNG(1)
	x := InitialNoise(rng, sigmas[0], 1, 4000, 1) // x: (4000, 1)
	x, err := Run(context.Background(), Heun{}, data, x, sigmas, rng, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	mean := 0.0
	for _, v := range x.Data {
		mean += float64(v) / float64(x.Len())
	}
	fmt.Printf("mean %.1f\n", mean)
	// Output: mean 2.0
}
