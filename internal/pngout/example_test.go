package pngout_test

import (
	"bytes"
	"fmt"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

func ExampleEncode() {
	samples := tensor.Full(-1, 4, 1, 28, 28) // four black 28×28 images
	img, err := pngout.Grid(samples, 2, 2)
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	err = pngout.Encode(&buf, img, map[string]string{"sampler": "ddim", "steps": "50"})
	if err != nil {
		panic(err)
	}
	settings, err := pngout.ReadText(&buf)
	fmt.Println(img.Bounds().Dx(), img.Bounds().Dy(), settings, err)
	// Output: 62 62 map[sampler:ddim steps:50] <nil>
}
