package augment

import (
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/diffusego/diffusego/checkpoint"
)

// PlotAccuracy writes a PNG of test accuracy (mean with its 95% interval as
// error bars) against real images per class (log scale) for real data only,
// classic augmentation and diffusego's synthetic data.
func PlotAccuracy(path string, regs []ImageRegime) error {
	if len(regs) == 0 {
		return fmt.Errorf("augment: plot: no results")
	}
	p := plot.New()
	p.Title.Text = "Fashion-MNIST: downstream CNN test accuracy"
	p.X.Label.Text = "real images per class"
	p.Y.Label.Text = "test accuracy (mean, 95% interval)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = false
	p.Legend.Left = false
	series := []struct {
		name  string
		get   func(ImageRegime) []float64
		col   color.RGBA
		shape draw.GlyphDrawer
		nudge float64
	}{
		{"real only", func(r ImageRegime) []float64 { return r.Real }, color.RGBA{80, 80, 80, 255}, draw.CircleGlyph{}, 0.97},
		{"real + flips/shifts", func(r ImageRegime) []float64 { return r.Classic }, color.RGBA{30, 110, 200, 255}, draw.SquareGlyph{}, 1},
		{"real + diffusego synthetic", func(r ImageRegime) []float64 { return r.Synthetic }, color.RGBA{210, 70, 30, 255}, draw.TriangleGlyph{}, 1.03},
	}
	for _, s := range series {
		pts := make(plotter.XYs, len(regs))
		errs := make(plotter.YErrors, len(regs))
		for i, r := range regs {
			ci := MeanCI(s.get(r))
			pts[i].X, pts[i].Y = float64(r.PerClass)*s.nudge, ci.Mean
			errs[i].Low, errs[i].High = ci.Mean-ci.Lo, ci.Hi-ci.Mean
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color, points.Color, points.Shape = s.col, s.col, s.shape
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{pts, errs})
		if err != nil {
			return err
		}
		bars.Color = s.col
		p.Add(line, points, bars)
		p.Legend.Add(s.name, line, points)
	}
	p.Add(plotter.NewGrid())
	lo, hi := regs[0].PerClass, regs[0].PerClass
	for _, r := range regs {
		lo, hi = min(lo, r.PerClass), max(hi, r.PerClass)
	}
	p.X.Min, p.X.Max = 0.8*float64(lo), 1.25*float64(hi) // room for the error bars at the ends
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(7*vg.Inch, 4.5*vg.Inch), vgimg.UseDPI(96))}
	p.Draw(draw.New(c))
	return checkpoint.WriteAtomic(path, func(w io.Writer) error {
		_, err := c.WriteTo(w)
		return err
	})
}
