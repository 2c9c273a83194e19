package main

import (
	"fmt"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// checkClasses refuses a data.classes list with an id outside [0, known)
// or a repeated id, naming the key; known is the number of classes of
// the source (10 for Fashion-MNIST, the sub-folders of a folder).
func checkClasses(classes []int, known int, source string) error {
	for i, c := range classes {
		if c < 0 || c >= known {
			return fmt.Errorf("config: data.classes[%d]: unknown class %d: %s has classes 0 … %d", i, c, source, known-1)
		}
		if slices.Contains(classes[:i], c) {
			return fmt.Errorf("config: data.classes[%d]: class %d is listed twice", i, c)
		}
	}
	return nil
}

// keepClasses returns the positions i with labels[i] in classes, in
// order; every position when classes is empty.
func keepClasses(labels []int, classes []int) []int {
	var keep []int
	for i, y := range labels {
		if len(classes) == 0 || slices.Contains(classes, y) {
			keep = append(keep, i)
		}
	}
	return keep
}

// takeRows returns rows idx of x: (N, …) and of its labels y.
func takeRows(x *tensor.Tensor, y []int, idx []int) (*tensor.Tensor, []int) {
	per := x.Len() / x.Dim(0)
	out := tensor.New(append([]int{len(idx)}, x.Shape[1:]...)...)
	labels := make([]int, len(idx))
	for k, i := range idx {
		copy(out.Data[k*per:(k+1)*per], x.Data[i*per:(i+1)*per])
		labels[k] = y[i]
	}
	return out, labels
}
