package restore

import (
	"fmt"
	"image"
	"image/color"
	_ "image/png" // LoadMaskPNG decodes PNG
	"math"
	"os"

	"github.com/diffusego/diffusego/tensor"
)

// Mask marks which pixels of an H×W image are known (true) and which are
// to be generated (false), row-major. It applies to every channel.
type Mask struct {
	H, W  int
	Known []bool // (H·W)
}

// NewMask returns an h×w mask with every pixel known.
func NewMask(h, w int) (*Mask, error) {
	if h < 1 || w < 1 {
		return nil, fmt.Errorf("restore: mask size %d×%d, want ≥ 1×1", h, w)
	}
	m := &Mask{H: h, W: w, Known: make([]bool, h*w)}
	for i := range m.Known {
		m.Known[i] = true
	}
	return m, nil
}

// KnownFraction returns the fraction of known pixels.
func (m *Mask) KnownFraction() float64 {
	k := 0
	for _, v := range m.Known {
		if v {
			k++
		}
	}
	return float64(k) / float64(len(m.Known))
}

// Tensor returns the mask as (n, c, H, W) with 1 where known and 0 elsewhere,
// for use as extra input channels.
func (m *Mask) Tensor(n, c int) *tensor.Tensor {
	t := tensor.New(n, c, m.H, m.W)
	for p := range n * c {
		for i, k := range m.Known {
			if k {
				t.Data[p*m.H*m.W+i] = 1
			}
		}
	}
	return t
}

// check reports an error unless x: (N, C, H, W) matches the mask's H×W.
func (m *Mask) check(op string, x *tensor.Tensor) error {
	if x == nil || x.Rank() != 4 {
		return fmt.Errorf("restore: %s: want images (N, C, H, W), got %s", op, shapeOf(x))
	}
	if x.Dim(2) != m.H || x.Dim(3) != m.W || len(m.Known) != m.H*m.W {
		return fmt.Errorf("restore: %s: mask is %d×%d (H×W) with %d pixels, images are %s",
			op, m.H, m.W, len(m.Known), tensor.FormatShape(x.Shape))
	}
	return nil
}

// CenterBox returns an h×w mask whose centred box of round(frac·h) ×
// round(frac·w) pixels is unknown; frac in (0, 1]. For 28×28 and frac 0.5
// the hole is rows and columns 7 … 20.
func CenterBox(h, w int, frac float64) (*Mask, error) {
	m, err := NewMask(h, w)
	if err != nil {
		return nil, err
	}
	if !(frac > 0 && frac <= 1) {
		return nil, fmt.Errorf("restore: centre box: fraction %g, want in (0, 1]", frac)
	}
	bh, bw := int(math.Round(frac*float64(h))), int(math.Round(frac*float64(w)))
	i0, j0 := (h-bh)/2, (w-bw)/2
	for i := i0; i < i0+bh; i++ {
		for j := j0; j < j0+bw; j++ {
			m.Known[i*w+j] = false
		}
	}
	return m, nil
}

// Half returns an h×w mask whose given half is unknown: side is "left",
// "right", "top" or "bottom". An odd size puts the extra middle line in
// the unknown half.
func Half(h, w int, side string) (*Mask, error) {
	m, err := NewMask(h, w)
	if err != nil {
		return nil, err
	}
	for i := range h {
		for j := range w {
			var hole bool
			switch side {
			case "left":
				hole = j < (w+1)/2
			case "right":
				hole = j >= w/2
			case "top":
				hole = i < (h+1)/2
			case "bottom":
				hole = i >= h/2
			default:
				return nil, fmt.Errorf("restore: half mask: side %q, want left, right, top or bottom", side)
			}
			m.Known[i*w+j] = !hole
		}
	}
	return m, nil
}

// Strokes returns an h×w mask with n random brush strokes unknown, in the
// manner of free-form masks (Yu et al. 2019): each stroke starts at a
// uniform point and takes 3 to 6 straight segments of random direction and
// length up to half the image, painted with a disc of the given width in
// pixels. The same rng state gives the same mask.
func Strokes(h, w, n int, width float64, rng *tensor.RNG) (*Mask, error) {
	m, err := NewMask(h, w)
	if err != nil {
		return nil, err
	}
	if n < 0 || !(width > 0) {
		return nil, fmt.Errorf("restore: strokes: %d strokes of width %g, want n ≥ 0 and width > 0", n, width)
	}
	r := width / 2
	paint := func(y, x float64) {
		for i := int(math.Floor(y - r)); i <= int(math.Ceil(y+r)); i++ {
			for j := int(math.Floor(x - r)); j <= int(math.Ceil(x+r)); j++ {
				if i >= 0 && i < h && j >= 0 && j < w && (float64(i)-y)*(float64(i)-y)+(float64(j)-x)*(float64(j)-x) <= r*r {
					m.Known[i*w+j] = false
				}
			}
		}
	}
	for range n {
		y, x := rng.Uniform()*float64(h-1), rng.Uniform()*float64(w-1)
		for range 3 + rng.Intn(4) {
			angle := 2 * math.Pi * rng.Uniform()
			length := rng.Uniform() * float64(max(h, w)) / 2
			ny := min(max(y+length*math.Sin(angle), 0), float64(h-1))
			nx := min(max(x+length*math.Cos(angle), 0), float64(w-1))
			steps := int(math.Ceil(math.Hypot(ny-y, nx-x))) + 1
			for s := 0; s <= steps; s++ {
				f := float64(s) / float64(steps)
				paint(y+f*(ny-y), x+f*(nx-x))
			}
			y, x = ny, nx
		}
	}
	return m, nil
}

// LoadMaskPNG reads a mask from an image file (PNG) that must be exactly
// h×w pixels: a pixel is known when its grey level is at least half
// (white = keep, black = fill, as in RePaint's masks).
func LoadMaskPNG(path string, h, w int) (*Mask, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("restore: mask: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("restore: mask %s: %w", path, err)
	}
	m, err := MaskFromImage(img, h, w)
	if err != nil {
		return nil, fmt.Errorf("restore: mask %s: %w", path, err)
	}
	return m, nil
}

// MaskFromImage reads a mask from a decoded image that must be exactly
// h×w pixels: a pixel is known when its grey level is at least half
// (white = keep, black = fill).
func MaskFromImage(img image.Image, h, w int) (*Mask, error) {
	b := img.Bounds()
	if b.Dy() != h || b.Dx() != w {
		return nil, fmt.Errorf("the mask is %d×%d pixels (W×H), the image is %d×%d", b.Dx(), b.Dy(), w, h)
	}
	m, _ := NewMask(h, w)
	for i := range h {
		for j := range w {
			g := color.Gray16Model.Convert(img.At(b.Min.X+j, b.Min.Y+i)).(color.Gray16)
			m.Known[i*w+j] = g.Y >= 0x8000
		}
	}
	return m, nil
}
