package graph

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// Layout names a way of placing nodes for a drawing.
type Layout int

const (
	// Spring places nodes by the force-directed method of Fruchterman and
	// Reingold (1991): edges pull, all pairs push, for 200 cooling steps
	// from random positions.
	Spring Layout = iota
	// Circle places node i at angle 2πi/n on a circle.
	Circle
)

// Positions returns node positions in the unit square [0, 1]² for layout;
// the spring layout starts from positions drawn from rng.
func Positions(g *Graph, layout Layout, rng *tensor.RNG) [][2]float64 {
	n := g.n
	pos := make([][2]float64, n)
	if n == 1 {
		pos[0] = [2]float64{0.5, 0.5}
		return pos
	}
	for i := range pos {
		a := 2 * math.Pi * float64(i) / float64(n)
		pos[i] = [2]float64{0.5 + 0.5*math.Cos(a), 0.5 + 0.5*math.Sin(a)}
	}
	if layout == Circle || n == 0 {
		return pos
	}
	for i := range pos {
		pos[i] = [2]float64{rng.Uniform(), rng.Uniform()}
	}
	k := math.Sqrt(1 / float64(n)) // ideal edge length in the unit square
	const steps = 200
	disp := make([][2]float64, n)
	for s := 0; s < steps; s++ {
		temp := 0.1 * (1 - float64(s)/steps)
		for i := range disp {
			disp[i] = [2]float64{}
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				dx, dy := pos[i][0]-pos[j][0], pos[i][1]-pos[j][1]
				d := math.Max(math.Hypot(dx, dy), 1e-4)
				f := k * k / d // repulsion
				if g.Has(i, j) {
					f -= d * d / k // attraction
				}
				fx, fy := dx/d*f, dy/d*f
				disp[i][0] += fx
				disp[i][1] += fy
				disp[j][0] -= fx
				disp[j][1] -= fy
			}
		}
		for i := range pos {
			d := math.Hypot(disp[i][0], disp[i][1])
			if d > 0 {
				step := math.Min(d, temp) / d
				pos[i][0] += disp[i][0] * step
				pos[i][1] += disp[i][1] * step
			}
		}
	}
	// Rescale to fill the unit square, keeping the aspect ratio.
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, p := range pos {
		for a := 0; a < 2; a++ {
			lo[a], hi[a] = math.Min(lo[a], p[a]), math.Max(hi[a], p[a])
		}
	}
	span := math.Max(math.Max(hi[0]-lo[0], hi[1]-lo[1]), 1e-9)
	for i := range pos {
		for a := 0; a < 2; a++ {
			pos[i][a] = (pos[i][a]-lo[a])/span + (1-(hi[a]-lo[a])/span)/2
		}
	}
	return pos
}

// Palette colours node types (type t gets Palette[t mod len]) and, from
// its second entry on, edge types above 1; edges of type 1 are grey. The
// colours are the ten of matplotlib's "tab10".
var Palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
	{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255},
}

// DrawOptions sets how Draw lays graphs out.
type DrawOptions struct {
	Cell   int    // side of each graph's square in pixels (default 200)
	Cols   int    // graphs per row (default ⌈√N⌉)
	Layout Layout // Spring (default) or Circle
	Seed   uint64 // seed of the spring layout's start
}

// Draw draws graphs side by side, cols per row, each in a square cell
// with a light frame: edges as lines (grey for type 1, coloured by
// Palette above), nodes as discs coloured by type. The same graphs and
// options give the same pixels.
func Draw(gs []*Graph, opt DrawOptions) (*image.RGBA, error) {
	if len(gs) == 0 {
		return nil, fmt.Errorf("graph: draw: no graphs")
	}
	cell := opt.Cell
	if cell == 0 {
		cell = 200
	}
	if cell < 20 || cell > 4096 {
		return nil, fmt.Errorf("graph: draw: cell of %d pixels: want 20 to 4096", cell)
	}
	cols := opt.Cols
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(len(gs)))))
	}
	cols = min(cols, len(gs))
	rows := (len(gs) + cols - 1) / cols
	img := image.NewRGBA(image.Rect(0, 0, cols*cell, rows*cell))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	frame := color.RGBA{220, 220, 220, 255}
	radius := math.Max(2, float64(cell)/40)
	for k, g := range gs {
		x0, y0 := (k%cols)*cell, (k/cols)*cell
		for t := 0; t < cell; t++ {
			img.SetRGBA(x0+t, y0, frame)
			img.SetRGBA(x0+t, y0+cell-1, frame)
			img.SetRGBA(x0, y0+t, frame)
			img.SetRGBA(x0+cell-1, y0+t, frame)
		}
		margin := 2 * radius
		pix := func(p [2]float64) (float64, float64) {
			return float64(x0) + margin + p[0]*(float64(cell)-2*margin), float64(y0) + margin + p[1]*(float64(cell)-2*margin)
		}
		pos := Positions(g, opt.Layout, tensor.NewRNG(opt.Seed).Split(uint64(k)))
		for _, e := range g.Edges() {
			c := color.RGBA{150, 150, 150, 255}
			if e.Type > 1 {
				c = Palette[(e.Type-1)%len(Palette)]
			}
			ax, ay := pix(pos[e.Source])
			bx, by := pix(pos[e.Target])
			line(img, ax, ay, bx, by, c)
		}
		for v, p := range pos {
			x, y := pix(p)
			disc(img, x, y, radius, Palette[g.NodeType(v)%len(Palette)])
		}
	}
	return img, nil
}

// line draws a one-pixel line from (ax, ay) to (bx, by).
func line(img *image.RGBA, ax, ay, bx, by float64, c color.RGBA) {
	steps := int(math.Ceil(math.Max(math.Abs(bx-ax), math.Abs(by-ay)))) + 1
	for s := 0; s <= steps; s++ {
		f := float64(s) / float64(steps)
		img.SetRGBA(int(math.Round(ax+f*(bx-ax))), int(math.Round(ay+f*(by-ay))), c)
	}
}

// disc draws a filled disc of radius r at (x, y) with a dark rim.
func disc(img *image.RGBA, x, y, r float64, c color.RGBA) {
	rim := color.RGBA{40, 40, 40, 255}
	for py := int(y - r - 1); py <= int(y+r+1); py++ {
		for px := int(x - r - 1); px <= int(x+r+1); px++ {
			d := math.Hypot(float64(px)-x, float64(py)-y)
			switch {
			case d <= r-1:
				img.SetRGBA(px, py, c)
			case d <= r:
				img.SetRGBA(px, py, rim)
			}
		}
	}
}
