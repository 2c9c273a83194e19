package pipeline

import (
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// constDenoiser predicts the same x0 everywhere.
type constDenoiser float32

func (c constDenoiser) Denoise(x *tensor.Tensor, _ float64) (*tensor.Tensor, error) {
	out := tensor.New(x.Shape...)
	for i := range out.Data {
		out.Data[i] = float32(c)
	}
	return out, nil
}

// A residual's clip bounds follow the condition, so that cond + x0 ends
// in [−1, 1]: a residual of ±5 on cond −0.5, 0, 0.8 becomes the bounds.
func TestResidualThresholdedKeepsImageInRange(t *testing.T) {
	cond := tensor.FromData([]float32{-0.5, 0, 0.8}, 1, 1, 1, 3)
	x := tensor.New(1, 1, 1, 3)
	for _, c := range []struct {
		pred float32
		want []float32
	}{
		{5, []float32{1.5, 1, 0.2}},
		{-5, []float32{-0.5, -1, -1.8}},
		{0.1, []float32{0.1, 0.1, 0.1}},
	} {
		got, err := residualThresholded{D: constDenoiser(c.pred), Cond: cond}.Denoise(x, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range c.want {
			if d := got.Data[i] - w; d > 1e-6 || d < -1e-6 {
				t.Errorf("prediction %v, cond %v: x0 = %v, want %v", c.pred, cond.Data[i], got.Data[i], w)
			}
		}
	}
}
