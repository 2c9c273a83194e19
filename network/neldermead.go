package network

import (
	"math"
	"sort"
)

// minimise finds a local minimum of f near x0 by the Nelder–Mead simplex
// (Nelder & Mead 1965; coefficients 1, 2, ½, ½), starting from the simplex
// x0 + step·e_i, restarting from the best point until a restart no longer
// improves f by more than tol. Non-finite values of f count as +∞.
func minimise(f func([]float64) float64, x0 []float64, step float64, tol float64) ([]float64, float64) {
	x, fx := append([]float64(nil), x0...), safe(f(x0))
	for range 8 {
		nx, nf := nelderMead(f, x, step, tol, 400*len(x))
		improved := fx-nf > tol
		if nf < fx {
			x, fx = nx, nf
		}
		if !improved {
			break
		}
		step /= 2
	}
	return x, fx
}

func safe(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return math.Inf(1)
	}
	return v
}

// nelderMead runs one simplex search for at most maxEval evaluations or
// until the spread of f over the simplex falls below tol.
func nelderMead(f func([]float64) float64, x0 []float64, step, tol float64, maxEval int) ([]float64, float64) {
	n := len(x0)
	pts := make([][]float64, n+1)
	val := make([]float64, n+1)
	for i := range pts {
		pts[i] = append([]float64(nil), x0...)
		if i > 0 {
			pts[i][i-1] += step
		}
		val[i] = safe(f(pts[i]))
	}
	eval := n + 1
	idx := make([]int, n+1)
	point := func(c []float64, a float64, w []float64) []float64 { // c + a(c − w)
		p := make([]float64, n)
		for j := range p {
			p[j] = c[j] + a*(c[j]-w[j])
		}
		return p
	}
	for eval < maxEval {
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return val[idx[a]] < val[idx[b]] })
		best, worst, second := idx[0], idx[n], idx[n-1]
		if math.Abs(val[worst]-val[best]) <= tol*(1+math.Abs(val[best])) && !math.IsInf(val[worst], 1) {
			break
		}
		c := make([]float64, n) // centroid of all but the worst
		for _, i := range idx[:n] {
			for j := range c {
				c[j] += pts[i][j] / float64(n)
			}
		}
		r := point(c, 1, pts[worst])
		fr := safe(f(r))
		eval++
		switch {
		case fr < val[best]:
			e := point(c, 2, pts[worst])
			fe := safe(f(e))
			eval++
			if fe < fr {
				pts[worst], val[worst] = e, fe
			} else {
				pts[worst], val[worst] = r, fr
			}
		case fr < val[second]:
			pts[worst], val[worst] = r, fr
		default:
			k := point(c, -0.5, pts[worst]) // inside contraction
			if fr < val[worst] {
				k = point(c, 0.5, pts[worst]) // outside contraction
			}
			fk := safe(f(k))
			eval++
			if fk < min(fr, val[worst]) {
				pts[worst], val[worst] = k, fk
				continue
			}
			for _, i := range idx[1:] { // shrink towards the best
				for j := range pts[i] {
					pts[i][j] = pts[best][j] + 0.5*(pts[i][j]-pts[best][j])
				}
				val[i] = safe(f(pts[i]))
				eval++
			}
		}
	}
	b := 0
	for i := range val {
		if val[i] < val[b] {
			b = i
		}
	}
	return pts[b], val[b]
}
