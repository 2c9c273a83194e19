package restore

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffusego/diffusego/tensor"
)

// madScale is Φ⁻¹(3/4): the median of |z| for z ~ N(0, 1).
const madScale = 0.6744897501960817

// EstimateSigma estimates the standard deviation of additive white Gaussian
// noise in each image of x: (N, C, H, W) with Donoho and Johnstone's (1994)
// robust rule σ̂ = median(|d|)/0.6745 over diagonal Haar coefficients
// d = (a − b − c + e)/2 of 2×2 blocks (a b; c e), restricted to flat
// blocks. Every block position is used (stride 1), and a block counts
// only when its horizontal and vertical Haar details, (a + b − c − e)/2
// and (a − b + c − e)/2, have a summed square no larger than the median
// over the image. Under white noise the three details of a block are
// independent N(0, σ²) variables, so choosing blocks by the other two
// leaves the diagonal one unbiased; on edges and texture they are large,
// so the blocks where the image itself would inflate |d| are left out.
// Images need H, W ≥ 2.
func EstimateSigma(x *tensor.Tensor) ([]float64, error) {
	if err := checkSigmaInput(x); err != nil {
		return nil, err
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	out := make([]float64, n)
	var b haarBlocks
	for i := range n {
		b.reset()
		b.add(x.Data[i*c*h*w:(i+1)*c*h*w], c, h, w)
		out[i] = b.estimate()
	}
	return out, nil
}

// EstimateSigmaPooled is EstimateSigma for a batch that shares one noise
// level: the flat blocks are chosen, and the median taken, over all images
// at once. On small images this removes most of the per-image spread of
// the median.
func EstimateSigmaPooled(x *tensor.Tensor) (float64, error) {
	if err := checkSigmaInput(x); err != nil {
		return 0, err
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	var b haarBlocks
	for i := range n {
		b.add(x.Data[i*c*h*w:(i+1)*c*h*w], c, h, w)
	}
	return b.estimate(), nil
}

func checkSigmaInput(x *tensor.Tensor) error {
	if x == nil || x.Rank() != 4 || x.Dim(2) < 2 || x.Dim(3) < 2 {
		shape := "nil"
		if x != nil {
			shape = tensor.FormatShape(x.Shape)
		}
		return fmt.Errorf("restore: estimate sigma: want images (N, C, H, W) with H, W ≥ 2, got %s", shape)
	}
	return nil
}

// haarBlocks collects, for 2×2 blocks, the diagonal Haar detail |d| and
// the energy of the horizontal and vertical details.
type haarBlocks struct {
	diag, energy []float64
}

func (b *haarBlocks) reset() { b.diag, b.energy = b.diag[:0], b.energy[:0] }

// add appends every 2×2 block of the c planes of img (c×h×w).
func (b *haarBlocks) add(img []float32, c, h, w int) {
	for ch := range c {
		p := img[ch*h*w : (ch+1)*h*w]
		for r := 0; r+1 < h; r++ {
			for q := 0; q+1 < w; q++ {
				a, bb := float64(p[r*w+q]), float64(p[r*w+q+1])
				cc, e := float64(p[(r+1)*w+q]), float64(p[(r+1)*w+q+1])
				horiz, vert := (a+bb-cc-e)/2, (a-bb+cc-e)/2
				b.diag = append(b.diag, math.Abs(a-bb-cc+e)/2)
				b.energy = append(b.energy, horiz*horiz+vert*vert)
			}
		}
	}
}

// estimate returns median(|d|)/0.6745 over the blocks whose energy is at
// most the median energy.
func (b *haarBlocks) estimate() float64 {
	limit := median(slices.Clone(b.energy))
	flat := make([]float64, 0, len(b.diag)/2+1)
	for i, e := range b.energy {
		if e <= limit {
			flat = append(flat, b.diag[i])
		}
	}
	return median(flat) / madScale
}

// median sorts v and returns its median.
func median(v []float64) float64 {
	slices.Sort(v)
	m := len(v)
	if m%2 == 0 {
		return (v[m/2-1] + v[m/2]) / 2
	}
	return v[m/2]
}
