package baseline

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// GaussianKernel returns the normalised 1-D Gaussian exp(−k²/2σ²) for
// k = −r … r with radius r = ⌈3σ⌉ (at least 1): 2r+1 taps summing to 1.
func GaussianKernel(sigma float64) []float64 {
	r := max(int(math.Ceil(3*sigma)), 1)
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}

// GaussianBlur convolves every plane of x: (N, C, H, W) with a Gaussian of
// standard deviation sigma pixels, separably (rows, then columns), with
// reflect padding. sigma must be positive.
func GaussianBlur(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	n, c, h, w, err := dims("GaussianBlur", x)
	if err != nil {
		return nil, err
	}
	if !(sigma > 0) {
		return nil, fmt.Errorf("baseline: GaussianBlur: sigma %g, want > 0", sigma)
	}
	k := GaussianKernel(sigma)
	r := len(k) / 2
	out := tensor.New(x.Shape...)
	parallel.For(n*c, 1, func(lo, hi int) {
		tmp := make([]float64, h*w)
		for p := lo; p < hi; p++ {
			src, dst := x.Data[p*h*w:(p+1)*h*w], out.Data[p*h*w:(p+1)*h*w]
			for i := range h { // along rows
				for j := range w {
					s := 0.0
					for t, kt := range k {
						s += kt * float64(src[i*w+reflect(j+t-r, w)])
					}
					tmp[i*w+j] = s
				}
			}
			for i := range h { // along columns
				for j := range w {
					s := 0.0
					for t, kt := range k {
						s += kt * tmp[reflect(i+t-r, h)*w+j]
					}
					dst[i*w+j] = float32(s)
				}
			}
		}
	})
	return out, nil
}
