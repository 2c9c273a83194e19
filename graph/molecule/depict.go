package molecule

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// atomColours follows the usual CPK-like colours of 2-D structure drawings;
// carbon is drawn as a bare vertex.
var atomColours = map[string]color.RGBA{
	"N": {48, 80, 248, 255}, "O": {220, 20, 20, 255}, "S": {190, 160, 0, 255},
	"F": {40, 160, 40, 255}, "Cl": {30, 150, 30, 255}, "Br": {150, 40, 20, 255},
	"I": {120, 0, 160, 255}, "P": {230, 120, 0, 255}, "B": {220, 110, 130, 255},
	"C": {0, 0, 0, 255},
}

// Depict draws m as a size×size RGBA image: a white background, bonds as
// black lines (double and triple bonds as two and three parallel lines, the
// second line of a ring double bond shorter and inside the ring), and
// every atom other than a neutral carbon as its label (element, hydrogens,
// charge: "OH", "NH2", "N+") in its colour on a white disc. Coordinates come
// from Layout, scaled to fit with a margin.
func Depict(m *Molecule, size int) (*image.RGBA, error) {
	if size < 32 {
		return nil, fmt.Errorf("molecule: depiction size %d, want at least 32 pixels", size)
	}
	if !m.wellFormed() {
		return nil, fmt.Errorf("molecule: a bond joins an atom to itself or to no atom")
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	if len(m.Atoms) == 0 {
		return img, nil
	}
	pos := Layout(m)
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range pos {
		minX, maxX, minY, maxY = min(minX, p.X), max(maxX, p.X), min(minY, p.Y), max(maxY, p.Y)
	}
	margin := 14.0
	span := max(maxX-minX, maxY-minY, 1)
	scale := min((float64(size)-2*margin)/span, float64(size)/4)
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	px := func(p Point) (float64, float64) {
		return float64(size)/2 + (p.X-cx)*scale, float64(size)/2 + (p.Y-cy)*scale
	}
	black := color.RGBA{0, 0, 0, 255}
	gap := max(2.5, scale*0.12)
	adj := m.adjacency()
	ring := ringBonds(len(m.Atoms), adj, len(m.Bonds))
	for k, b := range m.Bonds {
		x0, y0 := px(pos[b.A])
		x1, y1 := px(pos[b.B])
		l := math.Hypot(x1-x0, y1-y0)
		if l < 1e-9 {
			continue
		}
		nx, ny := -(y1-y0)/l, (x1-x0)/l // unit normal
		if b.Order == 2 && ring[k] {
			// A ring double bond: the bond line, and a shorter second line
			// on the side of the ring (where the other neighbours lie).
			side := 0.0
			for _, end := range []int{b.A, b.B} {
				for _, e := range adj[end] {
					if e.to != b.A && e.to != b.B {
						qx, qy := px(pos[e.to])
						side += (qx-x0)*nx + (qy-y0)*ny
					}
				}
			}
			o := gap * 1.2
			if side < 0 {
				o = -o
			}
			dx, dy := (x1-x0)*0.15, (y1-y0)*0.15
			line(img, x0, y0, x1, y1, black)
			line(img, x0+dx+nx*o, y0+dy+ny*o, x1-dx+nx*o, y1-dy+ny*o, black)
			continue
		}
		for k := range b.Order {
			o := (float64(k) - float64(b.Order-1)/2) * gap
			line(img, x0+nx*o, y0+ny*o, x1+nx*o, y1+ny*o, black)
		}
	}
	face := basicfont.Face7x13
	for i, a := range m.Atoms {
		if a.Element == "C" && a.Charge == 0 && a.Isotope == 0 {
			continue
		}
		label := atomLabel(a)
		x, y := px(pos[i])
		w := font.MeasureString(face, label).Ceil()
		disc(img, x, y, float64(max(w, 7))/2+2, color.RGBA{255, 255, 255, 255})
		d := font.Drawer{Dst: img, Src: image.NewUniform(atomColours[a.Element]), Face: face,
			Dot: fixed.P(int(math.Round(x))-w/2, int(math.Round(y))+4)}
		d.DrawString(label)
	}
	return img, nil
}

// atomLabel is the text drawn for a: isotope, element, hydrogens, charge.
func atomLabel(a Atom) string {
	s := a.Element
	if a.Isotope > 0 {
		s = strconv.Itoa(a.Isotope) + s
	}
	if a.Hs == 1 {
		s += "H"
	} else if a.Hs > 1 {
		s += "H" + strconv.Itoa(a.Hs)
	}
	switch {
	case a.Charge == 1:
		s += "+"
	case a.Charge == -1:
		s += "-"
	case a.Charge > 1:
		s += strconv.Itoa(a.Charge) + "+"
	case a.Charge < -1:
		s += strconv.Itoa(-a.Charge) + "-"
	}
	return s
}

// DepictGrid draws the molecules in a grid of cols columns of cell×cell
// images separated by 1-pixel grey lines; a nil molecule leaves its cell
// blank (a failed sample).
func DepictGrid(ms []*Molecule, cols, cell int) (*image.RGBA, error) {
	if cols < 1 || len(ms) == 0 {
		return nil, fmt.Errorf("molecule: grid of %d molecules in %d columns, want at least one of each", len(ms), cols)
	}
	rows := (len(ms) + cols - 1) / cols
	img := image.NewRGBA(image.Rect(0, 0, cols*(cell+1)+1, rows*(cell+1)+1))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{200, 200, 200, 255}), image.Point{}, draw.Src)
	for k, m := range ms {
		r := image.Rect(0, 0, cell, cell).Add(image.Pt(1+(k%cols)*(cell+1), 1+(k/cols)*(cell+1)))
		if m == nil {
			draw.Draw(img, r, image.White, image.Point{}, draw.Src)
			continue
		}
		one, err := Depict(m, cell)
		if err != nil {
			return nil, fmt.Errorf("molecule %d: %w", k, err)
		}
		draw.Draw(img, r, one, image.Point{}, draw.Src)
	}
	return img, nil
}

// line draws a 1.5-pixel line from (x0, y0) to (x1, y1) by stepping along it.
func line(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	steps := int(math.Ceil(math.Max(math.Abs(x1-x0), math.Abs(y1-y0)))*2) + 1
	for s := 0; s <= steps; s++ {
		t := float64(s) / float64(steps)
		x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
		for _, d := range [][2]float64{{0, 0}, {0.5, 0}, {0, 0.5}} {
			img.SetRGBA(int(math.Floor(x+d[0])), int(math.Floor(y+d[1])), c)
		}
	}
}

// disc fills a circle of radius r around (x, y).
func disc(img *image.RGBA, x, y, r float64, c color.RGBA) {
	for py := int(y - r); py <= int(y+r)+1; py++ {
		for qx := int(x - r); qx <= int(x+r)+1; qx++ {
			if math.Hypot(float64(qx)+0.5-x, float64(py)+0.5-y) <= r {
				img.SetRGBA(qx, py, c)
			}
		}
	}
}
