package oracle

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func TestGaussianLogDensity(t *testing.T) {
	// N((1, −2), [[1, 0.8], [0.8, 2]]) + σ²I at σ = 0.5: Σ' = [[1.25, 0.8], [0.8, 2.25]],
	// det = 2.1725, Σ'⁻¹ = [[2.25, −0.8], [−0.8, 1.25]]/2.1725.
	g := &Gaussian{Mean: []float64{1, -2}, Cov: [][]float64{{1, 0.8}, {0.8, 2}}}
	x := tensor.FromData([]float32{1, -2, 2, 0}, 2, 2)
	got, err := g.LogDensity(x, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	det := 1.25*2.25 - 0.64
	maha := (2.25*1 - 2*0.8*1*2 + 1.25*4) / det // e = (1, 2)
	want := []float64{
		-0.5 * (math.Log(det) + 2*math.Log(2*math.Pi)),
		-0.5 * (maha + math.Log(det) + 2*math.Log(2*math.Pi)),
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("log p(x_%d) = %.12f, want %.12f", i, got[i], want[i])
		}
	}
}

// TestLogDensityIntegratesToOne sums exp(log p) over a fine 2-D grid
// (midpoint rule, spacing 0.02 over ±10), which must give 1 to 1e-4.
func TestLogDensityIntegratesToOne(t *testing.T) {
	const h, r = 0.02, 10.0
	n := int(2 * r / h)
	grid := tensor.New(n*n, 2)
	for i := range n {
		for j := range n {
			grid.Data[2*(i*n+j)] = float32(-r + (float64(i)+0.5)*h)
			grid.Data[2*(i*n+j)+1] = float32(-r + (float64(j)+0.5)*h)
		}
	}
	for name, d := range map[string]interface {
		LogDensity(*tensor.Tensor, float64) ([]float64, error)
	}{
		"gaussian": &Gaussian{Mean: []float64{1, -2}, Cov: [][]float64{{1, 0.8}, {0.8, 2}}},
		"mixture":  &Mixture{Weights: []float64{0.3, 0.7}, Means: [][]float64{{-2, 0}, {2, 0.5}}, Stds: []float64{0.5, 0.8}},
	} {
		t.Run(name, func(t *testing.T) {
			lp, err := d.LogDensity(grid, 0.3)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0.0
			for _, v := range lp {
				sum += math.Exp(v) * h * h
			}
			if math.Abs(sum-1) > 1e-4 {
				t.Errorf("∫p = %.6f, want 1", sum)
			}
		})
	}
}

func TestMixtureOfOneLogDensityIsGaussian(t *testing.T) {
	m := &Mixture{Weights: []float64{1}, Means: [][]float64{{1, -2}}, Stds: []float64{0.7}}
	g := NewDiagGaussian([]float64{1, -2}, []float64{0.49, 0.49})
	x := tensor.NewRNG(3).Randn(16, 2)
	a, _ := m.LogDensity(x, 1.3)
	b, _ := g.LogDensity(x, 1.3)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			t.Fatalf("log p(x_%d): mixture %v, gaussian %v", i, a[i], b[i])
		}
	}
}

// TestSampleMoments draws 20000 points and checks the mean (4 SE) and the
// covariance (0.05 absolute, ≈ 5 SE) of the full-covariance Gaussian and the
// weight of each mixture component by nearest mean (4 SE).
func TestSampleMoments(t *testing.T) {
	g := &Gaussian{Mean: []float64{1, -2}, Cov: [][]float64{{1, 0.8}, {0.8, 2}}}
	x, err := g.Sample(tensor.NewRNG(4), 20000)
	if err != nil {
		t.Fatal(err)
	}
	var m [2]float64
	var c [2][2]float64
	for n := range 20000 {
		for i := range 2 {
			m[i] += float64(x.Data[2*n+i]) / 20000
		}
	}
	for n := range 20000 {
		for i := range 2 {
			for j := range 2 {
				c[i][j] += (float64(x.Data[2*n+i]) - m[i]) * (float64(x.Data[2*n+j]) - m[j]) / 20000
			}
		}
	}
	for i := range 2 {
		if se := math.Sqrt(g.Cov[i][i] / 20000); math.Abs(m[i]-g.Mean[i]) > 4*se {
			t.Errorf("mean_%d = %.4f, want %.4f ± %.4f", i, m[i], g.Mean[i], 4*se)
		}
		for j := range 2 {
			if math.Abs(c[i][j]-g.Cov[i][j]) > 0.05 {
				t.Errorf("cov_%d%d = %.4f, want %.4f ± 0.05", i, j, c[i][j], g.Cov[i][j])
			}
		}
	}
	mix := &Mixture{Weights: []float64{0.3, 0.7}, Means: [][]float64{{-2, 0}, {2, 0.5}}, Stds: []float64{0.5, 0.8}}
	y := mix.Sample(tensor.NewRNG(5), 20000)
	left := 0.0
	for n := range 20000 {
		if y.Data[2*n] < 0 {
			left++
		}
	}
	if w := left / 20000; math.Abs(w-0.3) > 4*math.Sqrt(0.21/20000)+0.002 {
		t.Errorf("weight of the left component = %.4f, want 0.3", w)
	}
}

func TestLogDensityRejects(t *testing.T) {
	singular := &Gaussian{Mean: []float64{0, 0}, Cov: [][]float64{{1, 1}, {1, 1}}}
	if _, err := singular.LogDensity(tensor.New(1, 2), 0); err == nil {
		t.Error("singular covariance at sigma 0 accepted")
	}
	if _, err := singular.LogDensity(tensor.New(1, 3), 1); err == nil {
		t.Error("x: (1, 3) accepted for D = 2")
	}
}
