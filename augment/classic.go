package augment

import (
	"github.com/diffusego/diffusego/tensor"
)

// FlipShift is classic image augmentation: each of k copies of every image
// is mirrored left-right with probability 1/2 and shifted by a whole number
// of pixels in [−maxShift, maxShift] along each axis (uncovered pixels take
// the background value −1), drawn from rng. The copies keep their labels.
func FlipShift(s *Images, k, maxShift int, rng *tensor.RNG) *Images {
	n := s.Len()
	c, h, w := s.X.Dim(1), s.X.Dim(2), s.X.Dim(3)
	per := c * h * w
	out := &Images{X: tensor.New(n*k, c, h, w), Labels: make([]int, 0, n*k), Classes: s.Classes}
	for copyIdx := range k {
		for i := range n {
			dst := out.X.Data[(copyIdx*n+i)*per : (copyIdx*n+i+1)*per]
			src := s.X.Data[i*per : (i+1)*per]
			flip := rng.Uniform() < 0.5
			dy := rng.Intn(2*maxShift+1) - maxShift
			dx := rng.Intn(2*maxShift+1) - maxShift
			shiftImage(dst, src, c, h, w, dy, dx, flip)
			out.Labels = append(out.Labels, s.Labels[i])
		}
	}
	return out
}

// shiftImage writes src (c, h, w), mirrored when flip, moved down by dy and
// right by dx, to dst; pixels shifted in from outside are −1.
func shiftImage(dst, src []float32, c, h, w, dy, dx int, flip bool) {
	for ch := range c {
		for y := range h {
			sy := y - dy
			for x := range w {
				sx := x - dx
				v := float32(-1)
				if sy >= 0 && sy < h && sx >= 0 && sx < w {
					if flip {
						sx = w - 1 - sx
					}
					v = src[(ch*h+sy)*w+sx]
				}
				dst[(ch*h+y)*w+x] = v
			}
		}
	}
}
