package network

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Curve is one series of a Plot: points, or a line when Line is set. NaN
// values are left out.
type Curve struct {
	Name  string
	Ys    []float64 // Ys[t] at x = t (steps) or day t+1 (days)
	Line  bool
	Color color.Color // nil: dark grey
}

// Plot draws curves against step or day (x = index when xlabel is "step",
// index+1 when it is "day") as a 640×400 image with a legend.
func Plot(title, xlabel, ylabel string, cs ...Curve) (image.Image, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	shift := 0.0
	if xlabel == "day" {
		shift = 1
	}
	for _, s := range cs {
		var xy plotter.XYs
		for t, v := range s.Ys {
			if !math.IsNaN(v) {
				xy = append(xy, plotter.XY{X: float64(t) + shift, Y: v})
			}
		}
		c := s.Color
		if c == nil {
			c = color.Gray{90}
		}
		if s.Line {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, fmt.Errorf("plot %s: %w", s.Name, err)
			}
			l.Color, l.Width = c, vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(s.Name, l)
		} else {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, fmt.Errorf("plot %s: %w", s.Name, err)
			}
			sc.Color, sc.Radius = c, vg.Points(2)
			p.Add(sc)
			p.Legend.Add(s.Name, sc)
		}
	}
	p.Legend.Top = true
	const dpi = 96
	c := vgimg.NewWith(vgimg.UseWH(640*vg.Inch/dpi, 400*vg.Inch/dpi), vgimg.UseDPI(dpi))
	p.Draw(draw.New(c))
	return c.Image(), nil
}

// FinalSize names what Summary.Mean counts for model m run for steps
// steps: "final size (ever infected)" for SIR, "infected after N steps"
// for SIS, "activated nodes" for the cascades.
func FinalSize(m Model, steps int) string {
	switch m.(type) {
	case SIR, *SIR:
		return "final size (ever infected)"
	case SIS, *SIS:
		return fmt.Sprintf("infected after %d steps", steps)
	}
	return "activated nodes"
}

// SpreadPlot draws the mean curve of a Monte-Carlo summary s of model m on
// the graph named graphName (`diffuse network simulate --plot`): infected
// nodes for SIR and SIS, nodes active so far for the cascades.
func SpreadPlot(s Summary, m Model, graphName string) (image.Image, error) {
	ylabel := "active nodes (mean)"
	if !strings.HasPrefix(FinalSize(m, 0), "activated") {
		ylabel = "infected nodes (mean)"
	}
	return Plot(fmt.Sprintf("%v on %s, %d runs", m, graphName, s.Runs), "step", ylabel, Curve{Name: "mean", Ys: s.MeanCurve, Line: true})
}
