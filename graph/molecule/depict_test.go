package molecule

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"os"
	"testing"
)

var writeDepiction = flag.String("depiction", "", "write a grid of the seed molecules to this PNG file")

// TestLayoutGeometry checks that bonds come out near one bond length and
// that no two atoms sit on top of each other.
func TestLayoutGeometry(t *testing.T) {
	for _, s := range []string{"CCCCCC", "c1ccccc1", "c1ccc2ccccc2c1", "CC(C)(C)C", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", "CCO.O"} {
		m := mustParse(t, s)
		pos := Layout(m)
		for _, b := range m.Bonds {
			l := math.Hypot(pos[b.A].X-pos[b.B].X, pos[b.A].Y-pos[b.B].Y)
			if l < 0.75 || l > 1.3 {
				t.Errorf("%s: bond %d–%d drawn %.2f long, want about 1", s, b.A, b.B, l)
			}
		}
		for i := range pos {
			for j := range i {
				if d := math.Hypot(pos[i].X-pos[j].X, pos[i].Y-pos[j].Y); d < 0.6 {
					t.Errorf("%s: atoms %d and %d drawn %.2f apart, want ≥ 0.6", s, i, j, d)
				}
			}
		}
		again := Layout(m)
		for i := range pos {
			if pos[i] != again[i] {
				t.Fatalf("%s: Layout differs between calls at atom %d", s, i)
			}
		}
	}
}

// darkRuns counts the separate dark stretches along the segment through the
// middle of bond b, perpendicular to it: one per drawn line.
func darkRuns(img *image.RGBA, pos []Point, b Bond, size int) int {
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range pos {
		minX, maxX, minY, maxY = min(minX, p.X), max(maxX, p.X), min(minY, p.Y), max(maxY, p.Y)
	}
	span := max(maxX-minX, maxY-minY, 1)
	scale := min((float64(size)-28)/span, float64(size)/4)
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	mx := float64(size)/2 + ((pos[b.A].X+pos[b.B].X)/2-cx)*scale
	my := float64(size)/2 + ((pos[b.A].Y+pos[b.B].Y)/2-cy)*scale
	dx, dy := pos[b.B].X-pos[b.A].X, pos[b.B].Y-pos[b.A].Y
	l := math.Hypot(dx, dy)
	nx, ny := -dy/l, dx/l
	runs, in := 0, false
	for o := -20.0; o <= 20; o += 0.25 {
		c := img.RGBAAt(int(math.Floor(mx+nx*o)), int(math.Floor(my+ny*o)))
		dark := c.R < 100 && c.G < 100 && c.B < 100
		if dark && !in {
			runs++
		}
		in = dark
	}
	return runs
}

func TestDepictBondLines(t *testing.T) {
	const size = 200
	for _, tc := range []struct {
		smiles string
		lines  int
	}{{"CC", 1}, {"C=C", 2}, {"C#C", 3}, {"C1=CC1", 2}} {
		m := mustParse(t, tc.smiles)
		img, err := Depict(m, size)
		if err != nil {
			t.Fatal(err)
		}
		if got := darkRuns(img, Layout(m), m.Bonds[0], size); got != tc.lines {
			t.Errorf("Depict(%s): %d lines across the bond, want %d", tc.smiles, got, tc.lines)
		}
	}
}

func TestDepictGrid(t *testing.T) {
	var ms []*Molecule
	for _, s := range seeds(t)[:16] {
		ms = append(ms, mustParse(t, s))
	}
	ms[3] = nil // a failed sample stays blank
	img, err := DepictGrid(ms, 4, 120)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 4*121+1 || b.Dy() != 4*121+1 {
		t.Errorf("grid bounds %v, want 485×485", b)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if *writeDepiction != "" {
		if err := os.WriteFile(*writeDepiction, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := DepictGrid(nil, 4, 120); err == nil {
		t.Error("DepictGrid(nil) succeeded, want an error")
	}
	if _, err := Depict(ms[0], 8); err == nil {
		t.Error("Depict at 8 pixels succeeded, want an error")
	}
}
