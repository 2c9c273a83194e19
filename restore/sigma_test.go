package restore

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// smooth returns (n, c, 64, 64) images of slow sinusoids and a hard edge in [−0.8, 0.8].
func smooth(n, c int) *tensor.Tensor {
	x := tensor.New(n, c, 64, 64)
	for p := range n * c {
		for i := range 64 {
			for j := range 64 {
				v := 0.5 * math.Sin(float64(i)/7+float64(p)) * math.Cos(float64(j)/11)
				if j > 40 {
					v += 0.3
				}
				x.Data[p*4096+i*64+j] = float32(v)
			}
		}
	}
	return x
}

func TestEstimateSigmaKnownNoise(t *testing.T) {
	x := smooth(4, 3)
	for _, sigma := range []float64{0.1, 0.2, 0.4} {
		est, err := EstimateSigma(addNoise(x, sigma, uint64(100*sigma)))
		if err != nil {
			t.Fatal(err)
		}
		// the MAD of 3072 coefficients has a relative standard error of about 3%
		avg := 0.0
		for i, e := range est {
			avg += e / float64(len(est))
			if rel := e/sigma - 1; math.Abs(rel) > 0.1 {
				t.Errorf("σ=%g image %d: estimate %.4f (%+.1f%%), want within 10%%", sigma, i, e, 100*rel)
			}
		}
		if rel := avg/sigma - 1; math.Abs(rel) > 0.03 {
			t.Errorf("σ=%g: mean estimate %.4f (%+.1f%%), want within 3%%", sigma, avg, 100*rel)
		}
		pooled, _ := EstimateSigmaPooled(addNoise(x, sigma, uint64(100*sigma)))
		if rel := pooled/sigma - 1; math.Abs(rel) > 0.03 {
			t.Errorf("σ=%g: pooled estimate %.4f (%+.1f%%), want within 3%%", sigma, pooled, 100*rel)
		}
		t.Logf("σ=%g: estimates %.4f, pooled %.4f", sigma, est, pooled)
	}
	if est, _ := EstimateSigma(x); est[0] > 0.01 {
		t.Errorf("clean smooth image: estimate %.4f, want ≈ 0", est[0])
	}
}

func TestEstimateSigmaErrors(t *testing.T) {
	if _, err := EstimateSigma(tensor.New(2, 64)); err == nil {
		t.Error("rank-2 input: no error")
	}
	if _, err := EstimateSigma(tensor.New(1, 1, 1, 8)); err == nil {
		t.Error("one-row image: no error")
	}
}

// TestEstimateSigmaIgnoresEdges uses images of many small random
// rectangles: flat areas with many hard edges, where the diagonal detail
// of every block straddling an edge holds signal. The median over all
// non-overlapping blocks read 1.13× the true level on these images at
// σ = 0.1 (and failed this test); over the flat blocks the estimate must
// stay within 10% (it reads 1.04×).
func TestEstimateSigmaIgnoresEdges(t *testing.T) {
	rng := tensor.NewRNG(9)
	x := tensor.New(8, 1, 32, 32)
	for i := range 8 {
		img := x.Data[i*1024 : (i+1)*1024]
		for range 40 {
			r0, c0 := rng.Intn(30), rng.Intn(30)
			r1, c1 := r0+2+rng.Intn(6), c0+2+rng.Intn(6)
			v := float32(rng.Uniform()*2 - 1)
			for r := r0; r < min(r1, 32); r++ {
				for c := c0; c < min(c1, 32); c++ {
					img[r*32+c] = v
				}
			}
		}
	}
	for _, sigma := range []float64{0.1, 0.2} {
		got, err := EstimateSigmaPooled(addNoise(x, sigma, 5))
		if err != nil {
			t.Fatal(err)
		}
		if rel := got/sigma - 1; math.Abs(rel) > 0.1 {
			t.Errorf("σ=%g: pooled estimate %.4f (%+.1f%%), want within 10%%", sigma, got, 100*rel)
		}
		t.Logf("σ=%g: pooled estimate %.4f", sigma, got)
	}
}
