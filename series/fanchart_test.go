package series

import (
	"image"
	"image/color"
	"math"
	"path/filepath"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// countColour counts the pixels of img equal to c.
func countColour(img image.Image, c color.NRGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) == c {
				n++
			}
		}
	}
	return n
}

func fanOf(spread float64) Fan {
	rng := tensor.NewRNG(1)
	const n, s = 60, 50
	f := Fan{X: make([]float64, n), Truth: make([]float64, n), Known: make([]bool, n), Samples: make([][]float64, s)}
	for k := range f.Samples {
		f.Samples[k] = make([]float64, n)
	}
	for t := range n {
		f.X[t] = float64(t)
		f.Truth[t] = math.Sin(float64(t) / 6)
		f.Known[t] = t < 30
		for k := range s {
			f.Samples[k][t] = math.NaN() // conditioning rows: no band
			if t >= 30 {
				f.Samples[k][t] = f.Truth[t] + spread*rng.Normal()
			}
		}
	}
	return f
}

// TestFanChart draws a narrow and a wide fan on the same axes range: both
// bands appear, and the wide fan paints more of the 90% colour.
func TestFanChart(t *testing.T) {
	narrow, err := FanChart(fanOf(0.1), FanOptions{Title: "narrow", Width: 400, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	if b := narrow.Bounds(); b.Dx() != 400 || b.Dy() != 200 {
		t.Errorf("image %d×%d, want 400×200", b.Dx(), b.Dy())
	}
	wide, err := FanChart(fanOf(0.4), FanOptions{Title: "wide", Width: 400, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	n90, n50 := countColour(narrow, fanBand90), countColour(narrow, fanBand50)
	w90 := countColour(wide, fanBand90)
	if n90 == 0 || n50 == 0 {
		t.Errorf("narrow fan: %d pixels of the 90%% band, %d of the 50%% band; want both drawn", n90, n50)
	}
	if w90 <= n90 {
		t.Errorf("90%% band pixels: wide %d, narrow %d; want the wide fan larger", w90, n90)
	}
	path := filepath.Join(t.TempDir(), "fan.png")
	if err := pngout.WriteFile(path, wide, map[string]string{"what": "test"}); err != nil {
		t.Fatal(err)
	}
}

func TestFanChartErrors(t *testing.T) {
	f := fanOf(0.1)
	bad := f
	bad.Truth = bad.Truth[:3]
	if _, err := FanChart(bad, FanOptions{}); err == nil {
		t.Error("short truth: no error")
	}
	bad = f
	bad.Samples = nil
	if _, err := FanChart(bad, FanOptions{}); err == nil {
		t.Error("no samples: no error")
	}
	if _, err := FanChart(f, FanOptions{Width: 10, Height: 10}); err == nil {
		t.Error("10×10: no error")
	}
}
