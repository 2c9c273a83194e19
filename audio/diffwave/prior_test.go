package diffwave

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/oracle"
	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// rows adapts an oracle over rows (N, D) to clips (N, 1, D).
type rows struct{ d sampler.Denoiser }

func (r rows) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	y, err := r.d.Denoise(x.Reshape(x.Dim(0), x.Len()/x.Dim(0)), sigma)
	if err != nil {
		return nil, err
	}
	return y.Reshape(x.Shape...), nil
}

// With a Gaussian prior N(μ, diag v) on the peak-normalised clips the
// answers are analytic. For a clip scaled by s and noise s·σ: the
// posterior mean (Wiener) is μ + v/(v + s²σ²)·(s·y − μ), the posterior
// variance vs²σ²/(v + s²σ²), and the probability-flow ODE from s·y ends at
// μ + √(v/(v + s²σ²))·(s·y − μ); all are divided by s back.
// Time budget: about a second (60 clips × 16 draws × 60 steps of an 8-d oracle).
func TestPriorDenoiseGaussianKnownAnswer(t *testing.T) {
	mean := []float64{0.1, -0.2, 0.3, 0, 0.2, -0.1, 0.05, -0.3}
	variance := []float64{0.05, 0.1, 0.2, 0.3, 0.05, 0.1, 0.2, 0.3}
	d := rows{oracle.NewDiagGaussian(mean, variance)}
	const n, L, sigma = 60, 8, 0.1
	rng := tensor.NewRNG(5)
	noisy := tensor.New(n, 1, L)
	for i := range noisy.Data {
		j := i % L
		noisy.Data[i] = float32(0.5*(mean[j]+math.Sqrt(variance[j])*rng.Normal()) + sigma*rng.Normal())
	}
	scales := make([]float64, n)
	for i := range n {
		peak := 0.0
		for _, v := range noisy.Data[i*L : (i+1)*L] {
			peak = max(peak, math.Abs(float64(v)))
		}
		scales[i] = Peak / peak
	}
	t.Run("mean of ddpm samples is the Wiener estimate", func(t *testing.T) {
		const k = 16
		out, used, err := priorDenoise(context.Background(), d, noisy, 8000, sigma, k, 1000,
			Options{Sampler: sampler.Spec{Name: "ddpm", Steps: 60}, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if used[0] != sigma {
			t.Errorf("noise level used %g, want the given %g", used[0], sigma)
		}
		// (s·(out − Wiener))² over the posterior variance / k averages 1.
		z2, gain := 0.0, 0.0
		for i := range n {
			s := scales[i]
			sn2 := s * s * sigma * sigma
			for j := range L {
				y := s * float64(noisy.Data[i*L+j])
				w := mean[j] + variance[j]/(variance[j]+sn2)*(y-mean[j])
				dev := s*float64(out.Data[i*L+j]) - w
				z2 += dev * dev / (variance[j] * sn2 / (variance[j] + sn2) / k)
				gain += (y - w) * (y - w)
			}
		}
		z2 /= n * L
		t.Logf("normalised squared deviation from the Wiener estimate %.3f (want 1); noisy's squared distance to it %.4f per value", z2, gain/(n*L))
		// DDPM's finite ancestral steps draw slightly under-dispersed
		// samples (about 0.85 here); a wrong noise level or scale moves
		// the mean off the Wiener estimate and z2 far above 1.
		if z2 < 0.7 || z2 > 1.2 {
			t.Errorf("mean of %d posterior samples: squared deviation from the Wiener estimate %.3f × its expected value, want 0.7 to 1.2", k, z2)
		}
	})
	t.Run("heun follows the probability-flow ODE", func(t *testing.T) {
		out, _, err := priorDenoise(context.Background(), d, noisy, 8000, sigma, 1, 1000,
			Options{Sampler: sampler.Spec{Name: "heun", Steps: 40}, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := range n {
			s := scales[i]
			sn2 := s * s * sigma * sigma
			for j := range L {
				y := s * float64(noisy.Data[i*L+j])
				want := mean[j] + math.Sqrt(variance[j]/(variance[j]+sn2))*(y-mean[j])
				worst = max(worst, math.Abs(s*float64(out.Data[i*L+j])-want))
			}
		}
		if worst > 2e-3 {
			t.Errorf("heun from the noisy clip: largest error %.2g against the analytic ODE end, want ≤ 2e-3", worst)
		}
	})
}

func TestEstimateNoise(t *testing.T) {
	const rate, L = 8000, 8000
	rng := tensor.NewRNG(7)
	for _, c := range []struct {
		name   string
		sigma  float64
		speech float64 // amplitude of a tone burst over the middle half
		tol    float64
	}{
		{"white noise alone", 0.1, 0, 0.05},
		{"quiet noise under a loud tone burst", 0.02, 0.5, 0.1},
		{"noise at 0 dB under speech-like harmonics", 0.1, 0.3, 0.1},
	} {
		x := make([]float64, L)
		for i := range x {
			if i >= L/4 && i < 3*L/4 && c.speech > 0 {
				ts := float64(i) / rate
				x[i] = c.speech * (math.Sin(2*math.Pi*180*ts) + 0.5*math.Sin(2*math.Pi*360*ts) + 0.3*math.Sin(2*math.Pi*1100*ts))
			}
			x[i] += c.sigma * rng.Normal()
		}
		got, err := EstimateNoise(x, rate)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: σ̂ %.4f, true %.4f", c.name, got, c.sigma)
		if math.Abs(got/c.sigma-1) > c.tol {
			t.Errorf("%s: σ̂ %.4f, want %.4f within %.0f%%", c.name, got, c.sigma, 100*c.tol)
		}
	}
	if s, err := EstimateNoise(make([]float64, 100), rate); err != nil || s != 0 {
		t.Errorf("digital silence: σ̂ %g, %v; want 0, nil", s, err)
	}
	for _, bad := range []struct {
		x    []float64
		rate int
		want string
	}{{[]float64{1}, rate, "samples"}, {[]float64{1, 2}, 0, "rate"}} {
		if _, err := EstimateNoise(bad.x, bad.rate); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("EstimateNoise(%d samples, %d Hz): error %v, want one naming %q", len(bad.x), bad.rate, err, bad.want)
		}
	}
}

func TestPriorDenoiseTinyModel(t *testing.T) {
	m, err := New(tiny(TaskGenerate), tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	L := m.Config.Samples
	noisy := tensor.New(3, 1, L)
	rng := tensor.NewRNG(2)
	for i := range noisy.Data {
		noisy.Data[i] = float32(0.3*math.Sin(float64(i)) + 0.05*rng.Normal())
	}
	opts := Options{Sampler: sampler.Spec{Name: "ddpm", Steps: 6}, Seed: 4}
	a, sa, err := PriorDenoise(context.Background(), m, noisy, 0, 2, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := PriorDenoise(context.Background(), m, noisy, 0, 2, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.SameShape(a.Shape, noisy.Shape) {
		t.Fatalf("shape %v, want %v", a.Shape, noisy.Shape)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("value %d: %v then %v with the same seed", i, a.Data[i], b.Data[i])
		}
		if math.IsNaN(float64(a.Data[i])) {
			t.Fatalf("value %d is NaN", i)
		}
	}
	for i, s := range sa {
		if !(s > 0) {
			t.Errorf("clip %d: estimated noise level %g, want > 0", i, s)
		}
	}
	opts.Seed = 5
	c, _, err := PriorDenoise(context.Background(), m, noisy, 0, 2, opts)
	if err != nil {
		t.Fatal(err)
	}
	same := true
	for i := range a.Data {
		same = same && a.Data[i] == c.Data[i]
	}
	if same {
		t.Error("seeds 4 and 5 gave the same estimate: the draws ignore the seed")
	}
	// A clip's estimate does not depend on the batch it is in.
	one, _, err := PriorDenoise(context.Background(), m, tensor.FromData(noisy.Data[L:2*L], 1, 1, L), 0, 2, Options{Sampler: opts.Sampler, Seed: 4, First: 1})
	if err != nil {
		t.Fatal(err)
	}
	for j := range L {
		if one.Data[j] != a.Data[L+j] {
			t.Fatalf("clip 1 alone (First 1) differs from clip 1 in the batch at %d: %v vs %v", j, one.Data[j], a.Data[L+j])
		}
	}
	den, err := New(tiny(TaskDenoise), tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"denoise model", func() error { _, _, err := PriorDenoise(context.Background(), den, noisy, 0, 1, opts); return err }, "generation model"},
		{"bad shape", func() error {
			_, _, err := PriorDenoise(context.Background(), m, tensor.New(2, 1, L+1), 0, 1, opts)
			return err
		}, "want (N, 1,"},
		{"samples 0", func() error { _, _, err := PriorDenoise(context.Background(), m, noisy, 0, 0, opts); return err }, "samples"},
		{"negative level", func() error { _, _, err := PriorDenoise(context.Background(), m, noisy, -1, 1, opts); return err }, "noise level"},
	} {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestPriorMethod(t *testing.T) {
	m, err := New(tiny(TaskGenerate), tensor.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	L := m.Config.Samples
	noisy, noise := make([]float64, L), make([]float64, L)
	rng := tensor.NewRNG(3)
	for i := range noisy {
		noise[i] = 0.05 * rng.Normal()
		noisy[i] = 0.3*math.Sin(float64(i)) + noise[i]
	}
	p := PriorMethod{Model: m, Samples: 1, Options: Options{Sampler: sampler.Spec{Name: "ddpm", Steps: 4}, Seed: 1}}
	if !strings.Contains(p.Name(), "prior") {
		t.Errorf("name %q", p.Name())
	}
	a, err := p.Denoise(noisy, m.Config.Rate, noise)
	if err != nil || len(a) != L {
		t.Fatalf("denoise: %d values, %v", len(a), err)
	}
	b, err := p.Denoise(noisy, m.Config.Rate, nil)
	if err != nil || len(b) != L {
		t.Fatalf("denoise, level estimated: %d values, %v", len(b), err)
	}
	if _, err := p.Denoise(noisy[:L-1], m.Config.Rate, nil); err == nil || !strings.Contains(err.Error(), "samples") {
		t.Errorf("a short clip: error %v", err)
	}
}
