package dsp

import (
	"image/color"
	"testing"
)

func TestSpectrogramGrid(t *testing.T) {
	loud := [][]float64{{1, 0}, {1, 0}, {1, 0}} // 3 frames, bin 0 loud, bin 1 silent
	img, err := SpectrogramGrid([]Labelled{{"a", loud}, {"b", loud}, {"c", loud}}, 2, 80)
	if err != nil {
		t.Fatal(err)
	}
	// Cells are max(3 frames, 7 px per label char) = 7 wide, 2 tall, with
	// the caption strip and 4 px padding: 2 columns, 2 rows.
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 2*(7+4)+4 || h != 2*(2+gridLabelHeight+4)+4 {
		t.Fatalf("grid is %d×%d, want %d×%d", w, h, 2*(7+4)+4, 2*(2+gridLabelHeight+4)+4)
	}
	y := 4 + gridLabelHeight
	if got := img.RGBAAt(4, y+1); got != (color.RGBA{252, 253, 191, 255}) { // bin 0 at the bottom, 0 dB
		t.Errorf("loud bin colour %v, want the top of the map", got)
	}
	if got := img.RGBAAt(4, y); got != (color.RGBA{0, 0, 4, 255}) { // bin 1 on top, silent
		t.Errorf("silent bin colour %v, want the bottom of the map", got)
	}
	if _, err := SpectrogramGrid(nil, 1, 80); err == nil {
		t.Error("empty grid succeeded")
	}
}
