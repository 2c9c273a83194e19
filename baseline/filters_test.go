package baseline

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// mse returns the mean squared difference of a and b.
func mse(a, b *tensor.Tensor) float64 {
	s := 0.0
	for i := range a.Data {
		d := float64(a.Data[i] - b.Data[i])
		s += d * d
	}
	return s / float64(len(a.Data))
}

// step returns (n, 1, h, w) images that are −0.5 left of the middle and 0.5 right.
func step(n, h, w int) *tensor.Tensor {
	x := tensor.New(n, 1, h, w)
	for i := range x.Data {
		if i%w >= w/2 {
			x.Data[i] = 0.5
		} else {
			x.Data[i] = -0.5
		}
	}
	return x
}

func noisy(x *tensor.Tensor, sigma float64, seed uint64) *tensor.Tensor {
	y := x.Clone()
	rng := tensor.NewRNG(seed)
	for i := range y.Data {
		y.Data[i] += float32(sigma * rng.Normal())
	}
	return y
}

func TestGaussianKernelSumsToOne(t *testing.T) {
	for _, s := range []float64{0.3, 1, 2.5} {
		k := GaussianKernel(s)
		sum := 0.0
		for _, v := range k {
			sum += v
		}
		if math.Abs(sum-1) > 1e-12 || len(k) != 2*max(int(math.Ceil(3*s)), 1)+1 {
			t.Errorf("GaussianKernel(%g): %d taps summing to %.15f, want 2⌈3σ⌉+1 taps summing to 1", s, len(k), sum)
		}
	}
}

