package sampler

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// Item names the noise stream of one image: that of image Index of a run
// with seed Seed. A batch whose images each carry an Item draws every
// image exactly as its own run would (a server's batch of several
// requests), provided the sampler is item-wise (Spec.ItemWise).
type Item struct {
	Seed  uint64
	Index int
}

// CheckItems refuses items unless they give one stream to each of n
// images (what names them in the message, e.g. "images" or "prompts"),
// with indices ≥ 0, for an item-wise sampler: any other sampler couples
// the images of a call, so images of separate runs cannot share one. nil
// items are always accepted.
func CheckItems(items []Item, n int, what string, spec Spec) error {
	if items == nil {
		return nil
	}
	if len(items) != n {
		return fmt.Errorf("items: %d streams for %d %s", len(items), n, what)
	}
	if !spec.ItemWise() {
		return fmt.Errorf("items: sampler %q (eta %g) couples the images of a call, so images of separate runs cannot share one; want an item-wise sampler (euler, heun, dpmpp2m, ddim with eta 0)", spec.Name, spec.Eta)
	}
	for i, it := range items {
		if it.Index < 0 {
			return fmt.Errorf("items[%d].index: want ≥ 0, got %d", i, it.Index)
		}
	}
	return nil
}

// ItemNoise draws the initial noise of n images of the given shape
// (C, H, W), at σ = sigmaMax and the given temperature (InitialNoise),
// each from its own stream: image i from the stream of image first+i of
// seed, or of items[i] when items is not nil. So an image does not depend
// on the batch it was drawn in: images lo…hi−1 of one run equal a run of
// hi−lo images with first = lo.
func ItemNoise(seed uint64, first int, items []Item, sigmaMax, temperature float64, n int, shape ...int) *tensor.Tensor {
	x := tensor.New(append([]int{n}, shape...)...)
	per := x.Len() / n
	streams := tensor.NewRNG(seed).Split(0)
	for i := range n {
		stream := streams.Split(uint64(first + i))
		if items != nil {
			stream = tensor.NewRNG(items[i].Seed).Split(0).Split(uint64(items[i].Index))
		}
		xi := InitialNoise(stream, sigmaMax, temperature, append([]int{1}, shape...)...)
		copy(x.Data[i*per:(i+1)*per], xi.Data)
	}
	return x
}
