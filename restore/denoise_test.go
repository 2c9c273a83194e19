package restore

import (
	"context"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// On x ~ N(μ, diag v) with y = x + σz, the posterior is Gaussian with
// per-pixel variance vσ²/(v+σ²): the posterior mean has that MSE, one
// posterior sample twice it, and the mean of K samples (1 + 1/K) times it.
func TestDenoiseMatchesGaussianPosterior(t *testing.T) {
	mean := []float64{0.1, -0.2, 0.3, 0, 0.5, -0.5, 0.2, -0.1}
	variance := []float64{0.05, 0.1, 0.2, 0.3, 0.05, 0.1, 0.2, 0.3}
	d := flat{oracle.NewDiagGaussian(mean, variance)}
	const sigma = 0.4
	want := 0.0
	for _, v := range variance {
		want += v * sigma * sigma / (v + sigma*sigma) / float64(len(variance))
	}
	x := sampleDiag(tensor.NewRNG(1), mean, variance, 600, 2, 2, 2)
	y := addNoise(x, sigma, 2)
	cases := []struct {
		name   string
		opt    DenoiseOptions
		factor float64
		tol    float64
	}{
		{"one-shot", DenoiseOptions{OneShot: true}, 1, 0.05},
		{"one DDPM sample", DenoiseOptions{Seed: 3, Steps: 200}, 2, 0.08},
		{"mean of 8 samples", DenoiseOptions{Samples: 8, Seed: 3, Steps: 200}, 1.125, 0.06},
		{"Euler ODE", DenoiseOptions{Sampler: sampler.Euler{}, Steps: 10}, 0, 0},
	}
	for _, c := range cases {
		out, err := Denoise(context.Background(), d, y, sigma, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		got := mse(out, x)
		t.Logf("%s: MSE %.5f (posterior-mean MSE %.5f, noisy %.5f)", c.name, got, want, mse(y, x))
		if c.factor > 0 && math.Abs(got/(c.factor*want)-1) > c.tol {
			t.Errorf("%s: MSE %.5f, want %.2f × %.5f within %.0f%%", c.name, got, c.factor, want, 100*c.tol)
		}
		if got >= mse(y, x) {
			t.Errorf("%s: MSE %.5f not below the noisy input's %.5f", c.name, got, mse(y, x))
		}
	}
}

func TestDenoiseIsDeterministic(t *testing.T) {
	d := flat{oracle.NewDiagGaussian([]float64{0, 0, 0, 0}, []float64{0.1, 0.2, 0.3, 0.4})}
	y := addNoise(tensor.New(3, 1, 2, 2), 0.3, 4)
	opt := DenoiseOptions{Samples: 3, Steps: 5, Seed: 9}
	a, _ := Denoise(context.Background(), d, y, 0.3, opt)
	b, _ := Denoise(context.Background(), d, y, 0.3, opt)
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			t.Fatalf("element %d differs between runs with one seed: %v vs %v", i, a.Data[i], b.Data[i])
		}
	}
	opt.Seed = 10
	c, _ := Denoise(context.Background(), d, y, 0.3, opt)
	if mse(a, c) == 0 {
		t.Error("seeds 9 and 10 gave identical samples")
	}
}

func TestDenoiseErrors(t *testing.T) {
	d := flat{oracle.NewDiagGaussian([]float64{0, 0}, []float64{1, 1})}
	if _, err := Denoise(context.Background(), d, tensor.New(1, 1, 1, 2), 0, DenoiseOptions{}); err == nil {
		t.Error("sigma 0: no error")
	}
	if _, err := Denoise(context.Background(), d, tensor.New(1, 1, 1, 3), 0.1, DenoiseOptions{}); err == nil {
		t.Error("wrong size for the denoiser: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Denoise(ctx, d, tensor.New(1, 1, 1, 2), 0.1, DenoiseOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestSigmasStartsAtTheNoiseLevel(t *testing.T) {
	s := Sigmas(10, 0.002, 0.3, 7)
	if len(s) != 11 || s[0] != 0.3 || s[9] != 0.002 || s[10] != 0 {
		t.Errorf("Sigmas(10, 0.002, 0.3) = %v, want 0.3 … 0.002, 0", s)
	}
	if s := Sigmas(10, 0.002, 0.001, 7); len(s) != 2 || s[0] != 0.001 {
		t.Errorf("Sigmas below sigmaMin = %v, want [0.001 0]", s)
	}
}
