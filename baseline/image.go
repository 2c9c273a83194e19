package baseline

import (
	"fmt"

	"github.com/diffusego/diffusego/tensor"
)

// dims returns the sizes of x: (N, C, H, W), or an error naming op and the
// shape when x is not a non-empty image batch.
func dims(op string, x *tensor.Tensor) (n, c, h, w int, err error) {
	if x == nil || x.Rank() != 4 || x.Len() == 0 {
		shape := "nil"
		if x != nil {
			shape = tensor.FormatShape(x.Shape)
		}
		return 0, 0, 0, 0, fmt.Errorf("baseline: %s: want images (N, C, H, W), got %s", op, shape)
	}
	return x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], nil
}

// checkMask reports an error unless known has one entry per pixel of an
// h×w image.
func checkMask(op string, known []bool, h, w int) error {
	if len(known) != h*w {
		return fmt.Errorf("baseline: %s: mask has %d pixels, want %d×%d = %d", op, len(known), h, w, h*w)
	}
	return nil
}

// reflect maps i into [0, n) by reflection without repeating the edge
// (numpy "reflect"); it handles i arbitrarily far outside.
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// clampIndex maps i into [0, n) by repeating the edge pixel.
func clampIndex(i, n int) int { return min(max(i, 0), n-1) }
