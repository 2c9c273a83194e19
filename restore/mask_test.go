package restore

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

func unknown(m *Mask) int {
	n := 0
	for _, k := range m.Known {
		if !k {
			n++
		}
	}
	return n
}

func TestCenterBox(t *testing.T) {
	m, err := CenterBox(28, 28, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if unknown(m) != 196 || m.Known[7*28+6] != true || m.Known[7*28+7] != false || m.Known[20*28+20] != false || m.Known[21*28+20] != true {
		t.Errorf("CenterBox(28, 28, 0.5): %d unknown, want the 14×14 box rows/cols 7…20", unknown(m))
	}
	if _, err := CenterBox(28, 28, 0); err == nil {
		t.Error("fraction 0: no error")
	}
}

func TestHalf(t *testing.T) {
	for _, c := range []struct {
		side       string
		i, j       int // a pixel that must be unknown
		ki, kj     int // one that must be known
		h, w, want int
	}{
		{"left", 3, 0, 3, 4, 5, 7, 20},
		{"right", 0, 6, 0, 2, 5, 7, 20},
		{"top", 2, 3, 3, 3, 5, 7, 21},
		{"bottom", 2, 3, 1, 3, 5, 7, 21},
	} {
		m, err := Half(c.h, c.w, c.side)
		if err != nil {
			t.Fatal(err)
		}
		if unknown(m) != c.want || m.Known[c.i*c.w+c.j] || !m.Known[c.ki*c.w+c.kj] {
			t.Errorf("Half(%d, %d, %q): %d unknown, want %d with (%d,%d) unknown and (%d,%d) known",
				c.h, c.w, c.side, unknown(m), c.want, c.i, c.j, c.ki, c.kj)
		}
	}
	if _, err := Half(4, 4, "middle"); err == nil || !strings.Contains(err.Error(), `"middle"`) {
		t.Errorf("side middle: err = %v", err)
	}
}

func TestStrokesSeeded(t *testing.T) {
	a, _ := Strokes(28, 28, 3, 3, tensor.NewRNG(7))
	b, _ := Strokes(28, 28, 3, 3, tensor.NewRNG(7))
	c, _ := Strokes(28, 28, 3, 3, tensor.NewRNG(8))
	same, diff := true, false
	for i := range a.Known {
		same = same && a.Known[i] == b.Known[i]
		diff = diff || a.Known[i] != c.Known[i]
	}
	if !same || !diff {
		t.Errorf("Strokes: same seed same mask %v, other seed differs %v; want both", same, diff)
	}
	if f := a.KnownFraction(); f <= 0.2 || f >= 0.98 {
		t.Errorf("3 strokes of width 3 leave %.2f known, want a visible but partial mask", f)
	}
}

func TestLoadMaskPNG(t *testing.T) {
	dir := t.TempDir()
	img := image.NewGray(image.Rect(0, 0, 6, 4)) // 6 wide, 4 high
	for y := range 4 {
		for x := range 6 {
			if x < 2 {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	path := filepath.Join(dir, "mask.png")
	f, _ := os.Create(path)
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	m, err := LoadMaskPNG(path, 4, 6)
	if err != nil {
		t.Fatal(err)
	}
	if unknown(m) != 16 || !m.Known[3*6+1] || m.Known[3*6+2] {
		t.Errorf("loaded mask: %d unknown, want the 4 right columns (16)", unknown(m))
	}
	_, err = LoadMaskPNG(path, 28, 28)
	if err == nil || !strings.Contains(err.Error(), "6×4") || !strings.Contains(err.Error(), "28×28") {
		t.Errorf("mask of another size: err = %v, want one naming 6×4 and 28×28", err)
	}
	if _, err := LoadMaskPNG(filepath.Join(dir, "none.png"), 4, 6); err == nil {
		t.Error("missing file: no error")
	}
}

func TestMaskTensor(t *testing.T) {
	m, _ := Half(2, 2, "right")
	x := m.Tensor(2, 3)
	if !tensor.SameShape(x.Shape, []int{2, 3, 2, 2}) || x.Data[0] != 1 || x.Data[1] != 0 || x.Data[4*5+2] != 1 {
		t.Errorf("Tensor(2, 3) = %v %v", x.Shape, x.Data)
	}
}
