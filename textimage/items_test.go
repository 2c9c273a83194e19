package textimage

import (
	"context"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/diffusion/sampler"
	"github.com/diffusego/diffusego/tensor"
)

// TestSampleItems: one call with Items draws, in both spaces, the images
// of two separate calls (other seeds, other prompts, mixed order) bit for
// bit, as a server's batch of requests needs; Items that do not fit, or
// with a sampler that couples a call's images, are refused. Time budget:
// well under a second (untrained tiny models, 3 steps).
func TestSampleItems(t *testing.T) {
	for _, latent := range []bool{false, true} {
		m := tiny(t, latent)
		ctx := context.Background()
		opts := SampleOptions{Guidance: 3, Negative: "car", Sampler: sampler.Spec{Name: "dpmpp2m", Steps: 3}, Threshold: true}
		a := opts
		a.Seed = 3
		xa, err := m.Sample(ctx, []string{"red apple", "cat face"}, a)
		if err != nil {
			t.Fatal(err)
		}
		b := opts
		b.Seed, b.First = 9, 4
		xb, err := m.Sample(ctx, []string{"blue car"}, b)
		if err != nil {
			t.Fatal(err)
		}
		both := opts
		both.Seed = 77 // not used with Items
		both.Items = []sampler.Item{{Seed: 3, Index: 1}, {Seed: 9, Index: 4}, {Seed: 3, Index: 0}}
		x, err := m.Sample(ctx, []string{"cat face", "blue car", "red apple"}, both)
		if err != nil {
			t.Fatal(err)
		}
		row := func(x *tensor.Tensor, i int) *tensor.Tensor {
			per := x.Len() / x.Dim(0)
			return tensor.FromData(x.Data[i*per:(i+1)*per], append([]int{1}, x.Shape[1:]...)...)
		}
		sameBits(t, "item 0 (seed 3, image 1)", row(x, 0), row(xa, 1))
		sameBits(t, "item 1 (seed 9, image 4)", row(x, 1), row(xb, 0))
		sameBits(t, "item 2 (seed 3, image 0)", row(x, 2), row(xa, 0))
	}

	m := tiny(t, false)
	for _, c := range []struct {
		name  string
		spec  sampler.Spec
		items []sampler.Item
		want  string
	}{
		{"too few items", sampler.Spec{Name: "euler", Steps: 2}, []sampler.Item{{Seed: 1, Index: 0}}, "1 streams for 2 prompts"},
		{"ancestral sampler", sampler.Spec{Name: "ddpm", Steps: 2}, []sampler.Item{{Seed: 1, Index: 0}, {Seed: 1, Index: 1}}, "couples the images"},
		{"ddim with eta", sampler.Spec{Name: "ddim", Steps: 2, Eta: 1}, []sampler.Item{{Seed: 1, Index: 0}, {Seed: 1, Index: 1}}, "couples the images"},
		{"negative index", sampler.Spec{Name: "euler", Steps: 2}, []sampler.Item{{Seed: 1, Index: 0}, {Seed: 1, Index: -1}}, "items[1].index"},
	} {
		_, err := m.Sample(context.Background(), []string{"red apple", "cat face"}, SampleOptions{Sampler: c.spec, Items: c.items})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", c.name, err, c.want)
		}
	}
}