func TestGaussianBlurOfConstantIsConstant(t *testing.T) {
	// sigma 4 on a 5×7 image: the 25-tap kernel reflects several times
	x := tensor.Full(0.3, 2, 3, 5, 7)
	y, err := GaussianBlur(x, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range y.Data {
		if math.Abs(float64(v)-0.3) > 1e-6 {
			t.Fatalf("GaussianBlur(const 0.3)[%d] = %v, want 0.3", i, v)
		}
	}
}

func TestGaussianBlurImpulse(t *testing.T) {
	// an impulse in the middle of a big image gives the outer product of the kernel
	x := tensor.New(1, 1, 15, 15)
	x.Data[7*15+7] = 1
	y, _ := GaussianBlur(x, 1)
	k := GaussianKernel(1)
	for _, c := range [][2]int{{7, 7}, {6, 8}, {4, 7}} {
		want := k[c[0]-7+3] * k[c[1]-7+3]
		if got := float64(y.Data[c[0]*15+c[1]]); math.Abs(got-want) > 1e-7 {
			t.Errorf("blurred impulse at %v = %.8f, want %.8f", c, got, want)
		}
	}
}

func TestGaussianBlurReducesNoise(t *testing.T) {
	x := tensor.Full(0, 1, 1, 32, 32)
	y := noisy(x, 0.2, 1)
	z, _ := GaussianBlur(y, 1)
	if before, after := mse(y, x), mse(z, x); after > before/4 {
		t.Errorf("blur(σ=1) MSE %.5f, noisy %.5f: want at least 4× smaller", after, before)
	}
}

func TestMedianRemovesSaltAndPepper(t *testing.T) {
	for _, size := range []int{3, 5} {
		x := tensor.Full(0.2, 1, 2, 16, 16)
		y := x.Clone()
		rng := tensor.NewRNG(3)
		for range 30 { // isolated-ish impulses: at most 30 of 512 pixels
			i := rng.Intn(len(y.Data))
			y.Data[i] = float32(2*rng.Intn(2) - 1)
		}
		z, err := Median(y, size)
		if err != nil {
			t.Fatal(err)
		}
		if e := mse(z, x); e > 1e-3 {
			t.Errorf("Median(%d) of salt-and-pepper on flat 0.2: MSE %.5f, want ≈ 0", size, e)
		}
	}
}

func TestMedianHandValues(t *testing.T) {
	x := tensor.FromData([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	z, _ := Median(x, 3)
	// centre: median of 1..9 = 5; corner (0,0) with reflect: rows 1,0,1 cols 1,0,1 → {5,4,5,2,1,2,5,4,5} → 4
	if z.Data[4] != 5 || z.Data[0] != 4 {
		t.Errorf("Median 3×3: centre %v corner %v, want 5 and 4", z.Data[4], z.Data[0])
	}
}

func TestNLMeansReducesMSEOnStep(t *testing.T) {
	x := step(1, 24, 24)
	y := noisy(x, 0.2, 2)
	z, err := NLMeans{Patch: 5, Search: 11, H: 0.15, Sigma: 0.2}.Apply(y)
	if err != nil {
		t.Fatal(err)
	}
	before, after := mse(y, x), mse(z, x)
	t.Logf("step image σ=0.2: noisy MSE %.5f, NLM MSE %.5f", before, after)
	if after > before/5 {
		t.Errorf("NLMeans MSE %.5f, noisy %.5f: want at least 5× smaller", after, before)
	}
	// the edge survives: NLM beats a blur of similar strength on the step
	b, _ := GaussianBlur(y, 1.5)
	if mb := mse(b, x); after >= mb {
		t.Errorf("NLMeans MSE %.5f ≥ blur MSE %.5f on a step edge", after, mb)
	}
}

func TestNLMeansOfConstantIsConstant(t *testing.T) {
	x := tensor.Full(-0.4, 1, 1, 9, 10)
	z, _ := NLMeans{Patch: 7, Search: 21, H: 0.1}.Apply(x)
	for i, v := range z.Data {
		if math.Abs(float64(v)+0.4) > 1e-6 {
			t.Fatalf("NLMeans(const)[%d] = %v, want -0.4", i, v)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	flat := tensor.New(4, 4)
	img := tensor.New(1, 1, 4, 4)
	cases := map[string]error{}
	_, cases["blur rank"] = GaussianBlur(flat, 1)
	_, cases["blur sigma"] = GaussianBlur(img, 0)
	_, cases["median even"] = Median(img, 4)
	_, cases["nlm even patch"] = NLMeans{Patch: 4, Search: 11, H: 1}.Apply(img)
	_, cases["nlm h"] = NLMeans{Patch: 3, Search: 11}.Apply(img)
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// nlmNaive is NLMeans written straight from the formula: every pixel, every
// offset, every patch element, with reflection at each access.
func nlmNaive(m NLMeans, src []float32, h, w int) []float64 {
	at := func(i, j int) float64 { return float64(src[reflect(i, h)*w+reflect(j, w)]) }
	pr, sr := m.Patch/2, m.Search/2
	out := make([]float64, h*w)
	for i := range h {
		for j := range w {
			num, den := 0.0, 0.0
			for dy := -sr; dy <= sr; dy++ {
				for dx := -sr; dx <= sr; dx++ {
					d2 := 0.0
					for a := -pr; a <= pr; a++ {
						for b := -pr; b <= pr; b++ {
							d := at(i+a, j+b) - at(i+dy+a, j+dx+b)
							d2 += d * d
						}
					}
					d2 /= float64((2*pr + 1) * (2*pr + 1))
					wt := math.Exp(-max(d2-2*m.Sigma*m.Sigma, 0) / (m.H * m.H))
					num += wt * at(i+dy, j+dx)
					den += wt
				}
			}
			out[i*w+j] = num / den
		}
	}
	return out
}

func TestNLMeansMatchesNaive(t *testing.T) {
	x := noisy(step(2, 9, 7), 0.3, 5) // odd sizes, search window wider than the image
	m := NLMeans{Patch: 3, Search: 11, H: 0.25, Sigma: 0.1}
	got, _ := m.Apply(x)
	for p := range 2 {
		want := nlmNaive(m, x.Data[p*63:(p+1)*63], 9, 7)
		for k, v := range want {
			if math.Abs(float64(got.Data[p*63+k])-v) > 1e-5 {
				t.Fatalf("plane %d pixel %d: fast %.6f, naive %.6f", p, k, got.Data[p*63+k], v)
			}
		}
	}
}
