package plot2d

import (
	"bytes"
	"image/png"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/diffusego/diffusego/tensor"
)

func TestGridWritesPNG(t *testing.T) {
	pts := tensor.NewRNG(1).Randn(200, 2)
	panels := []Panel{{"a", pts}, {"b", pts}, {"c", pts}}
	var buf bytes.Buffer
	if err := Grid(&buf, panels, 2, 2*vg.Inch, 3); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	// 2 columns × 2 rows of 2-inch cells at 96 dpi.
	if b := img.Bounds(); b.Dx() != 384 || b.Dy() != 384 {
		t.Errorf("image %d×%d, want 384×384", b.Dx(), b.Dy())
	}
	if err := Grid(&buf, []Panel{{"bad", tensor.New(3, 3)}}, 1, vg.Inch, 1); err == nil {
		t.Error("points (3, 3): no error")
	}
	if err := Grid(&buf, nil, 1, vg.Inch, 1); err == nil {
		t.Error("no panels: no error")
	}
}
