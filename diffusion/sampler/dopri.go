package sampler

import (
	"errors"
	"fmt"
	"math"
)

// DormandPrince is the adaptive explicit Runge–Kutta 5(4) pair of Dormand
// and Prince (1980), "DOPRI5" (Hairer, Nørsett & Wanner, Solving ODEs I,
// §II.5 and §II.4 for the step-size control): seven stages with the
// first-same-as-last property, so an accepted step costs six evaluations.
// The error of a step is the RMS over the state of
// err_j/(ATol + RTol·max(|y_j|, |y'_j|)); a step is accepted when it is ≤ 1
// and the next step is scaled by 0.9·err^(−1/5), kept within [0.2, 5].
type DormandPrince struct {
	RTol, ATol float64 // zero values mean 1e-5 each
	MaxSteps   int     // accepted plus rejected steps; zero means 10000
}

// ODEStats reports the work of one Solve.
type ODEStats struct {
	NFE      int // evaluations of f
	Accepted int // accepted steps
	Rejected int // rejected steps
}

// errMaxSteps is returned when Solve runs out of steps.
var errMaxSteps = errors.New("too many steps")

// Dormand–Prince tableau (Hairer et al., table 5.2).
var (
	dpC = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	dpA = [7][6]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	// dpE = b − b̂: the fifth-order weights (row 6 of dpA) minus the embedded fourth-order ones.
	dpE = [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
)

// Solve integrates dy/ds = f(s, y) from s0 to s1 (either direction),
// replacing y by y(s1). f writes the derivative into dy and must not keep
// y or dy. It returns f's first error, or an error after MaxSteps steps.
func (c DormandPrince) Solve(f func(s float64, y, dy []float64) error, s0, s1 float64, y []float64) (ODEStats, error) {
	var st ODEStats
	rtol, atol, maxSteps := c.RTol, c.ATol, c.MaxSteps
	if rtol == 0 {
		rtol = 1e-5
	}
	if atol == 0 {
		atol = 1e-5
	}
	if maxSteps == 0 {
		maxSteps = 10000
	}
	if !(rtol > 0 && atol > 0) {
		return st, fmt.Errorf("dormand-prince: tolerances: want > 0, got rtol %g, atol %g", rtol, atol)
	}
	if s0 == s1 {
		return st, nil
	}
	n := len(y)
	var k [7][]float64
	for i := range k {
		k[i] = make([]float64, n)
	}
	tmp, ynew := make([]float64, n), make([]float64, n)
	eval := func(s float64, y, dy []float64) error {
		st.NFE++
		return f(s, y, dy)
	}
	if err := eval(s0, y, k[0]); err != nil {
		return st, err
	}
	dir := math.Copysign(1, s1-s0)
	h := dir * min(math.Abs(s1-s0), initialStep(y, k[0], rtol, atol))
	s := s0
	for (s1-s)*dir > 0 {
		if st.Accepted+st.Rejected >= maxSteps {
			return st, fmt.Errorf("dormand-prince: %w (%d) at s = %g of [%g, %g]", errMaxSteps, maxSteps, s, s0, s1)
		}
		last := (s+h-s1)*dir >= 0
		if last {
			h = s1 - s
		}
		for i := 1; i < 7; i++ {
			for j := range n {
				v := y[j]
				for l := range i {
					v += h * dpA[i][l] * k[l][j]
				}
				tmp[j] = v
			}
			if i == 6 {
				copy(ynew, tmp) // stage 7 is evaluated at the fifth-order solution
			}
			if err := eval(s+dpC[i]*h, tmp, k[i]); err != nil {
				return st, err
			}
		}
		e := 0.0
		for j := range n {
			d := 0.0
			for i := range 7 {
				d += dpE[i] * k[i][j]
			}
			sc := atol + rtol*max(math.Abs(y[j]), math.Abs(ynew[j]))
			e += (h * d / sc) * (h * d / sc)
		}
		e = math.Sqrt(e / float64(max(n, 1)))
		if math.IsNaN(e) {
			return st, fmt.Errorf("dormand-prince: non-finite state at s = %g", s)
		}
		fac := 5.0
		if e > 0 {
			fac = min(5, max(0.2, 0.9*math.Pow(e, -0.2)))
		}
		if e <= 1 {
			st.Accepted++
			s += h
			if last {
				s = s1
			}
			copy(y, ynew)
			k[0], k[6] = k[6], k[0] // first same as last
		} else {
			st.Rejected++
			fac = min(fac, 1)
		}
		h *= fac
	}
	return st, nil
}

// initialStep is the starting step of Hairer et al. (§II.4, the first part
// of the algorithm): 0.01·‖y‖/‖f(y)‖ in the error norm, at most 1.
func initialStep(y, dy []float64, rtol, atol float64) float64 {
	var d0, d1 float64
	for j := range y {
		sc := atol + rtol*math.Abs(y[j])
		d0 += (y[j] / sc) * (y[j] / sc)
		d1 += (dy[j] / sc) * (dy[j] / sc)
	}
	if d0 < 1e-10 || d1 < 1e-10 {
		return 1e-6
	}
	return min(1, 0.01*math.Sqrt(d0/d1))
}
