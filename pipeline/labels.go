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
