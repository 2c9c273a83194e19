package sampler

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// Thresholded wraps a Denoiser with static thresholding (Saharia et al.
// 2022, §2.3): the predicted x0 is clipped to [−1, 1], the range of image data.
type Thresholded struct {
	D Denoiser
}

// Denoise returns D's prediction clipped elementwise to [−1, 1].
func (t Thresholded) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	x0, err := t.D.Denoise(x, sigma)
	if err != nil {
		return nil, err
	}
	out := x0.Clone()
	for i, v := range out.Data {
		out.Data[i] = min(max(v, -1), 1)
	}
	return out, nil
}

// DynamicThresholded wraps a Denoiser with dynamic thresholding (Saharia et
// al. 2022, "Imagen", §2.3): for each batch item of the predicted x0, s is
// the P-th quantile of |x0| over the item's elements, raised to at least 1;
// the item is clipped to [−s, s] and divided by s. Items that already lie
// in [−1, 1] are left alone; saturated items are pulled inwards instead of
// being clipped flat, which keeps detail at high guidance weights.
type DynamicThresholded struct {
	D Denoiser
	P float64 // quantile level in (0, 1]; the zero value means 0.995, the paper's choice
}

// Denoise returns D's prediction for x: (N, …), dynamically thresholded per item.
func (t DynamicThresholded) Denoise(x *tensor.Tensor, sigma float64) (*tensor.Tensor, error) {
	x0, err := t.D.Denoise(x, sigma)
	if err != nil {
		return nil, err
	}
	p := t.P
	if p == 0 {
		p = 0.995
	}
	if !(p > 0 && p <= 1) {
		return nil, fmt.Errorf("dynamic threshold: P: want a quantile level in (0, 1], got %g", p)
	}
	out := x0.Clone()
	if out.Rank() == 0 || out.Len() == 0 {
		return out, nil
	}
	n := out.Dim(0)
	per := out.Len() / n
	abs := make([]float64, per)
	for i := range n {
		item := out.Data[i*per : (i+1)*per]
		s := max(1, AbsQuantile(item, p, abs))
		for j, v := range item {
			item[j] = float32(min(max(float64(v), -s), s) / s)
		}
	}
	return out, nil
}

// AbsQuantile returns the q-th quantile (q ∈ [0, 1]) of |v| with linear
// interpolation between order statistics, numpy.percentile's default: the
// sorted values a_0 ≤ … ≤ a_{n−1} are read at position q·(n−1). buf is
// scratch space of at least len(v) (allocated when shorter). It returns 0
// for empty v.
func AbsQuantile(v []float32, q float64, buf []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	if len(buf) < len(v) {
		buf = make([]float64, len(v))
	}
	a := buf[:len(v)]
	for i, x := range v {
		a[i] = math.Abs(float64(x))
	}
	slices.Sort(a)
	pos := q * float64(len(a)-1)
	lo := int(math.Floor(pos))
	if lo >= len(a)-1 {
		return a[len(a)-1]
	}
	f := pos - float64(lo)
	return a[lo] + f*(a[lo+1]-a[lo])
}
