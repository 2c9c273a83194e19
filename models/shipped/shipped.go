// Package shipped holds the trained models that come with diffuse, built
// into the binary so that `diffuse sample` works anywhere with no training.
// README.md in this folder says how each was trained.
package shipped

import _ "embed"

// FashionMNISTName is the file name of the shipped Fashion-MNIST model.
const FashionMNISTName = "fashion-mnist.safetensors"

//go:embed fashion-mnist.safetensors
var fashionMNIST []byte

// FashionMNIST returns the shipped class-conditional Fashion-MNIST model:
// a training checkpoint without optimiser state, readable by
// pipeline.LoadBytes. Callers must not modify the returned bytes.
func FashionMNIST() []byte { return fashionMNIST }
