package baseline

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// KeysA is the free parameter of the Keys (1981) cubic convolution kernel
// used by ResizeBicubic: −0.5, as in PIL and Matlab (OpenCV uses −0.75).
// With a = −0.5 the interpolant reproduces quadratics.
const KeysA = -0.5

// keys is the cubic convolution kernel of Keys (1981) with parameter a.
func keys(t, a float64) float64 {
	t = math.Abs(t)
	switch {
	case t <= 1:
		return ((a+2)*t-(a+3))*t*t + 1
	case t < 2:
		return ((a*t-5*a)*t+8*a)*t - 4*a
	}
	return 0
}

// taps holds, for each output index, the source indices and weights of a
// 1-D resampling.
type taps struct {
	idx [][]int
	wt  [][]float64
}

// resampleTaps maps out samples onto in samples with half-pixel centres,
// src = (dst + 0.5)·in/out − 0.5, the convention of OpenCV and PIL (and of
// PyTorch with align_corners=False). Source indices outside are clamped.
func resampleTaps(in, out int, method string) taps {
	var t taps
	scale := float64(in) / float64(out)
	for d := range out {
		src := (float64(d)+0.5)*scale - 0.5
		var idx []int
		var wt []float64
		switch method {
		case "nearest":
			idx, wt = []int{clampIndex(int(math.Floor((float64(d)+0.5)*scale)), in)}, []float64{1}
		case "bilinear":
			f := math.Floor(src)
			fr := src - f
			idx = []int{clampIndex(int(f), in), clampIndex(int(f)+1, in)}
			wt = []float64{1 - fr, fr}
		case "bicubic":
			f := math.Floor(src)
			fr := src - f
			for k := -1; k <= 2; k++ {
				idx = append(idx, clampIndex(int(f)+k, in))
				wt = append(wt, keys(float64(k)-fr, KeysA))
			}
		}
		t.idx = append(t.idx, idx)
		t.wt = append(t.wt, wt)
	}
	return t
}

// resize resamples every plane of x to oh×ow, columns first, then rows.
func resize(op, method string, x *tensor.Tensor, oh, ow int) (*tensor.Tensor, error) {
	n, c, h, w, err := dims(op, x)
	if err != nil {
		return nil, err
	}
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("baseline: %s: output size %d×%d, want ≥ 1×1", op, oh, ow)
	}
	tx, ty := resampleTaps(w, ow, method), resampleTaps(h, oh, method)
	out := tensor.New(n, c, oh, ow)
	parallel.For(n*c, 4, func(lo, hi int) {
		tmp := make([]float64, h*ow)
		for p := lo; p < hi; p++ {
			src, dst := x.Data[p*h*w:(p+1)*h*w], out.Data[p*oh*ow:(p+1)*oh*ow]
			for i := range h {
				for j := range ow {
					s := 0.0
					for k, ix := range tx.idx[j] {
						s += tx.wt[j][k] * float64(src[i*w+ix])
					}
					tmp[i*ow+j] = s
				}
			}
			for i := range oh {
				for j := range ow {
					s := 0.0
					for k, iy := range ty.idx[i] {
						s += ty.wt[i][k] * tmp[iy*ow+j]
					}
					dst[i*ow+j] = float32(s)
				}
			}
		}
	})
	return out, nil
}

// ResizeNearest resizes x: (N, C, H, W) to (N, C, oh, ow) by taking the
// source pixel whose cell contains each output pixel's centre.
func ResizeNearest(x *tensor.Tensor, oh, ow int) (*tensor.Tensor, error) {
	return resize("ResizeNearest", "nearest", x, oh, ow)
}

// ResizeBilinear resizes x: (N, C, H, W) to (N, C, oh, ow) by bilinear
// interpolation with half-pixel centres and edge pixels repeated (OpenCV
// INTER_LINEAR; no antialiasing when shrinking).
func ResizeBilinear(x *tensor.Tensor, oh, ow int) (*tensor.Tensor, error) {
	return resize("ResizeBilinear", "bilinear", x, oh, ow)
}

// ResizeBicubic resizes x: (N, C, H, W) to (N, C, oh, ow) by separable
// cubic convolution (Keys 1981, a = KeysA = −0.5) with half-pixel centres
// and edge pixels repeated: OpenCV's INTER_CUBIC conventions with PIL's
// kernel. Meant for enlarging; it does not antialias when shrinking.
// Values may overshoot [−1, 1] slightly near edges; they are not clipped.
func ResizeBicubic(x *tensor.Tensor, oh, ow int) (*tensor.Tensor, error) {
	return resize("ResizeBicubic", "bicubic", x, oh, ow)
}
