// Package plot2d draws 2-D point sets as a grid of scatter plots in a PNG,
// with gonum.org/v1/plot. The docs use it to show samples of the 2-D
// benchmark next to the real data.
package plot2d

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/diffusego/diffusego/tensor"
)

// Panel is one scatter plot: Points: (N, 2), drawn under Title.
type Panel struct {
	Title  string
	Points *tensor.Tensor
}

// Grid writes the panels as a PNG grid of cols columns (rows as needed),
// each cell cell×cell points at 96 dpi, all panels on the same square axes
// [−lim, lim]² so that they compare at a glance. Points outside are
// clipped.
func Grid(w io.Writer, panels []Panel, cols int, cell vg.Length, lim float64) error {
	if len(panels) == 0 || cols < 1 {
		return fmt.Errorf("plot2d: want at least one panel and one column, got %d and %d", len(panels), cols)
	}
	rows := (len(panels) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for i, p := range panels {
		if p.Points.Rank() != 2 || p.Points.Dim(1) != 2 {
			return fmt.Errorf("plot2d: panel %q: want points (N, 2), got %s", p.Title, tensor.FormatShape(p.Points.Shape))
		}
		pl, err := scatter(p, lim)
		if err != nil {
			return fmt.Errorf("plot2d: panel %q: %w", p.Title, err)
		}
		plots[i/cols][i%cols] = pl
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(cols)*cell, vg.Length(rows)*cell), vgimg.UseDPI(96))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter, PadY: vg.Millimeter,
		PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := plot.Align(plots, tiles, dc)
	for r := range plots {
		for c, pl := range plots[r] {
			if pl != nil {
				pl.Draw(canvases[r][c])
			}
		}
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("plot2d: write png: %w", err)
	}
	return nil
}

// scatter makes one panel's plot: small translucent dots, no axis labels.
func scatter(p Panel, lim float64) (*plot.Plot, error) {
	n := p.Points.Dim(0)
	xys := make(plotter.XYs, 0, n)
	for i := range n {
		x, y := float64(p.Points.Data[2*i]), float64(p.Points.Data[2*i+1])
		if math.Abs(x) <= lim && math.Abs(y) <= lim {
			xys = append(xys, plotter.XY{X: x, Y: y})
		}
	}
	pl := plot.New()
	pl.Title.Text = p.Title
	pl.X.Min, pl.X.Max, pl.Y.Min, pl.Y.Max = -lim, lim, -lim, lim
	pl.HideAxes()
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle.Radius = vg.Points(0.9)
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	s.GlyphStyle.Color = color.NRGBA{R: 31, G: 90, B: 160, A: 160}
	pl.Add(s)
	return pl, nil
}
