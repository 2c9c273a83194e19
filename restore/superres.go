package restore

import (
	"fmt"

	"github.com/diffusego/diffusego/baseline"
	"github.com/diffusego/diffusego/tensor"
)

// Downsample shrinks x: (N, C, H, W) by an integer factor with area
// averaging: each output pixel is the mean of a factor×factor block. H and
// W must be multiples of factor (28 → 14 for x2, 28 → 7 for x4).
func Downsample(x *tensor.Tensor, factor int) (*tensor.Tensor, error) {
	if x == nil || x.Rank() != 4 || factor < 1 || x.Dim(2)%factor != 0 || x.Dim(3)%factor != 0 {
		return nil, fmt.Errorf("restore: downsample: want images (N, C, H, W) with H, W multiples of factor %d, got %v", factor, shapeOf(x))
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := h/factor, w/factor
	out := tensor.New(n, c, oh, ow)
	inv := 1 / float64(factor*factor)
	for p := range n * c {
		src := x.Data[p*h*w : (p+1)*h*w]
		for i := range oh {
			for j := range ow {
				s := 0.0
				for a := range factor {
					for b := range factor {
						s += float64(src[(i*factor+a)*w+j*factor+b])
					}
				}
				out.Data[p*oh*ow+i*ow+j] = float32(s * inv)
			}
		}
	}
	return out, nil
}

// Upsample enlarges x: (N, C, H, W) by an integer factor with method
// "nearest", "bilinear" or "bicubic" (baseline.ResizeBicubic, Keys a = −0.5).
func Upsample(x *tensor.Tensor, factor int, method string) (*tensor.Tensor, error) {
	if x == nil || x.Rank() != 4 || factor < 1 {
		return nil, fmt.Errorf("restore: upsample: want images (N, C, H, W) and factor ≥ 1, got %v and %d", shapeOf(x), factor)
	}
	h, w := x.Dim(2)*factor, x.Dim(3)*factor
	switch method {
	case "nearest":
		return baseline.ResizeNearest(x, h, w)
	case "bilinear":
		return baseline.ResizeBilinear(x, h, w)
	case "bicubic":
		return baseline.ResizeBicubic(x, h, w)
	}
	return nil, fmt.Errorf("restore: upsample: method %q, want nearest, bilinear or bicubic", method)
}

// SuperResPair builds the training pair of a factor× super-resolution
// model from high-resolution images x: (N, C, H, W): low: (N, C, H/f, W/f)
// by area averaging, and cond: (N, C, H, W), low enlarged back with method,
// the condition to concatenate with the noisy target (ConcatChannels), as
// in SR3 (Saharia et al. 2021).
func SuperResPair(x *tensor.Tensor, factor int, method string) (low, cond *tensor.Tensor, err error) {
	low, err = Downsample(x, factor)
	if err != nil {
		return nil, nil, err
	}
	cond, err = Upsample(low, factor, method)
	if err != nil {
		return nil, nil, err
	}
	return low, cond, nil
}

// ConcatChannels joins images a: (N, C1, H, W) and b: (N, C2, H, W) along
// the channel axis into (N, C1+C2, H, W).
func ConcatChannels(a, b *tensor.Tensor) (*tensor.Tensor, error) {
	if a == nil || b == nil || a.Rank() != 4 || b.Rank() != 4 || a.Dim(0) != b.Dim(0) || a.Dim(2) != b.Dim(2) || a.Dim(3) != b.Dim(3) {
		return nil, fmt.Errorf("restore: concat channels: want (N, C1, H, W) and (N, C2, H, W), got %v and %v", shapeOf(a), shapeOf(b))
	}
	n, c1, c2, hw := a.Dim(0), a.Dim(1), b.Dim(1), a.Dim(2)*a.Dim(3)
	out := tensor.New(n, c1+c2, a.Dim(2), a.Dim(3))
	for i := range n {
		copy(out.Data[i*(c1+c2)*hw:], a.Data[i*c1*hw:(i+1)*c1*hw])
		copy(out.Data[(i*(c1+c2)+c1)*hw:], b.Data[i*c2*hw:(i+1)*c2*hw])
	}
	return out, nil
}

// shapeOf formats x's shape for errors, "nil" for a nil tensor.
func shapeOf(x *tensor.Tensor) string {
	if x == nil {
		return "nil"
	}
	return tensor.FormatShape(x.Shape)
}
