package classifier

import (
	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/tensor"
)

// Embed maps images (N, C, Size, Size) to their features (N, Hidden), the
// vectors the metrics package compares, evaluating in batches of 500
// without recording a graph. It panics with a *tensor.ShapeError when the
// images do not fit the network.
func (m *CNN) Embed(images *tensor.Tensor) *tensor.Tensor {
	n := images.Dim(0)
	per := images.Len() / max(n, 1)
	out := tensor.New(n, m.Config.Hidden)
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		shape := append([]int{hi - lo}, images.Shape[1:]...)
		x := tensor.FromData(images.Data[lo*per:hi*per], shape...)
		f := m.Features(autograd.NoGrad(), autograd.NewVar(x)).Value // (hi−lo, Hidden)
		copy(out.Data[lo*m.Config.Hidden:hi*m.Config.Hidden], f.Data)
	}
	return out
}
