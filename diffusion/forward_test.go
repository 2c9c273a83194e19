package diffusion

import (
	"errors"
	"math"
	"testing"

	"github.com/diffusego/diffusego/diffusion/schedule"
	"github.com/diffusego/diffusego/tensor"
)

// TestQSampleStatistics draws m samples of x_t for each of two batch items
// with a fixed x_0 and checks the sample mean and variance against
// √ᾱ·x_0 and 1−ᾱ. With m draws the mean's standard error is √((1−ᾱ)/m) and
// the variance's is (1−ᾱ)·√(2/(m−1)) (Gaussian data); we allow 5 standard
// errors (1.6% on the variance at m = 200000), which a correct sampler exceeds with probability < 1e-6 per check,
// and the seed makes the outcome fixed anyway.
func TestQSampleStatistics(t *testing.T) {
	const m = 200000
	x0v := []float32{1.5, -0.7, 0.2}
	ab := []float64{0.9, 0.3, 0.02}
	x0 := tensor.New(len(ab), m) // x0: (3, m), each row constant
	for i, v := range x0v {
		for j := range m {
			x0.Data[i*m+j] = v
		}
	}
	rng := tensor.NewRNG(7)
	xt := QSample(x0, rng.Randn(x0.Shape...), ab)
	for i := range ab {
		var sum, sq float64
		row := xt.Data[i*m : (i+1)*m]
		for _, v := range row {
			sum += float64(v)
		}
		mean := sum / m
		for _, v := range row {
			d := float64(v) - mean
			sq += d * d
		}
		variance := sq / (m - 1)
		wantMean, wantVar := math.Sqrt(ab[i])*float64(x0v[i]), 1-ab[i]
		if se := math.Sqrt(wantVar / m); math.Abs(mean-wantMean) > 5*se {
			t.Errorf("ᾱ = %g: mean of x_t = %.5f, want √ᾱ·x0 = %.5f ± %.5f", ab[i], mean, wantMean, 5*se)
		}
		if se := wantVar * math.Sqrt(2.0/(m-1)); math.Abs(variance-wantVar) > 5*se {
			t.Errorf("ᾱ = %g: variance of x_t = %.5f, want 1−ᾱ = %.5f ± %.5f", ab[i], variance, wantVar, 5*se)
		}
	}
}

func TestQSampleRejectsShapes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		x0, eps  []int
		alphaBar int
	}{
		{"shapes differ", []int{2, 3}, []int{2, 4}, 2},
		{"alphaBar per item", []int{2, 3}, []int{2, 3}, 3},
		{"scalar", []int{}, []int{}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := func() (err error) {
				defer tensor.Recover(&err)
				QSample(tensor.New(tc.x0...), tensor.New(tc.eps...), make([]float64, tc.alphaBar))
				return nil
			}()
			var se *tensor.ShapeError
			if !errors.As(err, &se) {
				t.Errorf("QSample(%v, %v, %d ᾱ) error = %v, want a *tensor.ShapeError", tc.x0, tc.eps, tc.alphaBar, err)
			}
		})
	}
}

// TestPosteriorMatchesGaussianProduct integrates, on a grid in float64, the
// product q(x_t | x_{t−1})·q(x_{t−1} | x_0) = N(x_t; √α_t·x_{t−1}, β_t)·
// N(x_{t−1}; √ᾱ_{t−1}·x_0, 1−ᾱ_{t−1}) over x_{t−1}, and checks that its
// normalised mean and variance are the closed-form posterior's.
func TestPosteriorMatchesGaussianProduct(t *testing.T) {
	const x0, xt = 0.8, -0.3
	for _, tc := range []struct {
		name string
		s    schedule.Schedule
		t    int
	}{
		{"linear t=1", schedule.NewLinear(1000, 1e-4, 0.02), 1},
		{"linear t=500", schedule.NewLinear(1000, 1e-4, 0.02), 500},
		{"linear t=999", schedule.NewLinear(1000, 1e-4, 0.02), 999},
		{"cosine t=10", schedule.NewCosine(1000, 0.008), 10},
		{"cosine t=900", schedule.NewCosine(1000, 0.008), 900},
		{"linear T=10 t=5", schedule.NewLinear(10, 0.05, 0.4), 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			alpha, abPrev := tc.s.Alpha(tc.t), tc.s.AlphaBar(tc.t-1)
			logDensity := func(x float64) float64 { // unnormalised log of the product
				a := xt - math.Sqrt(alpha)*x
				b := x - math.Sqrt(abPrev)*x0
				return -a*a/(2*tc.s.Beta(tc.t)) - b*b/(2*(1-abPrev))
			}
			// Find the mode by a coarse scan, then integrate ±12 posterior sds
			// around it, the sd taken from the curvature: the grid does not
			// rely on the formulas under test.
			lo, hi := -20.0, 20.0
			for range 200 { // ternary search: the log-density is concave
				m1, m2 := lo+(hi-lo)/3, hi-(hi-lo)/3
				if logDensity(m1) < logDensity(m2) {
					lo = m1
				} else {
					hi = m2
				}
			}
			mode := (lo + hi) / 2
			h := 1e-3
			curv := -(logDensity(mode+h) - 2*logDensity(mode) + logDensity(mode-h)) / (h * h)
			sd := 1 / math.Sqrt(curv)
			const n = 20001
			var z, m1, m2 float64
			for i := range n {
				x := mode + sd*(-12+24*float64(i)/(n-1))
				p := math.Exp(logDensity(x) - logDensity(mode))
				z += p
				m1 += p * x
				m2 += p * x * x
			}
			mean := m1 / z
			variance := m2/z - mean*mean

			p := Posterior(tc.s, tc.t)
			if got := p.CoefX0*x0 + p.CoefXt*xt; math.Abs(got-mean) > 1e-9*(1+math.Abs(mean)) {
				t.Errorf("posterior mean = %.12g, want %.12g (grid)", got, mean)
			}
			if math.Abs(p.Variance-variance) > 1e-6*variance {
				t.Errorf("posterior variance = %.12g, want %.12g (grid)", p.Variance, variance)
			}
			if got, want := p.LogVariance, math.Log(p.Variance); math.Abs(got-want) > 1e-12 {
				t.Errorf("posterior log-variance = %g, want log β̃ = %g", got, want)
			}
		})
	}
}

func TestPosteriorAtZero(t *testing.T) {
	s := schedule.NewLinear(1000, 1e-4, 0.02)
	p := Posterior(s, 0)
	if math.Abs(p.CoefX0-1) > 1e-12 || p.CoefXt != 0 || p.Variance != 0 {
		t.Errorf("Posterior(linear, 0) = %+v, want mean x_0 (CoefX0 1, CoefXt 0) and variance 0", p)
	}
	if got, want := p.LogVariance, math.Log(Posterior(s, 1).Variance); got != want {
		t.Errorf("Posterior(linear, 0).LogVariance = %g, want log β̃_1 = %g (clipped as in DDPM)", got, want)
	}
	x0 := tensor.FromData([]float32{1, 2, 3}, 3, 1)
	xt := tensor.FromData([]float32{-1, 0, 5}, 3, 1)
	q := Posterior(s, 300)
	mean := q.Mean(x0, xt)
	for i := range 3 {
		want := q.CoefX0*float64(x0.Data[i]) + q.CoefXt*float64(xt.Data[i])
		if math.Abs(float64(mean.Data[i])-want) > 1e-6 {
			t.Errorf("Posterior(linear, 300).Mean[%d] = %g, want %g", i, mean.Data[i], want)
		}
	}
}
