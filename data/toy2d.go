package data

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/tensor"
)

// The 2-D benchmark sets. Each generator draws n points from its own
// seeded rng and returns them as an (n, 2) tensor on roughly unit scale
// (per-axis standard deviation between about 0.6 and 1, mean near 0), by a
// fixed affine map, so that every draw of a set shares one scale and
// σ_data = 1 is a fair guess for all of them.

// Toy2DNames lists the sets Toy2D knows, in the order of the benchmark.
var Toy2DNames = []string{"moons", "8gaussians", "swissroll"}

// Toy2D draws n points of the named set (one of Toy2DNames) with its
// default noise: (n, 2) points and their labels (nil for the Swiss roll).
func Toy2D(name string, n int, rng *tensor.RNG) (*tensor.Tensor, []int, error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("toy2d %q: want n ≥ 0 points, got %d", name, n)
	}
	switch name {
	case "moons":
		x, y := TwoMoons(n, 0.05, rng)
		return x, y, nil
	case "8gaussians":
		x, y := EightGaussians(n, 0.1, rng)
		return x, y, nil
	case "swissroll":
		return SwissRoll(n, 0.5, rng), nil, nil
	}
	return nil, nil, fmt.Errorf("toy2d: unknown set %q: want one of %v", name, Toy2DNames)
}

// TwoMoons draws n points from two interleaved half circles, as
// scikit-learn's make_moons: the upper moon (cos t, sin t) has label 0
// and the lower moon (1 − cos t, ½ − sin t) label 1, t ~ U(0, π), each
// point with N(0, noise²) added per axis (noise is in the original units,
// where a moon has radius 1). Points are then centred by (−½, −¼) and
// scaled by 1/0.8: per-axis std ≈ (1.08, 0.62) for noise 0.05. Each point
// picks its moon with probability ½.
func TwoMoons(n int, noise float64, rng *tensor.RNG) (*tensor.Tensor, []int) {
	x := tensor.New(n, 2)
	y := make([]int, n)
	for i := range n {
		t := math.Pi * rng.Uniform()
		a, b := math.Cos(t), math.Sin(t)
		if rng.Uniform() < 0.5 {
			y[i] = 1
			a, b = 1-a, 0.5-b
		}
		a += noise * rng.Normal()
		b += noise * rng.Normal()
		x.Data[2*i] = float32((a - 0.5) / 0.8)
		x.Data[2*i+1] = float32((b - 0.25) / 0.8)
	}
	return x, y
}

// EightGaussiansRadius is the radius of the circle the eight components of
// EightGaussians sit on: with it the per-axis variance of the mixture is
// r²/2 + std² ≈ 1.
const EightGaussiansRadius = math.Sqrt2

// EightGaussianCenters returns the eight component means of
// EightGaussians: centre k is r·(cos 2πk/8, sin 2πk/8), r = EightGaussiansRadius.
func EightGaussianCenters() [8][2]float64 {
	var c [8][2]float64
	for k := range c {
		a := 2 * math.Pi * float64(k) / 8
		c[k] = [2]float64{EightGaussiansRadius * math.Cos(a), EightGaussiansRadius * math.Sin(a)}
	}
	return c
}

// EightGaussians draws n points from an equal mixture of eight isotropic
// Gaussians of standard deviation std whose means are EightGaussianCenters;
// the label of a point is the index 0..7 of its component.
func EightGaussians(n int, std float64, rng *tensor.RNG) (*tensor.Tensor, []int) {
	centers := EightGaussianCenters()
	x := tensor.New(n, 2)
	y := make([]int, n)
	for i := range n {
		k := rng.Intn(8)
		y[i] = k
		x.Data[2*i] = float32(centers[k][0] + std*rng.Normal())
		x.Data[2*i+1] = float32(centers[k][1] + std*rng.Normal())
	}
	return x, y
}

// SwissRoll draws n points from the 2-D Swiss roll of scikit-learn's
// make_swiss_roll seen from its axis: t = 1.5π·(1 + 2u), u ~ U(0, 1),
// point (t·cos t, t·sin t) plus N(0, noise²) per axis (noise in those
// units). Points are then shifted by (−2, −0.2), near their mean, and scaled
// by 1/7: per-axis std ≈ (0.95, 0.99).
func SwissRoll(n int, noise float64, rng *tensor.RNG) *tensor.Tensor {
	x := tensor.New(n, 2)
	for i := range n {
		t := 1.5 * math.Pi * (1 + 2*rng.Uniform())
		a := t*math.Cos(t) + noise*rng.Normal()
		b := t*math.Sin(t) + noise*rng.Normal()
		x.Data[2*i] = float32((a - 2) / 7)
		x.Data[2*i+1] = float32((b - 0.2) / 7)
	}
	return x
}
