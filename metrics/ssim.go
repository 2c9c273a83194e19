package metrics

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// SSIM constants of Wang, Bovik, Sheikh and Simoncelli, "Image quality
// assessment: from error visibility to structural similarity" (IEEE TIP
// 2004): an 11×11 Gaussian window of standard deviation 1.5 and the
// stabilisers C1 = (K1·L)², C2 = (K2·L)².
const (
	SSIMWindow = 11   // window side in pixels
	SSIMSigma  = 1.5  // window standard deviation in pixels
	SSIMK1     = 0.01 // luminance stabiliser factor
	SSIMK2     = 0.03 // contrast-structure stabiliser factor
)

// SSIM is the mean structural similarity of x against ref: the mean over
// images of SSIMPerImage. dataRange is L: 2 for images in [−1, 1].
func SSIM(x, ref *tensor.Tensor, dataRange float64) (float64, error) {
	per, err := SSIMPerImage(x, ref, dataRange)
	if err != nil {
		return 0, err
	}
	var s float64
	for _, v := range per {
		s += v
	}
	return s / float64(len(per)), nil
}

// SSIMPerImage returns the structural similarity of each image of x
// against the same image of ref, both (N, C, H, W); (C, H, W) and (H, W)
// are one image. Each channel's SSIM is the mean of the SSIM map
//
//	((2·μx·μy + C1)(2·σxy + C2)) / ((μx² + μy² + C1)(σx² + σy² + C2))
//
// over the positions where the 11×11 Gaussian window (σ = 1.5) fits inside
// the image, with local moments weighted by the window and normalised by
// its sum (population, not sample, covariance). An image's value is the
// mean over its channels. This matches Wang et al.'s reference code and
// skimage's structural_similarity(gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=L). Images must be at least
// 11×11.
func SSIMPerImage(x, ref *tensor.Tensor, dataRange float64) ([]float64, error) {
	if err := checkPair("SSIM", x, ref, dataRange); err != nil {
		return nil, err
	}
	var n, c, h, w int
	switch s := x.Shape; len(s) {
	case 2:
		n, c, h, w = 1, 1, s[0], s[1]
	case 3:
		n, c, h, w = 1, s[0], s[1], s[2]
	case 4:
		n, c, h, w = s[0], s[1], s[2], s[3]
	default:
		return nil, fmt.Errorf("metrics: SSIM: shape %s, want (N, C, H, W), (C, H, W) or (H, W)", tensor.FormatShape(s))
	}
	if h < SSIMWindow || w < SSIMWindow {
		return nil, fmt.Errorf("metrics: SSIM: images %d×%d, want at least %d×%d for the Gaussian window", h, w, SSIMWindow, SSIMWindow)
	}
	win := gaussianWindow(SSIMWindow, SSIMSigma)
	c1 := (SSIMK1 * dataRange) * (SSIMK1 * dataRange)
	c2 := (SSIMK2 * dataRange) * (SSIMK2 * dataRange)
	plane := make([]float64, n*c) // SSIM of each channel of each image
	parallel.For(n*c, 1, func(lo, hi int) {
		var buf ssimBuffers
		for p := lo; p < hi; p++ {
			off := p * h * w
			plane[p] = ssimPlane(x.Data[off:off+h*w], ref.Data[off:off+h*w], h, w, win, c1, c2, &buf)
		}
	})
	out := make([]float64, n)
	for i := range out {
		var s float64
		for _, v := range plane[i*c : (i+1)*c] {
			s += v
		}
		out[i] = s / float64(c)
	}
	return out, nil
}

// gaussianWindow is the normalised 1-D Gaussian of the given odd size and
// standard deviation, exp(−k²/2σ²) / Σ, for k = −size/2 … size/2 (scipy's
// gaussian_filter kernel with radius size/2, MATLAB's fspecial row).
func gaussianWindow(size int, sigma float64) []float64 {
	r := size / 2
	win := make([]float64, size)
	var sum float64
	for i := range win {
		k := float64(i - r)
		win[i] = math.Exp(-k * k / (2 * sigma * sigma))
		sum += win[i]
	}
	for i := range win {
		win[i] /= sum
	}
	return win
}

// ssimBuffers holds one worker's scratch space across planes.
type ssimBuffers struct {
	in      [5][]float64 // x, y, x², y², x·y as float64, (H, W)
	rows    [5][]float64 // after the horizontal pass, (H, W−10)
	moments [5][]float64 // after the vertical pass, (H−10, W−10)
}

// ssimPlane is the mean SSIM map of one h×w channel. The 2-D window is
// separable, so each local moment is a horizontal then a vertical pass of
// the 1-D window over the valid region.
func ssimPlane(x, y []float32, h, w int, win []float64, c1, c2 float64, b *ssimBuffers) float64 {
	k := len(win)
	ow, oh := w-k+1, h-k+1
	for i := range 5 {
		b.in[i] = grow(b.in[i], h*w)
		b.rows[i] = grow(b.rows[i], h*ow)
		b.moments[i] = grow(b.moments[i], oh*ow)
	}
	for i := range x {
		a, r := float64(x[i]), float64(y[i])
		b.in[0][i], b.in[1][i], b.in[2][i], b.in[3][i], b.in[4][i] = a, r, a*a, r*r, a*r
	}
	for m := range 5 {
		in, rows, out := b.in[m], b.rows[m], b.moments[m]
		for i := range h {
			for j := range ow {
				var s float64
				for t, wt := range win {
					s += wt * in[i*w+j+t]
				}
				rows[i*ow+j] = s
			}
		}
		for i := range oh {
			for j := range ow {
				var s float64
				for t, wt := range win {
					s += wt * rows[(i+t)*ow+j]
				}
				out[i*ow+j] = s
			}
		}
	}
	var sum float64
	for i := range oh * ow {
		mx, my := b.moments[0][i], b.moments[1][i]
		vx := b.moments[2][i] - mx*mx // σx²
		vy := b.moments[3][i] - my*my // σy²
		cxy := b.moments[4][i] - mx*my
		sum += ((2*mx*my + c1) * (2*cxy + c2)) / ((mx*mx + my*my + c1) * (vx + vy + c2))
	}
	return sum / float64(oh*ow)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
