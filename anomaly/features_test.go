package anomaly

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/search"
	"github.com/diffusego/diffusego/tensor"
)

// Features' per-level error is the denoising loss at step t: the same
// number the sampler's denoiser gives at σ_t = √((1−ᾱ_t)/ᾱ_t), where
// x = x_0 + σ·ε and ε̂ = (x − x̂_0)/σ. The features of an image do not
// depend on its batch, and the same seed gives the same bits.
func TestFeaturesErrIsDenoisingLoss(t *testing.T) {
	p := tinyPipeline(t, 0)
	x := tensor.NewRNG(3).Rand(-1, 1, 5, 1, 8, 8)
	det := &Detector{Pipeline: p, Class: -1}
	opt := FeatureOptions{Steps: []int{10, 40, 80}, Seed: 9, Grid: 2, Batch: 2}
	f, err := det.Features(x, opt)
	if err != nil {
		t.Fatal(err)
	}
	per := 64
	root := tensor.NewRNG(opt.Seed)
	den := p.Denoiser(nil)
	for l, step := range opt.Steps {
		eps := root.Split(uint64(l)+1).Randn(1, 8, 8).Data
		ab := p.Schedule.AlphaBar(step)
		sigma := math.Sqrt((1 - ab) / ab)
		noisy := x.Clone()
		for j := range noisy.Data {
			noisy.Data[j] += float32(sigma) * eps[j%per]
		}
		x0, err := den.Denoise(noisy, sigma)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			want := 0.0
			for j := range per {
				e := float64(noisy.Data[i*per+j]-x0.Data[i*per+j])/sigma - float64(eps[j])
				want += e * e / float64(per)
			}
			if got := f.Err[i][l]; math.Abs(got-want) > 1e-3*want {
				t.Errorf("image %d, step %d: Err = %.6g, want %.6g", i, step, got, want)
			}
		}
	}
	// One image alone, and the whole batch in one call: the same bits.
	one, err := det.Features(tensor.FromData(x.Data[2*per:3*per], 1, 1, 8, 8), opt)
	if err != nil {
		t.Fatal(err)
	}
	d := f.Enc.Dim(1)
	if !slices.Equal(one.Enc.Data, f.Enc.Data[2*d:3*d]) || !slices.Equal(one.Err[0], f.Err[2]) || !slices.Equal(one.Recon[0], f.Recon[2]) {
		t.Error("image 2 alone got other features than in its batch")
	}
	opt.Batch = 0
	again, err := det.Features(x, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Enc.Data, f.Enc.Data) {
		t.Error("the same seed gave other features")
	}
	// Widths are the pooled activations' lengths, in search.Pool's order.
	enc := p.Net.Encode(autograd.NoGrad(), autograd.NewVar(x), make([]float64, 5), nil)
	var want []int
	for _, a := range search.Activations(enc, search.LayersAll) {
		want = append(want, a.Dim(1)*opt.Grid*opt.Grid)
	}
	sum := 0
	for _, w := range f.Widths {
		sum += w
	}
	if !slices.Equal(f.Widths, want) || sum*len(opt.Steps) != f.Enc.Dim(1) {
		t.Errorf("Widths %v (sum %d of %d levels), want %v summing to %d", f.Widths, sum, len(opt.Steps), want, f.Enc.Dim(1)/len(opt.Steps))
	}
	for i := range 5 {
		for l := range 3 {
			if r := f.Recon[i][l]; !(r >= 0 && r <= 4) {
				t.Errorf("Recon[%d][%d] = %v, want a squared distance of unit vectors in [0, 4]", i, l, r)
			}
		}
	}
}

// Features refuses images of another shape, a step outside the schedule
// and a grid coarser than the bottleneck allows.
func TestFeaturesBadInput(t *testing.T) {
	p := tinyPipeline(t, 0)
	det := &Detector{Pipeline: p, Class: -1}
	for _, c := range []struct {
		name string
		x    *tensor.Tensor
		opt  FeatureOptions
		want string
	}{
		{"three channels", tensor.New(2, 3, 8, 8), FeatureOptions{}, "want (N ≥ 1, 1, 8, 8)"},
		{"other size", tensor.New(2, 1, 9, 9), FeatureOptions{}, "want (N ≥ 1, 1, 8, 8)"},
		{"empty", tensor.New(0, 1, 8, 8), FeatureOptions{}, "want (N ≥ 1, 1, 8, 8)"},
		{"step", tensor.New(2, 1, 8, 8), FeatureOptions{Steps: []int{100}}, "step 100: want 0 … 99"},
		{"grid", tensor.New(2, 1, 8, 8), FeatureOptions{Steps: []int{5}, Grid: 5}, "grid 5: want 1 … 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := det.Features(c.x, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// A flat image takes fewer PNG bits than noise; both are positive.
func TestCompressedBits(t *testing.T) {
	x := tensor.New(2, 1, 16, 16)
	copy(x.Data[256:], tensor.NewRNG(1).Rand(-1, 1, 256).Data)
	b, err := CompressedBits(x)
	if err != nil {
		t.Fatal(err)
	}
	if !(b[0] > 0 && b[0] < b[1]) || b[1] < 6 {
		t.Errorf("bits/dim flat %.3f, noise %.3f: want 0 < flat < noise and noise near 8", b[0], b[1])
	}
	if _, err := CompressedBits(tensor.New(3, 8)); err == nil {
		t.Error("CompressedBits accepted a (3, 8) tensor")
	}
}
