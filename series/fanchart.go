package series

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Fan is one column of a probabilistic imputation or forecast to draw.
type Fan struct {
	X       []float64   // (T) positions along the time axis, increasing (Steps, or 0 … T−1)
	Truth   []float64   // (T) true values; NaN where unknown
	Samples [][]float64 // (S, T) samples; a row t with NaN in any sample has no band (a conditioning row)
	Known   []bool      // (T) optional: rows whose truth the method saw, drawn as dots
}

// FanOptions style a fan chart. The zero value gives an 800×400 chart with
// no title or axis labels.
type FanOptions struct {
	Title, XLabel, YLabel string
	Width, Height         int // pixels at 96 dpi; 0 means 800 and 400
}

// Colours of the chart: the bands are shades of one blue so that the 50%
// band reads as the core of the 90% one.
var (
	fanBand90 = color.NRGBA{R: 198, G: 219, B: 239, A: 255}
	fanBand50 = color.NRGBA{R: 107, G: 174, B: 214, A: 255}
	fanMedian = color.NRGBA{R: 8, G: 81, B: 156, A: 255}
	fanTruth  = color.Black
)

// fanDPI is the canvas resolution, so that Width 800 gives 800 pixels;
// fanMinSize is the smallest side in pixels.
const (
	fanDPI     = 96.0
	fanMinSize = 100
)

// FanChart draws a fan chart: the 90% (light) and 50% (darker) central
// bands of the samples, their median (blue line) and the truth (black line),
// with known rows as black dots. Bands and median use the quantiles of
// Scores (linear interpolation, lower median). Each run of rows with
// samples gets its own band.
func FanChart(f Fan, opt FanOptions) (image.Image, error) {
	n := len(f.X)
	if n == 0 || len(f.Truth) != n || (f.Known != nil && len(f.Known) != n) {
		return nil, fmt.Errorf("series: fan chart: %d positions, %d truths, %d known flags: want the same positive count", n, len(f.Truth), len(f.Known))
	}
	if len(f.Samples) == 0 {
		return nil, fmt.Errorf("series: fan chart: no samples")
	}
	for k, s := range f.Samples {
		if len(s) != n {
			return nil, fmt.Errorf("series: fan chart: sample %d has %d values, want %d", k, len(s), n)
		}
	}
	if opt.Width == 0 {
		opt.Width = 800
	}
	if opt.Height == 0 {
		opt.Height = 400
	}
	if opt.Width < fanMinSize || opt.Height < fanMinSize || opt.Width*opt.Height > 1<<24 {
		return nil, fmt.Errorf("series: fan chart: size %d×%d: want at least 100×100 and at most 16 Mpixels", opt.Width, opt.Height)
	}
	// q[t] = 5%, 25%, median, 75%, 95%; ok[t] when every sample has row t.
	q := make([][5]float64, n)
	ok := make([]bool, n)
	buf := make([]float64, len(f.Samples))
	for t := range n {
		ok[t] = true
		for k, s := range f.Samples {
			if math.IsNaN(s[t]) || math.IsInf(s[t], 0) {
				ok[t] = false
				break
			}
			buf[k] = s[t]
		}
		if !ok[t] {
			continue
		}
		slices.Sort(buf)
		q[t] = [5]float64{quantile(buf, 0.05), quantile(buf, 0.25), buf[(len(buf)-1)/2], quantile(buf, 0.75), quantile(buf, 0.95)}
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = opt.Title, opt.XLabel, opt.YLabel
	p.Add(plotter.NewGrid())
	for lo := 0; lo < n; {
		if !ok[lo] {
			lo++
			continue
		}
		hi := lo
		for hi < n && ok[hi] {
			hi++
		}
		for _, band := range []struct {
			a, b int
			c    color.Color
		}{{0, 4, fanBand90}, {1, 3, fanBand50}} {
			ring := make(plotter.XYs, 0, 2*(hi-lo))
			for t := lo; t < hi; t++ {
				ring = append(ring, plotter.XY{X: f.X[t], Y: q[t][band.b]})
			}
			for t := hi - 1; t >= lo; t-- {
				ring = append(ring, plotter.XY{X: f.X[t], Y: q[t][band.a]})
			}
			if hi-lo == 1 { // a single row: a thin vertical bar
				ring = append(ring, plotter.XY{X: f.X[lo], Y: q[lo][band.b]})
			}
			poly, err := plotter.NewPolygon(ring)
			if err != nil {
				return nil, fmt.Errorf("series: fan chart: %w", err)
			}
			poly.Color, poly.LineStyle.Width = band.c, 0
			p.Add(poly)
		}
		med := make(plotter.XYs, 0, hi-lo)
		for t := lo; t < hi; t++ {
			med = append(med, plotter.XY{X: f.X[t], Y: q[t][2]})
		}
		line, err := plotter.NewLine(med)
		if err != nil {
			return nil, fmt.Errorf("series: fan chart: %w", err)
		}
		line.Color, line.Width = fanMedian, vg.Points(1.5)
		p.Add(line)
		lo = hi
	}
	var truth plotter.XYs
	flush := func() error {
		if len(truth) > 1 {
			l, err := plotter.NewLine(truth)
			if err != nil {
				return err
			}
			l.Color, l.Width = fanTruth, vg.Points(1)
			p.Add(l)
		}
		truth = nil
		return nil
	}
	var known plotter.XYs
	for t := range n {
		if math.IsNaN(f.Truth[t]) || math.IsInf(f.Truth[t], 0) {
			if err := flush(); err != nil {
				return nil, fmt.Errorf("series: fan chart: %w", err)
			}
			continue
		}
		truth = append(truth, plotter.XY{X: f.X[t], Y: f.Truth[t]})
		if f.Known != nil && f.Known[t] {
			known = append(known, plotter.XY{X: f.X[t], Y: f.Truth[t]})
		}
	}
	if err := flush(); err != nil {
		return nil, fmt.Errorf("series: fan chart: %w", err)
	}
	if len(known) > 0 {
		s, err := plotter.NewScatter(known)
		if err != nil {
			return nil, fmt.Errorf("series: fan chart: %w", err)
		}
		s.GlyphStyle.Shape, s.GlyphStyle.Radius, s.GlyphStyle.Color = draw.CircleGlyph{}, vg.Points(1.6), fanTruth
		p.Add(s)
	}
	inch := func(px int) vg.Length { return vg.Length(float64(px) / fanDPI * float64(vg.Inch)) }
	c := vgimg.NewWith(vgimg.UseWH(inch(opt.Width), inch(opt.Height)), vgimg.UseDPI(int(fanDPI)))
	p.Draw(draw.New(c))
	return c.Image(), nil
}
