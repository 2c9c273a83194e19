package data

import (
	"math"
	"testing"

	"github.com/diffusego/diffusego/tensor"
)

// moments returns the per-axis mean and standard deviation of x: (N, 2).
func moments(x *tensor.Tensor) (mean, std [2]float64) {
	n := x.Dim(0)
	for i := range n {
		for j := range 2 {
			mean[j] += float64(x.Data[2*i+j]) / float64(n)
		}
	}
	for i := range n {
		for j := range 2 {
			d := float64(x.Data[2*i+j]) - mean[j]
			std[j] += d * d / float64(n)
		}
	}
	std[0], std[1] = math.Sqrt(std[0]), math.Sqrt(std[1])
	return mean, std
}

func TestToy2DScaleAndSeeds(t *testing.T) {
	for _, name := range Toy2DNames {
		t.Run(name, func(t *testing.T) {
			x, y, err := Toy2D(name, 20000, tensor.NewRNG(1))
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Shape) != 2 || x.Shape[0] != 20000 || x.Shape[1] != 2 {
				t.Fatalf("shape %v, want (20000, 2)", x.Shape)
			}
			if y != nil && len(y) != 20000 {
				t.Fatalf("%d labels for 20000 points", len(y))
			}
			mean, std := moments(x)
			for j := range 2 {
				if math.Abs(mean[j]) > 0.05 {
					t.Errorf("axis %d: mean %.3f, want |mean| ≤ 0.05", j, mean[j])
				}
				if std[j] < 0.55 || std[j] > 1.15 {
					t.Errorf("axis %d: std %.3f, want in [0.55, 1.15]", j, std[j])
				}
			}
			again, _, _ := Toy2D(name, 20000, tensor.NewRNG(1))
			other, _, _ := Toy2D(name, 20000, tensor.NewRNG(2))
			same := true
			for i := range x.Data {
				if x.Data[i] != again.Data[i] {
					t.Fatalf("seed 1 twice: x[%d] = %v then %v", i, x.Data[i], again.Data[i])
				}
				same = same && x.Data[i] == other.Data[i]
			}
			if same {
				t.Error("seeds 1 and 2 drew the same points")
			}
		})
	}
	if _, _, err := Toy2D("spirals", 10, tensor.NewRNG(1)); err == nil {
		t.Error("Toy2D(\"spirals\"): no error")
	}
}

// TestEightGaussiansLabels checks that each point lies within 5 std of
// the centre its label names, and that every component is used.
func TestEightGaussiansLabels(t *testing.T) {
	x, y := EightGaussians(4000, 0.1, tensor.NewRNG(7))
	centers := EightGaussianCenters()
	var count [8]int
	for i, k := range y {
		count[k]++
		dx := float64(x.Data[2*i]) - centers[k][0]
		dy := float64(x.Data[2*i+1]) - centers[k][1]
		if d := math.Hypot(dx, dy); d > 0.5 {
			t.Fatalf("point %d (label %d) is %.3f from its centre, want ≤ 0.5 (5 std)", i, k, d)
		}
	}
	for k, c := range count {
		if c < 400 || c > 600 { // 500 expected, sd ≈ 21
			t.Errorf("component %d drew %d of 4000 points, want about 500", k, c)
		}
	}
	if r := math.Hypot(centers[2][0], centers[2][1]); math.Abs(r-EightGaussiansRadius) > 1e-12 || math.Abs(centers[2][0]) > 1e-12 {
		t.Errorf("centre 2 = %v, want (0, %.4f)", centers[2], EightGaussiansRadius)
	}
}

// TestTwoMoonsLabels undoes the scaling and checks that label 0 points lie
// near the unit circle around (0, 0) and label 1 points near the one around
// (1, ½): the noise is 0.05, so 0.3 is 6 sd.
func TestTwoMoonsLabels(t *testing.T) {
	x, y := TwoMoons(2000, 0.05, tensor.NewRNG(3))
	for i, k := range y {
		a := float64(x.Data[2*i])*0.8 + 0.5
		b := float64(x.Data[2*i+1])*0.8 + 0.25
		cx, cy := 0.0, 0.0
		if k == 1 {
			cx, cy = 1, 0.5
		}
		if r := math.Hypot(a-cx, b-cy); math.Abs(r-1) > 0.3 {
			t.Fatalf("point %d (label %d) at radius %.3f from its moon's centre, want 1 ± 0.3", i, k, r)
		}
	}
}
