package pipeline

import (
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// CycleLabels returns the class of each of n images: class for all when it
// is ≥ 0, else i mod classes; nil for an unconditional model (classes 0).
func CycleLabels(n, class, classes int) []int {
	if classes == 0 {
		return nil
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % classes
		if class >= 0 {
			labels[i] = class
		}
	}
	return labels
}

// SampleLabels returns, for n images of class class (−1 cycles through the
// classes, as CycleLabels) of a model with classes classes sampled at
// classifier-free guidance w, the labels Generate conditions on (cond) and
// the classes the images are named by (named). At w = 0 the images come
// from the unconditional model alone (w = 0 in x0_u + w·(x0_c − x0_u)):
// every cond label is the null class, classes, and named is nil, since no
// class was asked for. Otherwise both are CycleLabels. Options.Guidance
// cannot say w = 0 itself: its zero value means plain conditional.
func SampleLabels(n, class, classes int, w float64) (cond, named []int) {
	if classes == 0 || w != 0 {
		named = CycleLabels(n, class, classes)
		return named, named
	}
	cond = make([]int, n)
	for i := range cond {
		cond[i] = classes
	}
	return cond, nil
}

// DisplayScale returns the first show images of x at noise level sigma on
// the variance-preserving scale x/√(1+σ²), where they are viewable.
func DisplayScale(x *tensor.Tensor, sigma float64, show int) *tensor.Tensor {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{show}, x.Shape[1:]...)...)
	scale := float32(1 / math.Sqrt(1+sigma*sigma))
	for i := range out.Data[:show*per] {
		out.Data[i] = x.Data[i] * scale
	}
	return out
}
