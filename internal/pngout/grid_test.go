package pngout_test

import (
	"bytes"
	"image"
	"math"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/internal/pngout"
	"github.com/diffusego/diffusego/tensor"
)

// TestGridLayout: 5 grey 2×3 images in 3 columns with padding 1 make a
// 3·(3+1)+1 by 2·(2+1)+1 image; cell pixels map −1 → 0, 1 → 255, 0 → 128,
// and padding and the unused sixth cell are white.
func TestGridLayout(t *testing.T) {
	x := tensor.New(5, 1, 2, 3)
	for i := range 5 {
		for j := range 6 {
			x.Data[i*6+j] = float32(i)/2 - 1 // image i is flat at i/2 − 1
		}
	}
	x.Data[0] = float32(math.NaN())
	x.Data[1] = 7 // clipped to 1
	img, err := pngout.Grid(x, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok || g.Bounds() != image.Rect(0, 0, 13, 7) {
		t.Fatalf("grid %T %v, want *image.Gray 13×7", img, img.Bounds())
	}
	for _, c := range []struct {
		x, y int
		want uint8
	}{
		{0, 0, 255},            // padding
		{1, 1, 0}, {2, 1, 255}, // NaN → black, 7 → white
		{3, 2, 0},               // image 0: −1
		{5, 1, 64}, {9, 1, 128}, // images 1, 2: −0.5, 0
		{1, 4, 191}, {5, 5, 255}, // images 3, 4: 0.5, 1
		{9, 4, 255}, {4, 1, 255}, // unused cell, padding between cells
	} {
		if got := g.GrayAt(c.x, c.y).Y; got != c.want {
			t.Errorf("pixel (%d, %d) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
}

func TestGridRGB(t *testing.T) {
	x := tensor.New(1, 3, 1, 1)
	x.Data[0], x.Data[1], x.Data[2] = 1, -1, 0
	img, err := pngout.Grid(x, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, a := img.At(0, 0).RGBA()
	if r>>8 != 255 || g>>8 != 0 || b>>8 != 128 || a>>8 != 255 {
		t.Errorf("pixel = (%d, %d, %d, %d), want (255, 0, 128, 255)", r>>8, g>>8, b>>8, a>>8)
	}
}

func TestGridBad(t *testing.T) {
	for _, c := range []struct {
		name string
		x    *tensor.Tensor
		pad  int
		want string
	}{
		{"rank", tensor.New(2, 28, 28), 0, "want a batch"},
		{"channels", tensor.New(2, 2, 4, 4), 0, "got (2, 2, 4, 4)"},
		{"nil", nil, 0, "got nil"},
		{"pad", tensor.New(1, 1, 2, 2), -1, "padding -1"},
	} {
		if _, err := pngout.Grid(c.x, 0, c.pad); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// TestTrajectory: row i is sample i, column j is step j.
func TestTrajectory(t *testing.T) {
	var steps []*tensor.Tensor
	for j := range 4 {
		s := tensor.New(2, 1, 1, 1)
		s.Data[0], s.Data[1] = float32(j)/4-1, 1-float32(j)/4 // sample 0 brightens, sample 1 darkens
		steps = append(steps, s)
	}
	img, err := pngout.Trajectory(steps, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := img.(*image.Gray)
	if g.Bounds() != image.Rect(0, 0, 9, 5) {
		t.Fatalf("bounds %v, want 9×5 (4 steps × 2 samples)", g.Bounds())
	}
	for j := range 4 {
		if a, b := g.GrayAt(1+2*j, 1).Y, g.GrayAt(1+2*j, 3).Y; a != uint8(math.Round(float64(j)*127.5/4)) || b != 255-a {
			t.Errorf("step %d: samples %d, %d", j, a, b)
		}
	}
	if _, err := pngout.Trajectory([]*tensor.Tensor{steps[0], tensor.New(3, 1, 1, 1)}, 1); err == nil || !strings.Contains(err.Error(), "step 1") {
		t.Errorf("mismatched steps: error %v, want one naming step 1", err)
	}
}

// TestLossCurve: the plot has the asked size, is deterministic (same
// losses → same PNG bytes) and refuses losses it cannot draw.
func TestLossCurve(t *testing.T) {
	losses := make([]float64, 300)
	for i := range losses {
		losses[i] = 1/math.Sqrt(float64(i+1)) + 0.05*math.Sin(float64(i))
	}
	encode := func(opt pngout.CurveOptions) []byte {
		img, err := pngout.LossCurve(losses, opt)
		if err != nil {
			t.Fatal(err)
		}
		if opt.Width != 0 && img.Bounds().Dx() != opt.Width {
			t.Errorf("width %d, want %d", img.Bounds().Dx(), opt.Width)
		}
		var buf bytes.Buffer
		if err := pngout.Encode(&buf, img, map[string]string{"kind": "loss"}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	opt := pngout.CurveOptions{LogY: true, Smooth: 20, Width: 320, Height: 200}
	a, b := encode(opt), encode(opt)
	if !bytes.Equal(a, b) {
		t.Error("same losses, different PNG bytes")
	}
	if bytes.Equal(a, encode(pngout.CurveOptions{Width: 320, Height: 200})) {
		t.Error("log and linear plots are the same picture")
	}
	for _, c := range []struct {
		losses []float64
		opt    pngout.CurveOptions
		want   string
	}{
		{nil, pngout.CurveOptions{}, "no losses"},
		{[]float64{1, math.NaN()}, pngout.CurveOptions{}, "step 2"},
		{[]float64{1, 0}, pngout.CurveOptions{LogY: true}, "positive"},
		{[]float64{1}, pngout.CurveOptions{Width: 10}, "size 10×400"},
	} {
		if _, err := pngout.LossCurve(c.losses, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LossCurve(%v, %+v) error %v, want %q", c.losses, c.opt, err, c.want)
		}
	}
}
