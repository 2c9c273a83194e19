package oracle

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// noisy draws n pairs (x0, x = x0 + σ·ε) with x0 from draw.
func noisy(rng *tensor.RNG, n int, sigma float64, draw func(row []float32)) (x0, x *tensor.Tensor) {
	x0, x = tensor.New(n, 2), tensor.New(n, 2)
	for i := range n {
		draw(x0.Data[2*i : 2*i+2])
		for j := range 2 {
			x.Data[2*i+j] = x0.Data[2*i+j] + float32(sigma*rng.Normal())
		}
	}
	return x0, x
}

// checkOrthogonal tests the defining property of E[x0 | x]: the error
// x0 − D(x) has mean zero and is uncorrelated with x (orthogonality
// principle), to 5 standard errors of the n-sample averages.
func checkOrthogonal(t *testing.T, d interface {
	Denoise(*tensor.Tensor, float64) (*tensor.Tensor, error)
}, x0, x *tensor.Tensor, sigma float64) {
	t.Helper()
	pred, err := d.Denoise(x, sigma)
	if err != nil {
		t.Fatal(err)
	}
	n := x.Dim(0)
	for j := range 2 {
		for _, f := range []struct {
			name string
			g    func(i int) float64
		}{
			{"1", func(int) float64 { return 1 }},
			{"x_0", func(i int) float64 { return float64(x.Data[2*i]) }},
			{"x_1", func(i int) float64 { return float64(x.Data[2*i+1]) }},
		} {
			var s, s2 float64
			for i := range n {
				v := (float64(x0.Data[2*i+j]) - float64(pred.Data[2*i+j])) * f.g(i)
				s += v
				s2 += v * v
			}
			mean := s / float64(n)
			se := math.Sqrt((s2/float64(n) - mean*mean) / float64(n))
			if math.Abs(mean) > 5*se+1e-6 {
				t.Errorf("sigma %g: E[(x0−D(x))_%d · %s] = %.4g, want 0 ± %.4g", sigma, j, f.name, mean, 5*se)
			}
		}
	}
}

func TestGaussianIsConditionalMean(t *testing.T) {
	g := &Gaussian{Mean: []float64{1, -2}, Cov: [][]float64{{1, 0.8}, {0.8, 2}}}
	chol := [2][2]float64{{1, 0}, {0.8, math.Sqrt(2 - 0.64)}}
	for _, sigma := range []float64{0.1, 1, 5} {
		rng := tensor.NewRNG(1)
		x0, x := noisy(rng, 20000, sigma, func(row []float32) {
			z0, z1 := rng.Normal(), rng.Normal()
			row[0] = float32(1 + chol[0][0]*z0)
			row[1] = float32(-2 + chol[1][0]*z0 + chol[1][1]*z1)
		})
		checkOrthogonal(t, g, x0, x, sigma)
	}
}

func TestGaussianLimits(t *testing.T) {
	g := NewDiagGaussian([]float64{1, -2}, []float64{0.5, 3})
	x := tensor.FromData([]float32{3, 4, -1, 0}, 2, 2)
	at0, _ := g.Denoise(x, 0)
	atInf, _ := g.Denoise(x, 1e6)
	for i := range x.Data {
		if math.Abs(float64(at0.Data[i]-x.Data[i])) > 1e-6 {
			t.Errorf("D(x, 0)[%d] = %v, want x = %v", i, at0.Data[i], x.Data[i])
		}
		if want := g.Mean[i%2]; math.Abs(float64(atInf.Data[i])-want) > 1e-4 {
			t.Errorf("D(x, 1e6)[%d] = %v, want μ = %v", i, atInf.Data[i], want)
		}
	}
	// diagonal closed form: μ + v/(v+σ²)(x−μ)
	at1, _ := g.Denoise(x, 1)
	for i := range x.Data {
		m, v := g.Mean[i%2], []float64{0.5, 3}[i%2]
		want := m + v/(v+1)*(float64(x.Data[i])-m)
		if math.Abs(float64(at1.Data[i])-want) > 1e-5 {
			t.Errorf("D(x, 1)[%d] = %v, want %v", i, at1.Data[i], want)
		}
	}
}

func TestMixtureIsConditionalMean(t *testing.T) {
	m := &Mixture{Weights: []float64{0.3, 0.7}, Means: [][]float64{{-2, 0}, {2, 0.5}}, Stds: []float64{0.5, 0.8}}
	for _, sigma := range []float64{0.3, 1.5, 4} {
		rng := tensor.NewRNG(2)
		x0, x := noisy(rng, 20000, sigma, func(row []float32) {
			k := 0
			if rng.Uniform() >= m.Weights[0] {
				k = 1
			}
			for j := range row {
				row[j] = float32(m.Means[k][j] + m.Stds[k]*rng.Normal())
			}
		})
		checkOrthogonal(t, m, x0, x, sigma)
	}
}

func TestMixtureOfOneIsGaussian(t *testing.T) {
	m := &Mixture{Weights: []float64{1}, Means: [][]float64{{1, -2}}, Stds: []float64{0.7}}
	g := NewDiagGaussian([]float64{1, -2}, []float64{0.49, 0.49})
	x := tensor.NewRNG(3).Randn(16, 2)
	a, _ := m.Denoise(x, 1.3)
	b, _ := g.Denoise(x, 1.3)
	for i := range a.Data {
		if math.Abs(float64(a.Data[i]-b.Data[i])) > 1e-6 {
			t.Fatalf("x0[%d]: mixture %v, gaussian %v", i, a.Data[i], b.Data[i])
		}
	}
}

func TestDenoiseRejectsShape(t *testing.T) {
	x := tensor.New(4, 3)
	if _, err := NewDiagGaussian([]float64{0, 0}, []float64{1, 1}).Denoise(x, 1); err == nil {
		t.Error("Gaussian (D=2) accepted x: (4, 3)")
	}
	m := &Mixture{Weights: []float64{1}, Means: [][]float64{{0, 0}}, Stds: []float64{1}}
	if _, err := m.Denoise(x, 1); err == nil {
		t.Error("Mixture (D=2) accepted x: (4, 3)")
	}
}
