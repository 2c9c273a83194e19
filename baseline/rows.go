package baseline

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// rows views x: (N, …) as N rows of D = numel/N features.
func rows(op, name string, x *tensor.Tensor) (n, d int, err error) {
	if x == nil || x.Rank() < 1 || x.Len() == 0 {
		shape := "nil"
		if x != nil {
			shape = tensor.FormatShape(x.Shape)
		}
		return 0, 0, fmt.Errorf("baseline: %s: %s: want a non-empty batch (N, …), got %s", op, name, shape)
	}
	return x.Shape[0], x.Len() / x.Shape[0], nil
}
