package pngout

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// CurveOptions styles a loss curve. The zero value gives a 640×400 plot
// titled "loss", linear y, no smoothing.
type CurveOptions struct {
	Title         string // plot title; "" means "loss"
	LogY          bool   // logarithmic y axis (every loss must be > 0)
	Width, Height int    // pixels; 0 means 640 and 400
	// Smooth, when > 1, overlays the moving average over that many steps
	// (the mean of the last Smooth losses, fewer at the start).
	Smooth int
}

// curveDPI is the canvas resolution: 96 dots per inch, so that a Width of
// 640 gives 640 pixels.
const curveDPI = 96

// LossCurve plots losses[i] against step i+1 (grey, with the moving
// average in blue when Smooth > 1). Every loss must be finite.
func LossCurve(losses []float64, opt CurveOptions) (img image.Image, err error) {
	if len(losses) == 0 {
		return nil, fmt.Errorf("pngout: loss curve: no losses")
	}
	for i, l := range losses {
		if math.IsNaN(l) || math.IsInf(l, 0) || (opt.LogY && l <= 0) {
			want := "a finite loss"
			if opt.LogY {
				want = "a positive finite loss (log scale)"
			}
			return nil, fmt.Errorf("pngout: loss curve: step %d: want %s, got %v", i+1, want, l)
		}
	}
	if opt.Width == 0 {
		opt.Width = 640
	}
	if opt.Height == 0 {
		opt.Height = 400
	}
	if opt.Width < 100 || opt.Height < 100 || opt.Width*opt.Height > 1<<24 {
		return nil, fmt.Errorf("pngout: loss curve: size %d×%d: want at least 100×100 and at most 16 Mpixels", opt.Width, opt.Height)
	}
	if opt.Title == "" {
		opt.Title = "loss"
	}

	p := plot.New()
	p.Title.Text = opt.Title
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss"
	if opt.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Add(plotter.NewGrid())
	raw, err := plotter.NewLine(points(losses))
	if err != nil {
		return nil, fmt.Errorf("pngout: loss curve: %w", err)
	}
	raw.Color = color.Gray{160}
	p.Add(raw)
	if opt.Smooth > 1 {
		avg, err := plotter.NewLine(points(movingAverage(losses, opt.Smooth)))
		if err != nil {
			return nil, fmt.Errorf("pngout: loss curve: %w", err)
		}
		avg.Color, avg.Width = color.RGBA{31, 119, 180, 255}, vg.Points(1.5)
		p.Add(avg)
	}

	inch := func(px int) vg.Length { return vg.Length(px) * vg.Inch / curveDPI }
	c := vgimg.NewWith(vgimg.UseWH(inch(opt.Width), inch(opt.Height)), vgimg.UseDPI(curveDPI))
	p.Draw(draw.New(c))
	return c.Image(), nil
}

func points(ys []float64) plotter.XYs {
	xy := make(plotter.XYs, len(ys))
	for i, y := range ys {
		xy[i].X, xy[i].Y = float64(i+1), y
	}
	return xy
}

// movingAverage returns the mean of the last k values at each step.
func movingAverage(ys []float64, k int) []float64 {
	out := make([]float64, len(ys))
	sum := 0.0
	for i, y := range ys {
		sum += y
		if i >= k {
			sum -= ys[i-k]
		}
		out[i] = sum / float64(min(i+1, k))
	}
	return out
}
