package baseline

import (
	"fmt"
	"math"

	"github.com/diffusego/diffusego/internal/parallel"
	"github.com/diffusego/diffusego/tensor"
)

// MeanFill returns x: (N, C, H, W) with every unknown pixel (known[i] false)
// set to the mean of the known pixels of its plane; known pixels are copied.
// A plane with no known pixel is filled with 0, the middle of [−1, 1].
func MeanFill(x *tensor.Tensor, known []bool) (*tensor.Tensor, error) {
	n, c, h, w, err := dims("MeanFill", x)
	if err != nil {
		return nil, err
	}
	if err := checkMask("MeanFill", known, h, w); err != nil {
		return nil, err
	}
	out := x.Clone()
	for p := range n * c {
		plane := out.Data[p*h*w : (p+1)*h*w]
		sum, cnt := 0.0, 0
		for i, k := range known {
			if k {
				sum += float64(plane[i])
				cnt++
			}
		}
		mean := float32(0)
		if cnt > 0 {
			mean = float32(sum / float64(cnt))
		}
		for i, k := range known {
			if !k {
				plane[i] = mean
			}
		}
	}
	return out, nil
}

// HarmonicFill solves Laplace's equation ∇²u = 0 on the unknown pixels of
// every plane of x: (N, C, H, W), with the known pixels as Dirichlet
// boundary values and zero normal derivative at the image border (a pixel's
// missing neighbours are left out of its average). It starts from MeanFill
// and runs successive over-relaxation with the optimal factor for the
// grid, ω = 2/(1+sin(π/max(H, W))), until the largest update of a sweep is
// below tol or maxIter sweeps have run. Known pixels are copied exactly.
// A linear ramp is harmonic, so it is reproduced exactly (up to tol).
func HarmonicFill(x *tensor.Tensor, known []bool, tol float64, maxIter int) (*tensor.Tensor, error) {
	n, c, h, w, err := dims("HarmonicFill", x)
	if err != nil {
		return nil, err
	}
	if err := checkMask("HarmonicFill", known, h, w); err != nil {
		return nil, err
	}
	if !(tol > 0) || maxIter < 1 {
		return nil, fmt.Errorf("baseline: HarmonicFill: tol %g, maxIter %d: want tol > 0 and maxIter ≥ 1", tol, maxIter)
	}
	out, err := MeanFill(x, known)
	if err != nil {
		return nil, err
	}
	var holes []int
	for i, k := range known {
		if !k {
			holes = append(holes, i)
		}
	}
	omega := 2 / (1 + math.Sin(math.Pi/float64(max(h, w))))
	parallel.For(n*c, 1, func(lo, hi int) {
		u := make([]float64, h*w)
		for p := lo; p < hi; p++ {
			plane := out.Data[p*h*w : (p+1)*h*w]
			for i, v := range plane {
				u[i] = float64(v)
			}
			sor(u, holes, h, w, omega, tol, maxIter)
			for _, i := range holes {
				plane[i] = float32(u[i])
			}
		}
	})
	return out, nil
}

// sor runs SOR sweeps over the hole pixels of u (h×w) in raster order.
func sor(u []float64, holes []int, h, w int, omega, tol float64, maxIter int) {
	for range maxIter {
		worst := 0.0
		for _, k := range holes {
			i, j := k/w, k%w
			sum, cnt := 0.0, 0
			if i > 0 {
				sum += u[k-w]
				cnt++
			}
			if i < h-1 {
				sum += u[k+w]
				cnt++
			}
			if j > 0 {
				sum += u[k-1]
				cnt++
			}
			if j < w-1 {
				sum += u[k+1]
				cnt++
			}
			if cnt == 0 {
				continue
			}
			delta := omega * (sum/float64(cnt) - u[k])
			u[k] += delta
			worst = max(worst, math.Abs(delta))
		}
		if worst < tol {
			return
		}
	}
}
