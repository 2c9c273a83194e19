package unet_test

import (
	"fmt"

	"github.com/diffusego/diffusego/autograd"
	"github.com/diffusego/diffusego/models/unet"
	"github.com/diffusego/diffusego/tensor"
)

func ExampleNew() {
	cfg, err := unet.Preset("tiny")
	if err != nil {
		panic(err)
	}
	cfg.Classes = 0 // unconditional
	m, err := unet.New(cfg, tensor.NewRNG(1))
	if err != nil {
		panic(err)
	}
	x := tensor.New(2, 1, 28, 28) // two 28×28 grey images
	eps := m.Forward(autograd.NoGrad(), autograd.NewVar(x), []float64{10, 900}, nil)
	fmt.Println(m)
	fmt.Println(tensor.FormatShape(eps.Shape()))
	// Output:
	// unet 28×28×1→1, 32·[1 2], 1 res, attn [], 1 heads, 0 classes, 651041 params
	// (2, 1, 28, 28)
}
