package dsp

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Labelled is one cell of a spectrogram grid: a power spectrogram
// (frames, bins) or a mel spectrogram (frames, bands), and its caption.
type Labelled struct {
	Label string
	Power [][]float64
}

// gridLabelHeight is the caption strip above each cell (the 7×13 font).
const gridLabelHeight = 15

// SpectrogramGrid draws cells as cols columns of spectrogram images, time
// running right and frequency up, each under its label. Each cell is shown
// in decibels relative to its own maximum, 10·log₁₀(P/max P), clipped to
// [−rangeDB, 0] and coloured from black through purple and orange to pale
// yellow (a magma-like map). Cells may differ in size; each grid cell is as
// large as the largest. Write it with pngout.WriteFile to keep the settings.
func SpectrogramGrid(cells []Labelled, cols int, rangeDB float64) (*image.RGBA, error) {
	if len(cells) == 0 {
		return nil, fmt.Errorf("dsp: spectrogram grid: no spectrograms")
	}
	if rangeDB <= 0 {
		return nil, fmt.Errorf("dsp: spectrogram grid: range %g dB: want > 0", rangeDB)
	}
	w, h := 0, 0
	for i, c := range cells {
		if len(c.Power) == 0 || len(c.Power[0]) == 0 {
			return nil, fmt.Errorf("dsp: spectrogram grid: cell %d (%q) is empty", i, c.Label)
		}
		w, h = max(w, len(c.Power)), max(h, len(c.Power[0]))
	}
	w = max(w, 7*maxLabel(cells)) // room for the caption
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(len(cells)))))
	}
	cols = min(cols, len(cells))
	rows := (len(cells) + cols - 1) / cols
	const pad = 4
	cw, ch := w+pad, h+gridLabelHeight+pad
	if int64(cols*cw+pad)*int64(rows*ch+pad) > 1<<26 {
		return nil, fmt.Errorf("dsp: spectrogram grid: %d×%d pixels is too large", cols*cw+pad, rows*ch+pad)
	}
	img := image.NewRGBA(image.Rect(0, 0, cols*cw+pad, rows*ch+pad))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, c := range cells {
		x0, y0 := pad+(i%cols)*cw, pad+(i/cols)*ch
		d := font.Drawer{Dst: img, Src: image.Black, Face: basicfont.Face7x13,
			Dot: fixed.P(x0, y0+11)}
		d.DrawString(c.Label)
		top := 0.0
		for _, row := range c.Power {
			for _, v := range row {
				top = max(top, v)
			}
		}
		bins := len(c.Power[0])
		for t, row := range c.Power {
			for k := range bins {
				db := -rangeDB
				if k < len(row) && top > 0 && row[k] > 0 {
					db = max(-rangeDB, 10*math.Log10(row[k]/top))
				}
				img.Set(x0+t, y0+gridLabelHeight+bins-1-k, magma(1+db/rangeDB))
			}
		}
	}
	return img, nil
}

func maxLabel(cells []Labelled) int {
	n := 0
	for _, c := range cells {
		n = max(n, len([]rune(c.Label)))
	}
	return n
}

// magmaStops are five colours of a magma-like map, for u = 0, ¼, ½, ¾, 1.
var magmaStops = [5][3]float64{{0, 0, 4}, {81, 18, 124}, {183, 55, 121}, {252, 137, 97}, {252, 253, 191}}

// magma maps u ∈ [0, 1] to a colour by linear interpolation of magmaStops.
func magma(u float64) color.RGBA {
	u = max(0, min(1, u)) * 4
	i := min(3, int(u))
	f := u - float64(i)
	a, b := magmaStops[i], magmaStops[i+1]
	mix := func(j int) uint8 { return uint8(math.Round(a[j] + f*(b[j]-a[j]))) }
	return color.RGBA{mix(0), mix(1), mix(2), 255}
}
