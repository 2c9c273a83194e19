package baseline

import (
	"fmt"
	"slices"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// Median replaces every pixel of x: (N, C, H, W) by the median of the
// size×size window around it (size odd: 3 or 5 in practice), with reflect
// padding, plane by plane.
func Median(x *tensor.Tensor, size int) (*tensor.Tensor, error) {
	n, c, h, w, err := dims("Median", x)
	if err != nil {
		return nil, err
	}
	if size < 1 || size%2 == 0 {
		return nil, fmt.Errorf("baseline: Median: window size %d, want an odd number ≥ 1", size)
	}
	r := size / 2
	out := tensor.New(x.Shape...)
	parallel.For(n*c, 1, func(lo, hi int) {
		win := make([]float32, size*size)
		for p := lo; p < hi; p++ {
			src, dst := x.Data[p*h*w:(p+1)*h*w], out.Data[p*h*w:(p+1)*h*w]
			for i := range h {
				for j := range w {
					m := 0
					for di := -r; di <= r; di++ {
						row := reflect(i+di, h) * w
						for dj := -r; dj <= r; dj++ {
							win[m] = src[row+reflect(j+dj, w)]
							m++
						}
					}
					slices.Sort(win)
					dst[i*w+j] = win[len(win)/2]
				}
			}
		}
	})
	return out, nil
}
