package restore

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// madScale is Φ⁻¹(3/4): the median of |z| for z ~ N(0, 1).
const madScale = 0.6744897501960817

// EstimateSigma estimates the standard deviation of additive white Gaussian
// noise in each image of x: (N, C, H, W), by Donoho and Johnstone's (1994)
// robust rule σ̂ = median(|d|)/0.6745 over the finest diagonal Haar
// wavelet coefficients d = (a − b − c + e)/2 of the 2×2 blocks (a b; c e)
// of every channel. The orthonormal Haar transform keeps white noise at
// variance σ², and the diagonal band holds little signal, so the median
// ignores the few coefficients on edges. Images need H, W ≥ 2; an odd last
// row or column is skipped.
func EstimateSigma(x *tensor.Tensor) ([]float64, error) {
	if x == nil || x.Rank() != 4 || x.Dim(2) < 2 || x.Dim(3) < 2 {
		shape := "nil"
		if x != nil {
			shape = tensor.FormatShape(x.Shape)
		}
		return nil, fmt.Errorf("restore: estimate sigma: want images (N, C, H, W) with H, W ≥ 2, got %s", shape)
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	out := make([]float64, n)
	coef := make([]float64, 0, c*(h/2)*(w/2))
	for i := range n {
		coef = haarDiagonal(coef[:0], x.Data[i*c*h*w:(i+1)*c*h*w], c, h, w)
		out[i] = median(coef) / madScale
	}
	return out, nil
}

// EstimateSigmaPooled is EstimateSigma for a batch that shares one noise
// level: the median runs over the coefficients of all images at once. On
// small images this removes most of the per-image spread (the median of
// 196 coefficients of a 28×28 image has a relative standard error near
// 12%), though not the upward bias from textured content.
func EstimateSigmaPooled(x *tensor.Tensor) (float64, error) {
	if _, err := EstimateSigma(x); err != nil {
		return 0, err
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	coef := make([]float64, 0, n*c*(h/2)*(w/2))
	for i := range n {
		coef = haarDiagonal(coef, x.Data[i*c*h*w:(i+1)*c*h*w], c, h, w)
	}
	return median(coef) / madScale, nil
}

// haarDiagonal appends |(a − b − c + e)/2| for every 2×2 block of the c
// planes of img (c×h×w) to coef.
func haarDiagonal(coef []float64, img []float32, c, h, w int) []float64 {
	for ch := range c {
		p := img[ch*h*w : (ch+1)*h*w]
		for r := 0; r+1 < h; r += 2 {
			for q := 0; q+1 < w; q += 2 {
				a, b := float64(p[r*w+q]), float64(p[r*w+q+1])
				cc, e := float64(p[(r+1)*w+q]), float64(p[(r+1)*w+q+1])
				coef = append(coef, math.Abs(a-b-cc+e)/2)
			}
		}
	}
	return coef
}

// median sorts v and returns its median.
func median(v []float64) float64 {
	slices.Sort(v)
	m := len(v)
	if m%2 == 0 {
		return (v[m/2-1] + v[m/2]) / 2
	}
	return v[m/2]
}
