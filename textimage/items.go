package textimage

import "fmt"

// Item names the noise stream of one image: that of image Index of a
// call with seed Seed (SampleOptions.Items).
type Item struct {
	Seed  uint64
	Index int
}

// checkItems refuses SampleOptions.Items that do not fit n prompts or
// whose sampler couples the images of a call.
func checkItems(opts SampleOptions, n int) error {
	if opts.Items == nil {
		return nil
	}
	if len(opts.Items) != n {
		return fmt.Errorf("textimage sample: items: %d streams for %d prompts", len(opts.Items), n)
	}
	if spec := SamplerSpec(opts.Sampler); !spec.ItemWise() {
		return fmt.Errorf("textimage sample: items: sampler %q (eta %g) couples the images of a call, so images of separate requests cannot share one; want an item-wise sampler (euler, heun, dpmpp2m, ddim with eta 0)", spec.Name, spec.Eta)
	}
	for i, it := range opts.Items {
		if it.Index < 0 {
			return fmt.Errorf("textimage sample: items[%d].index: want ≥ 0, got %d", i, it.Index)
		}
	}
	return nil
}
