package pngout

import (
	"fmt"
	"image"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// PadGrey is the grey level of the padding between grid cells (white).
const PadGrey = 255

// Grid lays out a batch x: (N, C, H, W) with values in [-1, 1] and C = 1
// (grey, *image.Gray) or C = 3 (RGB, *image.RGBA) as cols columns and
// ⌈N/cols⌉ rows, with pad pixels of white padding between and around the
// cells. cols ≤ 0 picks ⌈√N⌉. Values are clipped to [-1, 1] and mapped
// to bytes by round((v + 1)·127.5); NaN becomes 0 (black). Unused cells
// at the end stay white.
func Grid(x *tensor.Tensor, cols, pad int) (image.Image, error) {
	if x == nil || x.Rank() != 4 || (x.Dim(1) != 1 && x.Dim(1) != 3) || x.Dim(0) < 1 {
		shape := "nil"
		if x != nil {
			shape = tensor.FormatShape(x.Shape)
		}
		return nil, fmt.Errorf("pngout: grid: want a batch (N ≥ 1, C = 1 or 3, H, W), got %s", shape)
	}
	if pad < 0 {
		return nil, fmt.Errorf("pngout: grid: padding %d: want ≥ 0", pad)
	}
	n, c, h, w := x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3)
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	bounds := image.Rect(0, 0, cols*(w+pad)+pad, rows*(h+pad)+pad)
	if bounds.Dx()*bounds.Dy() > 1<<28 {
		return nil, fmt.Errorf("pngout: grid: %d×%d pixels is too large", bounds.Dx(), bounds.Dy())
	}
	var out image.Image
	var grey *image.Gray
	var rgb *image.RGBA
	if c == 1 {
		grey = image.NewGray(bounds)
		fillBytes(grey.Pix, PadGrey)
		out = grey
	} else {
		rgb = image.NewRGBA(bounds)
		fillBytes(rgb.Pix, PadGrey) // white and opaque
		out = rgb
	}
	plane := h * w
	for i := range n {
		x0, y0 := pad+(i%cols)*(w+pad), pad+(i/cols)*(h+pad)
		item := x.Data[i*c*plane : (i+1)*c*plane]
		for yy := range h {
			for xx := range w {
				o := yy*w + xx
				if grey != nil {
					grey.Pix[(y0+yy)*grey.Stride+x0+xx] = toByte(item[o])
					continue
				}
				p := rgb.Pix[(y0+yy)*rgb.Stride+4*(x0+xx):]
				p[0], p[1], p[2], p[3] = toByte(item[o]), toByte(item[plane+o]), toByte(item[2*plane+o]), 255
			}
		}
	}
	return out, nil
}

func fillBytes(b []uint8, v uint8) {
	for i := range b {
		b[i] = v
	}
}

// toByte maps v in [-1, 1] to 0..255.
func toByte(v float32) uint8 {
	if v != v { // NaN
		return 0
	}
	f := (math.Max(-1, math.Min(1, float64(v))) + 1) * 127.5
	return uint8(math.Round(f))
}

// Trajectory lays out a sampling trajectory: steps[j] is the batch (N, C,
// H, W) after step j, every step the same shape. Row i shows sample i and
// column j step j, with pad pixels of padding, as in Grid.
func Trajectory(steps []*tensor.Tensor, pad int) (image.Image, error) {
	if len(steps) == 0 || steps[0] == nil || steps[0].Rank() != 4 {
		return nil, fmt.Errorf("pngout: trajectory: want at least one step of shape (N, C, H, W)")
	}
	shape := steps[0].Shape
	per := steps[0].Len() / shape[0]
	all := tensor.New(shape[0]*len(steps), shape[1], shape[2], shape[3])
	for j, s := range steps {
		if s == nil || !tensor.SameShape(s.Shape, shape) {
			got := "nil"
			if s != nil {
				got = tensor.FormatShape(s.Shape)
			}
			return nil, fmt.Errorf("pngout: trajectory: step %d is %s, want %s like step 0", j, got, tensor.FormatShape(shape))
		}
		for i := range shape[0] { // sample i, step j → cell i·len(steps) + j
			cell := i*len(steps) + j
			copy(all.Data[cell*per:(cell+1)*per], s.Data[i*per:(i+1)*per])
		}
	}
	return Grid(all, len(steps), pad)
}
